//! Creates `persisted_operations`: the GraphQL documents registered for the safelist
//! (`CANOPY_PERSISTED_QUERIES=safelist`), each under the SHA-256 of its exact text.

use sea_orm_migration::{prelude::*, schema::*};

use crate::schema_helpers::drop_table;

/// The migration.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum PersistedOperations {
    Table,
    /// Lowercase hex SHA-256 of the document.
    Hash,
    /// The document, exactly as registered.
    Document,
    /// The names of its operations (a JSON array of strings).
    OperationNames,
    /// Who registered it (`cli` or an admin's subject).
    RegisteredBy,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use PersistedOperations as P;
        let table = Table::create()
            .table(P::Table)
            .col(string_len(P::Hash, 64).primary_key())
            .col(text(P::Document))
            .col(json_binary(P::OperationNames))
            .col(string_len(P::RegisteredBy, 255))
            .col(timestamp_with_time_zone(P::CreatedAt))
            .to_owned();
        manager.create_table(table).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_table(manager, PersistedOperations::Table).await
    }
}
