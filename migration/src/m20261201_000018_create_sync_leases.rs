//! Creates `sync_leases`: time-limited leases that elect one holder per named job (one
//! poller per provider connection) across replicas sharing the database.

use sea_orm_migration::{prelude::*, schema::*};

use crate::schema_helpers::drop_table;

/// The migration.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum SyncLeases {
    Table,
    /// What the lease is for, e.g. `poller:<connection id>` (primary key).
    Name,
    /// The process holding it.
    Holder,
    /// When it lapses unless renewed.
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use SyncLeases as T;
        manager
            .create_table(
                Table::create()
                    .table(T::Table)
                    .col(string(T::Name).primary_key())
                    .col(string(T::Holder))
                    .col(timestamp_with_time_zone(T::ExpiresAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_table(manager, SyncLeases::Table).await
    }
}
