//! Creates `locations`: stores, their jurisdiction and the POS id they map to.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000001_create_provider_connections::ProviderConnections;
use crate::schema_helpers::{create_table_with_indices, drop_table, foreign_key, unique_index};

/// The migration.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum Locations {
    Table,
    Id,
    Name,
    Address,
    City,
    State,
    PostalCode,
    AdultUse,
    Medical,
    LicenceNumber,
    TimeZone,
    MinAgeOverride,
    ConnectionId,
    ExternalId,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Locations as T;
        let table = Table::create()
            .table(T::Table)
            .col(pk_uuid(T::Id))
            .col(string(T::Name))
            .col(string_null(T::Address))
            .col(string_null(T::City))
            .col(string_len(T::State, 8))
            .col(string_null(T::PostalCode))
            .col(boolean(T::AdultUse))
            .col(boolean(T::Medical))
            .col(string_null(T::LicenceNumber))
            .col(string_len(T::TimeZone, 64))
            .col(integer_null(T::MinAgeOverride))
            .col(uuid_null(T::ConnectionId))
            .col(string_null(T::ExternalId))
            .col(timestamp_with_time_zone(T::CreatedAt))
            .col(timestamp_with_time_zone(T::UpdatedAt))
            .foreign_key(&mut foreign_key(
                T::Table,
                T::ConnectionId,
                ProviderConnections::Table,
                ProviderConnections::Id,
                ForeignKeyAction::SetNull,
            ))
            .to_owned();
        let indices = vec![unique_index(T::Table, &[T::ConnectionId, T::ExternalId])];
        create_table_with_indices(manager, table, indices).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_table(manager, Locations::Table).await
    }
}
