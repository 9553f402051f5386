//! Creates `sync_cursors`: the watermark and health of each sync stream.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000001_create_provider_connections::ProviderConnections;
use crate::schema_helpers::{create_table_with_indices, drop_table, foreign_key, unique_index};

/// The migration.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum SyncCursors {
    Table,
    Id,
    ConnectionId,
    Stream,
    Cursor,
    CursorAt,
    LastRunAt,
    LastSuccessAt,
    LastFullSyncAt,
    LastError,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use SyncCursors as T;
        let table = Table::create()
            .table(T::Table)
            .col(pk_uuid(T::Id))
            .col(uuid(T::ConnectionId))
            .col(string_len(T::Stream, 32))
            .col(text_null(T::Cursor))
            .col(timestamp_with_time_zone_null(T::CursorAt))
            .col(timestamp_with_time_zone_null(T::LastRunAt))
            .col(timestamp_with_time_zone_null(T::LastSuccessAt))
            .col(timestamp_with_time_zone_null(T::LastFullSyncAt))
            .col(text_null(T::LastError))
            .col(timestamp_with_time_zone(T::UpdatedAt))
            .foreign_key(&mut foreign_key(
                T::Table,
                T::ConnectionId,
                ProviderConnections::Table,
                ProviderConnections::Id,
                ForeignKeyAction::Cascade,
            ))
            .to_owned();
        let indices = vec![unique_index(T::Table, &[T::ConnectionId, T::Stream])];
        create_table_with_indices(manager, table, indices).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_table(manager, SyncCursors::Table).await
    }
}
