//! Creates `webhook_deliveries`: the durable, de-duplicated queue of POS webhooks.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000001_create_provider_connections::ProviderConnections;
use crate::schema_helpers::{
    ENUM_LEN, create_table_with_indices, drop_table, foreign_key, index, unique_index,
};

/// The migration.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum WebhookDeliveries {
    Table,
    Id,
    ConnectionId,
    DeliveryId,
    Payload,
    Status,
    Attempts,
    LastError,
    ReceivedAt,
    ProcessedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use WebhookDeliveries as T;
        let table = Table::create()
            .table(T::Table)
            .col(pk_uuid(T::Id))
            .col(uuid(T::ConnectionId))
            .col(string(T::DeliveryId))
            .col(json_binary(T::Payload))
            .col(string_len(T::Status, ENUM_LEN))
            .col(integer(T::Attempts).check(Expr::col(T::Attempts).gte(0)))
            .col(text_null(T::LastError))
            .col(timestamp_with_time_zone(T::ReceivedAt))
            .col(timestamp_with_time_zone_null(T::ProcessedAt))
            .foreign_key(&mut foreign_key(
                T::Table,
                T::ConnectionId,
                ProviderConnections::Table,
                ProviderConnections::Id,
                ForeignKeyAction::Cascade,
            ))
            .to_owned();
        let indices = vec![
            unique_index(T::Table, &[T::ConnectionId, T::DeliveryId]),
            index(T::Table, &[T::Status, T::ReceivedAt]),
        ];
        create_table_with_indices(manager, table, indices).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_table(manager, WebhookDeliveries::Table).await
    }
}
