//! Creates `stock_levels`: on-hand and reserved units per product and location.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000002_create_locations::Locations;
use crate::m20261125_000003_create_products::Products;
use crate::schema_helpers::{
    create_table_with_indices, drop_table, foreign_key, index, unique_index,
};

/// The migration.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum StockLevels {
    Table,
    Id,
    ProductId,
    LocationId,
    OnHand,
    Reserved,
    PosUpdatedAt,
    PosVersion,
    PackageTag,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use StockLevels as T;
        let table = Table::create()
            .table(T::Table)
            .col(pk_uuid(T::Id))
            .col(uuid(T::ProductId))
            .col(uuid(T::LocationId))
            .col(big_integer(T::OnHand).check(Expr::col(T::OnHand).gte(0)))
            .col(big_integer(T::Reserved).check(Expr::col(T::Reserved).gte(0)))
            .col(timestamp_with_time_zone_null(T::PosUpdatedAt))
            .col(big_integer_null(T::PosVersion))
            .col(string_null(T::PackageTag))
            .col(timestamp_with_time_zone(T::UpdatedAt))
            .foreign_key(&mut foreign_key(
                T::Table,
                T::ProductId,
                Products::Table,
                Products::Id,
                ForeignKeyAction::Cascade,
            ))
            .foreign_key(&mut foreign_key(
                T::Table,
                T::LocationId,
                Locations::Table,
                Locations::Id,
                ForeignKeyAction::Cascade,
            ))
            .to_owned();
        let indices = vec![
            // Also serves `product_id IN (…)` for the stock DataLoader.
            unique_index(T::Table, &[T::ProductId, T::LocationId]),
            index(T::Table, &[T::LocationId, T::ProductId]),
        ];
        create_table_with_indices(manager, table, indices).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_table(manager, StockLevels::Table).await
    }
}
