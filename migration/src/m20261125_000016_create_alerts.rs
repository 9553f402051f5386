//! Creates `alerts`, with at most one open alert per dedupe key.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000001_create_provider_connections::ProviderConnections;
use crate::m20261125_000002_create_locations::Locations;
use crate::m20261125_000003_create_products::Products;
use crate::m20261125_000008_create_orders::Orders;
use crate::schema_helpers::{ENUM_LEN, create_table_with_indices, drop_table, foreign_key, index};

/// The migration.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Alerts {
    Table,
    Id,
    Severity,
    Kind,
    ConnectionId,
    ProductId,
    LocationId,
    OrderId,
    Message,
    Details,
    DedupeKey,
    Occurrences,
    CreatedAt,
    LastSeenAt,
    ResolvedAt,
    ResolvedBy,
}

/// A partial unique index: sea-query has no builder for `WHERE` on indices,
/// and this statement reads the same on SQLite and PostgreSQL.
const OPEN_DEDUPE_INDEX: &str = r#"CREATE UNIQUE INDEX "ux_alerts_open_dedupe_key" ON "alerts" ("dedupe_key") WHERE "resolved_at" IS NULL"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Alerts as T;
        let table = Table::create()
            .table(T::Table)
            .col(pk_uuid(T::Id))
            .col(string_len(T::Severity, ENUM_LEN))
            .col(string_len(T::Kind, 64))
            .col(uuid_null(T::ConnectionId))
            .col(uuid_null(T::ProductId))
            .col(uuid_null(T::LocationId))
            .col(uuid_null(T::OrderId))
            .col(text(T::Message))
            .col(json_binary(T::Details))
            .col(string(T::DedupeKey))
            .col(integer(T::Occurrences).check(Expr::col(T::Occurrences).gt(0)))
            .col(timestamp_with_time_zone(T::CreatedAt))
            .col(timestamp_with_time_zone(T::LastSeenAt))
            .col(timestamp_with_time_zone_null(T::ResolvedAt))
            .col(string_null(T::ResolvedBy))
            .foreign_key(&mut foreign_key(
                T::Table,
                T::ConnectionId,
                ProviderConnections::Table,
                ProviderConnections::Id,
                ForeignKeyAction::SetNull,
            ))
            .foreign_key(&mut foreign_key(
                T::Table,
                T::ProductId,
                Products::Table,
                Products::Id,
                ForeignKeyAction::SetNull,
            ))
            .foreign_key(&mut foreign_key(
                T::Table,
                T::LocationId,
                Locations::Table,
                Locations::Id,
                ForeignKeyAction::SetNull,
            ))
            .foreign_key(&mut foreign_key(
                T::Table,
                T::OrderId,
                Orders::Table,
                Orders::Id,
                ForeignKeyAction::SetNull,
            ))
            .to_owned();
        // Open alerts first (`resolved_at IS NULL`), newest first.
        let indices = vec![index(T::Table, &[T::ResolvedAt, T::CreatedAt])];
        create_table_with_indices(manager, table, indices).await?;
        manager
            .get_connection()
            .execute_unprepared(OPEN_DEDUPE_INDEX)
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_table(manager, Alerts::Table).await
    }
}
