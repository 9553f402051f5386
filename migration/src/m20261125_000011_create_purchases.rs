//! Creates `purchases`: purchase history, online and in store, de-duplicated by POS id.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000001_create_provider_connections::ProviderConnections;
use crate::m20261125_000002_create_locations::Locations;
use crate::m20261125_000006_create_customers::Customers;
use crate::m20261125_000008_create_orders::Orders;
use crate::schema_helpers::{
    CURRENCY_LEN, ENUM_LEN, create_table_with_indices, drop_table, foreign_key, index, unique_index,
};

/// The migration.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum Purchases {
    Table,
    Id,
    CustomerId,
    Source,
    OrderId,
    ConnectionId,
    ExternalId,
    ReturnOfExternalId,
    LocationId,
    Total,
    Currency,
    OccurredAt,
    IsReturn,
    IsVoid,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Purchases as T;
        let table = Table::create()
            .table(T::Table)
            .col(pk_uuid(T::Id))
            .col(uuid_null(T::CustomerId))
            .col(string_len(T::Source, ENUM_LEN))
            .col(uuid_null(T::OrderId))
            .col(uuid_null(T::ConnectionId))
            .col(string_null(T::ExternalId))
            .col(string_null(T::ReturnOfExternalId))
            .col(uuid(T::LocationId))
            .col(big_integer(T::Total))
            .col(string_len(T::Currency, CURRENCY_LEN))
            .col(timestamp_with_time_zone(T::OccurredAt))
            .col(boolean(T::IsReturn))
            .col(boolean(T::IsVoid))
            .col(timestamp_with_time_zone(T::CreatedAt))
            .col(timestamp_with_time_zone(T::UpdatedAt))
            .foreign_key(&mut foreign_key(
                T::Table,
                T::CustomerId,
                Customers::Table,
                Customers::Id,
                ForeignKeyAction::Restrict,
            ))
            .foreign_key(&mut foreign_key(
                T::Table,
                T::OrderId,
                Orders::Table,
                Orders::Id,
                ForeignKeyAction::SetNull,
            ))
            .foreign_key(&mut foreign_key(
                T::Table,
                T::ConnectionId,
                ProviderConnections::Table,
                ProviderConnections::Id,
                ForeignKeyAction::SetNull,
            ))
            .foreign_key(&mut foreign_key(
                T::Table,
                T::LocationId,
                Locations::Table,
                Locations::Id,
                ForeignKeyAction::Restrict,
            ))
            .to_owned();
        let indices = vec![
            unique_index(T::Table, &[T::ConnectionId, T::ExternalId]),
            // History pages and compliance sums over a period.
            index(T::Table, &[T::CustomerId, T::OccurredAt]),
            index(T::Table, &[T::OrderId]),
            index(T::Table, &[T::LocationId]),
        ];
        create_table_with_indices(manager, table, indices).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_table(manager, Purchases::Table).await
    }
}
