//! Creates `customer_external_refs`: a customer's id at each POS connection.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000001_create_provider_connections::ProviderConnections;
use crate::m20261125_000006_create_customers::Customers;
use crate::schema_helpers::{
    create_table_with_indices, drop_table, foreign_key, index, unique_index,
};

/// The migration.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum CustomerExternalRefs {
    Table,
    Id,
    CustomerId,
    ConnectionId,
    ExternalId,
    PosModifiedAt,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use CustomerExternalRefs as T;
        let table = Table::create()
            .table(T::Table)
            .col(pk_uuid(T::Id))
            .col(uuid(T::CustomerId))
            .col(uuid(T::ConnectionId))
            .col(string(T::ExternalId))
            .col(timestamp_with_time_zone_null(T::PosModifiedAt))
            .col(timestamp_with_time_zone(T::CreatedAt))
            .foreign_key(&mut foreign_key(
                T::Table,
                T::CustomerId,
                Customers::Table,
                Customers::Id,
                ForeignKeyAction::Cascade,
            ))
            .foreign_key(&mut foreign_key(
                T::Table,
                T::ConnectionId,
                ProviderConnections::Table,
                ProviderConnections::Id,
                ForeignKeyAction::Cascade,
            ))
            .to_owned();
        let indices = vec![
            unique_index(T::Table, &[T::ConnectionId, T::ExternalId]),
            index(T::Table, &[T::CustomerId]),
        ];
        create_table_with_indices(manager, table, indices).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_table(manager, CustomerExternalRefs::Table).await
    }
}
