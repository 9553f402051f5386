//! Creates `outbox`: messages for the POS, written with the change that causes them.

use sea_orm_migration::{prelude::*, schema::*};

use crate::schema_helpers::{ENUM_LEN, create_table_with_indices, drop_table, index};

/// The migration.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Outbox {
    Table,
    Id,
    Kind,
    AggregateId,
    Payload,
    Status,
    Attempts,
    NextAttemptAt,
    LastError,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Outbox as T;
        let table = Table::create()
            .table(T::Table)
            .col(pk_uuid(T::Id))
            .col(string_len(T::Kind, 64))
            .col(uuid(T::AggregateId))
            .col(json_binary(T::Payload))
            .col(string_len(T::Status, ENUM_LEN))
            .col(integer(T::Attempts).check(Expr::col(T::Attempts).gte(0)))
            .col(timestamp_with_time_zone(T::NextAttemptAt))
            .col(text_null(T::LastError))
            .col(timestamp_with_time_zone(T::CreatedAt))
            .col(timestamp_with_time_zone(T::UpdatedAt))
            .to_owned();
        let indices = vec![
            // Workers claim due rows: `status = 'PENDING' AND next_attempt_at <= now`.
            index(T::Table, &[T::Status, T::NextAttemptAt]),
            index(T::Table, &[T::AggregateId]),
        ];
        create_table_with_indices(manager, table, indices).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_table(manager, Outbox::Table).await
    }
}
