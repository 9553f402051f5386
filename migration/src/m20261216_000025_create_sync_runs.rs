//! Creates `sync_runs` (one row per sync run of a connection: when it started and ended
//! and why it failed) and `sync_run_endpoints` (what each endpoint of a run read,
//! applied and rejected, with the distinct rejection reasons): the accounting behind
//! `syncStatus.state` and `syncStatus.lastRun`.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000001_create_provider_connections::ProviderConnections;
use crate::schema_helpers::{create_table_with_indices, drop_table, foreign_key, index};

/// The migration.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum SyncRuns {
    Table,
    Id,
    ConnectionId,
    /// `poll` or `reconcile`.
    Mode,
    StartedAt,
    /// Null while the run is going (or when its process died mid-run).
    FinishedAt,
    /// The error that stopped the run, as `stream: error`; null when it succeeded.
    Error,
}

#[derive(DeriveIden, Clone, Copy)]
enum SyncRunEndpoints {
    Table,
    Id,
    RunId,
    /// The stream (`locations`, `catalog`, `stock`, `customers`, `transactions`).
    Endpoint,
    Read,
    Applied,
    Rejected,
    /// Whether the run meant to read it but did not get to it.
    Skipped,
    /// The distinct rejection reasons (a JSON array of strings, no field values).
    Reasons,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use SyncRunEndpoints as E;
        use SyncRuns as R;
        let runs = Table::create()
            .table(R::Table)
            .col(pk_uuid(R::Id))
            .col(uuid(R::ConnectionId))
            .col(string_len(R::Mode, 16))
            .col(timestamp_with_time_zone(R::StartedAt))
            .col(timestamp_with_time_zone_null(R::FinishedAt))
            .col(text_null(R::Error))
            .foreign_key(&mut foreign_key(
                R::Table,
                R::ConnectionId,
                ProviderConnections::Table,
                ProviderConnections::Id,
                ForeignKeyAction::Cascade,
            ))
            .to_owned();
        create_table_with_indices(
            manager,
            runs,
            vec![index(R::Table, &[R::ConnectionId, R::StartedAt])],
        )
        .await?;
        let endpoints = Table::create()
            .table(E::Table)
            .col(pk_uuid(E::Id))
            .col(uuid(E::RunId))
            .col(string_len(E::Endpoint, 32))
            .col(big_integer(E::Read))
            .col(big_integer(E::Applied))
            .col(big_integer(E::Rejected))
            .col(boolean(E::Skipped))
            .col(json_binary(E::Reasons))
            .foreign_key(&mut foreign_key(
                E::Table,
                E::RunId,
                R::Table,
                R::Id,
                ForeignKeyAction::Cascade,
            ))
            .to_owned();
        create_table_with_indices(manager, endpoints, vec![index(E::Table, &[E::RunId])]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_table(manager, SyncRunEndpoints::Table).await?;
        drop_table(manager, SyncRuns::Table).await
    }
}
