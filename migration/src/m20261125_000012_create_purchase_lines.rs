//! Creates `purchase_lines`: products, amounts and compliance grams of a purchase.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000003_create_products::Products;
use crate::m20261125_000011_create_purchases::Purchases;
use crate::schema_helpers::{
    CURRENCY_LEN, create_table_with_indices, drop_table, foreign_key, index,
};

/// The migration.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum PurchaseLines {
    Table,
    Id,
    PurchaseId,
    ProductId,
    ExternalProductId,
    Quantity,
    Amount,
    Currency,
    Returned,
    FlowerEquivalentGrams,
    ProductClass,
    PackageTag,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use PurchaseLines as T;
        let table = Table::create()
            .table(T::Table)
            .col(pk_uuid(T::Id))
            .col(uuid(T::PurchaseId))
            .col(uuid_null(T::ProductId))
            .col(string_null(T::ExternalProductId))
            .col(big_integer(T::Quantity))
            .col(big_integer(T::Amount))
            .col(string_len(T::Currency, CURRENCY_LEN))
            .col(boolean(T::Returned))
            .col(double(T::FlowerEquivalentGrams))
            .col(string_len_null(T::ProductClass, 32))
            .col(string_null(T::PackageTag))
            .foreign_key(&mut foreign_key(
                T::Table,
                T::PurchaseId,
                Purchases::Table,
                Purchases::Id,
                ForeignKeyAction::Cascade,
            ))
            .foreign_key(&mut foreign_key(
                T::Table,
                T::ProductId,
                Products::Table,
                Products::Id,
                ForeignKeyAction::SetNull,
            ))
            .to_owned();
        let indices = vec![
            index(T::Table, &[T::PurchaseId]),
            index(T::Table, &[T::ProductId]),
        ];
        create_table_with_indices(manager, table, indices).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_table(manager, PurchaseLines::Table).await
    }
}
