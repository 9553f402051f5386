//! Adds `customer_events.push_id`: the `push_customer` outbox row an outcome at a POS
//! (pushed, refused, kept in Canopy) belongs to, unique per (push, connection), so a
//! push attempted again records its outcome at each POS once.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{m20261212_000021_create_customer_events::CustomerEvents, schema_helpers::alter_table};

/// The migration.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Added {
    PushId,
}

/// The index name.
const INDEX: &str = "ux_customer_events_push_id_connection_id";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        alter_table(manager, CustomerEvents::Table, |t| {
            t.add_column(uuid_null(Added::PushId))
        })
        .await?;
        // NULLs are distinct: events of no push never collide
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(CustomerEvents::Table)
                    .col(Added::PushId)
                    .col(CustomerEvents::ConnectionId)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(INDEX)
                    .table(CustomerEvents::Table)
                    .to_owned(),
            )
            .await?;
        alter_table(manager, CustomerEvents::Table, |t| {
            t.drop_column(Added::PushId)
        })
        .await
    }
}
