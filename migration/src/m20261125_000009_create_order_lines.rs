//! Creates `order_lines`: the products, units and prices of an order.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000003_create_products::Products;
use crate::m20261125_000008_create_orders::Orders;
use crate::schema_helpers::{
    CURRENCY_LEN, create_table_with_indices, drop_table, foreign_key, index,
};

/// The migration.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum OrderLines {
    Table,
    Id,
    OrderId,
    ProductId,
    Quantity,
    ReturnedQuantity,
    UnitPrice,
    Currency,
    PackageTag,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use OrderLines as T;
        let table = Table::create()
            .table(T::Table)
            .col(pk_uuid(T::Id))
            .col(uuid(T::OrderId))
            .col(uuid(T::ProductId))
            .col(big_integer(T::Quantity).check(Expr::col(T::Quantity).gt(0)))
            .col(big_integer(T::ReturnedQuantity))
            .col(big_integer(T::UnitPrice).check(Expr::col(T::UnitPrice).gte(0)))
            .col(string_len(T::Currency, CURRENCY_LEN))
            .col(string_null(T::PackageTag))
            .check((
                "ck_order_lines_returned_quantity",
                Expr::col(T::ReturnedQuantity)
                    .gte(0)
                    .and(Expr::col(T::ReturnedQuantity).lte(Expr::col(T::Quantity))),
            ))
            .foreign_key(&mut foreign_key(
                T::Table,
                T::OrderId,
                Orders::Table,
                Orders::Id,
                ForeignKeyAction::Cascade,
            ))
            .foreign_key(&mut foreign_key(
                T::Table,
                T::ProductId,
                Products::Table,
                Products::Id,
                ForeignKeyAction::Restrict,
            ))
            .to_owned();
        let indices = vec![
            index(T::Table, &[T::OrderId]),
            // Open orders holding a product (vanished products, discrepancies).
            index(T::Table, &[T::ProductId]),
        ];
        create_table_with_indices(manager, table, indices).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_table(manager, OrderLines::Table).await
    }
}
