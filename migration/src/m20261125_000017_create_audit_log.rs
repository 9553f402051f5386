//! Creates `audit_log`: configuration changes and admin actions, insert-only.

use sea_orm_migration::{prelude::*, schema::*};

use crate::schema_helpers::{create_table_with_indices, drop_table, index};

/// The migration.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum AuditLog {
    Table,
    Id,
    Actor,
    Action,
    TargetType,
    TargetId,
    Before,
    After,
    At,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use AuditLog as T;
        let table = Table::create()
            .table(T::Table)
            .col(pk_uuid(T::Id))
            .col(string(T::Actor))
            .col(string_len(T::Action, 64))
            .col(string_len(T::TargetType, 64))
            .col(string_null(T::TargetId))
            .col(json_binary_null(T::Before))
            .col(json_binary_null(T::After))
            .col(timestamp_with_time_zone(T::At))
            .to_owned();
        let indices = vec![
            index(T::Table, &[T::At]),
            index(T::Table, &[T::TargetType, T::TargetId]),
        ];
        create_table_with_indices(manager, table, indices).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_table(manager, AuditLog::Table).await
    }
}
