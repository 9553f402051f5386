//! Creates `provider_connections`: configured POS accounts with sealed secrets.

use sea_orm_migration::{prelude::*, schema::*};

use crate::schema_helpers::{ENUM_LEN, drop_table};

/// The migration.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum ProviderConnections {
    Table,
    Id,
    Kind,
    Name,
    BaseUrl,
    ApiKeySealed,
    ApiKeyHint,
    ApiSecretSealed,
    WebhookSecretSealed,
    KeyId,
    Settings,
    Enabled,
    PollIntervalSecs,
    FullSyncIntervalSecs,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ProviderConnections as T;
        let table = Table::create()
            .table(T::Table)
            .col(pk_uuid(T::Id))
            .col(string_len(T::Kind, ENUM_LEN))
            .col(string(T::Name))
            .col(string(T::BaseUrl))
            .col(blob(T::ApiKeySealed))
            .col(string_len(T::ApiKeyHint, 8))
            .col(blob_null(T::ApiSecretSealed))
            .col(blob_null(T::WebhookSecretSealed))
            .col(string_len(T::KeyId, 64))
            .col(json_binary(T::Settings))
            .col(boolean(T::Enabled))
            .col(integer(T::PollIntervalSecs).check(Expr::col(T::PollIntervalSecs).gt(0)))
            .col(integer(T::FullSyncIntervalSecs).check(Expr::col(T::FullSyncIntervalSecs).gt(0)))
            .col(timestamp_with_time_zone(T::CreatedAt))
            .col(timestamp_with_time_zone(T::UpdatedAt))
            .to_owned();
        manager.create_table(table).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_table(manager, ProviderConnections::Table).await
    }
}
