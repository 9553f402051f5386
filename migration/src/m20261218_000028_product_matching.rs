//! Product matching across connections: each `product_external_refs` row keeps the keys
//! its record is matched by (`sku`, `upc` as a GTIN-14, `match_key`: brand, normalised
//! name, net weight or volume and category; and `measure`, the net weight or volume the
//! UPC rule checks), indexed, so a product carrying several stores' records is found by
//! any of them; `product_matches` (how each product
//! record was matched, or why it was kept apart, for the admin's review); and
//! `product_redirects` (the id of a product merged away, resolving to the survivor, with
//! what a split needs to restore it).

use sea_orm_migration::{prelude::*, schema::*};

use crate::{
    m20261125_000001_create_provider_connections::ProviderConnections,
    m20261125_000003_create_products::Products,
    schema_helpers::{
        ENUM_LEN, alter_table, create_table_with_indices, drop_table, foreign_key, index,
    },
};

/// The migration.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum ProductExternalRefs {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum Added {
    Sku,
    Upc,
    MatchKey,
    Measure,
}

#[derive(DeriveIden, Clone, Copy)]
enum ProductMatches {
    Table,
    Id,
    /// The product the record was matched into (or would have been).
    ProductId,
    /// The other product: the record's own when it was kept apart.
    OtherProductId,
    /// The connection whose record was matched.
    ConnectionId,
    /// The record's POS id.
    ExternalId,
    /// `SKU`, `UPC`, `NAME` or `ADMIN`.
    Rule,
    /// The values the rule compared (JSON).
    Evidence,
    /// `SUGGESTED`, `CONFIRMED` or `REJECTED`.
    Status,
    /// Whether the evidence contradicts itself (never merged).
    Conflict,
    /// Who decided last (`sync` or an admin).
    DecidedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ProductRedirects {
    Table,
    /// The id merged away.
    FromId,
    /// The surviving product.
    ToId,
    /// The connections whose records the merged-away product carried (JSON array).
    Connections,
    /// The merged-away product's row and measures, as they were (JSON).
    Snapshot,
    CreatedAt,
}

/// The name of the index on one added column.
fn index_name(column: Added) -> String {
    format!("ix_product_external_refs_{}", column.to_string())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ProductMatches as M;
        use ProductRedirects as R;
        // SQLite takes one change per ALTER TABLE
        for (column, len) in [
            (Added::Sku, 255),
            (Added::Upc, 14),
            (Added::MatchKey, 512),
            (Added::Measure, 32),
        ] {
            alter_table(manager, ProductExternalRefs::Table, |t| {
                t.add_column(string_len_null(column, len))
            })
            .await?;
        }
        // the SKU rule reads the refs' SKUs: those of existing records are their product's
        // (barcodes and names are keyed at each record's next sync)
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE product_external_refs SET sku = (SELECT products.sku FROM products \
                 WHERE products.id = product_external_refs.product_id)",
            )
            .await?;
        for column in [Added::Sku, Added::Upc, Added::MatchKey] {
            manager
                .create_index(
                    Index::create()
                        .name(index_name(column))
                        .table(ProductExternalRefs::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        let matches = Table::create()
            .table(M::Table)
            .col(pk_uuid(M::Id))
            .col(uuid(M::ProductId))
            .col(uuid_null(M::OtherProductId))
            .col(uuid_null(M::ConnectionId))
            .col(string_len_null(M::ExternalId, 255))
            .col(string_len(M::Rule, ENUM_LEN))
            .col(json_binary(M::Evidence))
            .col(string_len(M::Status, ENUM_LEN))
            .col(boolean(M::Conflict))
            .col(string_len(M::DecidedBy, 255))
            .col(timestamp_with_time_zone(M::CreatedAt))
            .col(timestamp_with_time_zone(M::UpdatedAt))
            .foreign_key(&mut foreign_key(
                M::Table,
                M::ConnectionId,
                ProviderConnections::Table,
                ProviderConnections::Id,
                ForeignKeyAction::Cascade,
            ))
            .to_owned();
        create_table_with_indices(
            manager,
            matches,
            vec![
                index(M::Table, &[M::Status, M::Id]),
                index(M::Table, &[M::ProductId]),
                index(M::Table, &[M::OtherProductId]),
            ],
        )
        .await?;
        let redirects = Table::create()
            .table(R::Table)
            .col(pk_uuid(R::FromId))
            .col(uuid(R::ToId))
            .col(json_binary(R::Connections))
            .col(json_binary(R::Snapshot))
            .col(timestamp_with_time_zone(R::CreatedAt))
            .foreign_key(&mut foreign_key(
                R::Table,
                R::ToId,
                Products::Table,
                Products::Id,
                ForeignKeyAction::Cascade,
            ))
            .to_owned();
        create_table_with_indices(manager, redirects, vec![index(R::Table, &[R::ToId])]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_table(manager, ProductRedirects::Table).await?;
        drop_table(manager, ProductMatches::Table).await?;
        for column in [Added::Sku, Added::Upc, Added::MatchKey] {
            manager
                .drop_index(
                    Index::drop()
                        .name(index_name(column))
                        .table(ProductExternalRefs::Table)
                        .to_owned(),
                )
                .await?;
        }
        for column in [Added::Sku, Added::Upc, Added::MatchKey, Added::Measure] {
            alter_table(manager, ProductExternalRefs::Table, |t| {
                t.drop_column(column)
            })
            .await?;
        }
        Ok(())
    }
}
