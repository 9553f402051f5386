//! Creates `order_events`: the status history of each order.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000008_create_orders::Orders;
use crate::schema_helpers::{ENUM_LEN, create_table_with_indices, drop_table, foreign_key, index};

/// The migration.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum OrderEvents {
    Table,
    Id,
    OrderId,
    FromStatus,
    ToStatus,
    Source,
    VendorStatus,
    Detail,
    At,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use OrderEvents as T;
        let table = Table::create()
            .table(T::Table)
            .col(pk_uuid(T::Id))
            .col(uuid(T::OrderId))
            .col(string_len_null(T::FromStatus, ENUM_LEN))
            .col(string_len(T::ToStatus, ENUM_LEN))
            .col(string_len(T::Source, ENUM_LEN))
            .col(string_null(T::VendorStatus))
            .col(json_binary_null(T::Detail))
            .col(timestamp_with_time_zone(T::At))
            .foreign_key(&mut foreign_key(
                T::Table,
                T::OrderId,
                Orders::Table,
                Orders::Id,
                ForeignKeyAction::Cascade,
            ))
            .to_owned();
        let indices = vec![index(T::Table, &[T::OrderId, T::At])];
        create_table_with_indices(manager, table, indices).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_table(manager, OrderEvents::Table).await
    }
}
