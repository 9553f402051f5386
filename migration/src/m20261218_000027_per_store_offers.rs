//! Per-store offers: a product's price, medical price, currency, online listing and
//! per-transaction maximum move from `products` to the product's `stock_levels` row at
//! each store (one row per product and store, stocked or not), stamped with the POS time
//! of the catalog record they came from.
//!
//! Existing data is carried over: every stock row takes its product's values; a product
//! a connection brought but that has no stock row yet at that connection's stores gets
//! one (nothing on hand), so it stays on the menus it was on. The product columns are
//! then dropped.

use chrono::Utc;
use sea_orm_migration::{prelude::*, schema::*, sea_orm::ConnectionTrait};
use uuid::Uuid;

use crate::schema_helpers::{CURRENCY_LEN, alter_table, index};

/// The migration.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum StockLevels {
    Table,
    Id,
    ProductId,
    LocationId,
    OnHand,
    Reserved,
    UpdatedAt,
    Price,
    MedPrice,
    Currency,
    Listed,
    MaxPerTransaction,
    OfferModifiedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Products {
    Table,
    Id,
    Category,
    RecPrice,
    MedPrice,
    Currency,
    MaxPerTransaction,
    Active,
}

#[derive(DeriveIden, Clone, Copy)]
enum ProductExternalRefs {
    Table,
    ProductId,
    ConnectionId,
    ExternalLocationId,
}

#[derive(DeriveIden, Clone, Copy)]
enum Locations {
    Table,
    Id,
    ConnectionId,
    ExternalId,
}

/// The index of the storefront listing the product columns served.
const ACTIVE_INDEX: &str = "ix_products_active_category_id";
/// Rows per multi-row `INSERT` of the carried-over offer rows.
const INSERT_CHUNK: usize = 500;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use StockLevels as T;
        // SQLite adds one column per statement
        let added = [
            big_integer_null(T::Price)
                .check(Expr::col(T::Price).gte(0))
                .to_owned(),
            big_integer_null(T::MedPrice)
                .check(Expr::col(T::MedPrice).gte(0))
                .to_owned(),
            string_len(T::Currency, CURRENCY_LEN)
                .default("USD")
                .to_owned(),
            boolean(T::Listed).default(false).to_owned(),
            integer_null(T::MaxPerTransaction),
            timestamp_with_time_zone_null(T::OfferModifiedAt),
        ];
        for mut column in added {
            alter_table(manager, T::Table, |t| t.add_column(&mut column)).await?;
        }
        add_missing_rows(manager).await?;
        copy_offers(manager).await?;
        // the menu of one store, and the listing of every store ("listed anywhere")
        manager
            .create_index(index(T::Table, &[T::Listed, T::ProductId]))
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name(ACTIVE_INDEX)
                    .table(Products::Table)
                    .to_owned(),
            )
            .await?;
        for column in [
            Products::RecPrice,
            Products::MedPrice,
            Products::Currency,
            Products::MaxPerTransaction,
            Products::Active,
        ] {
            alter_table(manager, Products::Table, |t| t.drop_column(column)).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Products as P;
        let added = [
            big_integer_null(P::RecPrice)
                .check(Expr::col(P::RecPrice).gte(0))
                .to_owned(),
            big_integer_null(P::MedPrice)
                .check(Expr::col(P::MedPrice).gte(0))
                .to_owned(),
            string_len(P::Currency, CURRENCY_LEN)
                .default("USD")
                .to_owned(),
            integer_null(P::MaxPerTransaction),
            boolean(P::Active).default(true).to_owned(),
        ];
        for mut column in added {
            alter_table(manager, P::Table, |t| t.add_column(&mut column)).await?;
        }
        // one value per product: the lowest price of a store listing it, else of any store
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE products SET \
                 rec_price = (SELECT MIN(s.price) FROM stock_levels s WHERE s.product_id = products.id), \
                 med_price = (SELECT MIN(s.med_price) FROM stock_levels s WHERE s.product_id = products.id), \
                 max_per_transaction = (SELECT MIN(s.max_per_transaction) FROM stock_levels s WHERE s.product_id = products.id), \
                 currency = COALESCE((SELECT MIN(s.currency) FROM stock_levels s WHERE s.product_id = products.id), 'USD'), \
                 active = EXISTS (SELECT 1 FROM stock_levels s WHERE s.product_id = products.id AND s.listed)",
            )
            .await?;
        manager
            .create_index(index(P::Table, &[P::Active, P::Category, P::Id]))
            .await?;
        use StockLevels as T;
        manager
            .drop_index(
                Index::drop()
                    .name("ix_stock_levels_listed_product_id")
                    .table(T::Table)
                    .to_owned(),
            )
            .await?;
        for column in [
            T::Price,
            T::MedPrice,
            T::Currency,
            T::Listed,
            T::MaxPerTransaction,
            T::OfferModifiedAt,
        ] {
            alter_table(manager, T::Table, |t| t.drop_column(column)).await?;
        }
        Ok(())
    }
}

/// A stock row (nothing on hand) for every product a connection brought, at each of
/// that connection's stores the record belongs to (the store it names, else all of
/// them), where there is none yet.
async fn add_missing_rows(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    use ProductExternalRefs as R;
    let db = manager.get_connection();
    let missing = Query::select()
        .distinct()
        .column((R::Table, R::ProductId))
        .expr_as(
            Expr::col((Locations::Table, Locations::Id)),
            Alias::new("location_id"),
        )
        .from(R::Table)
        .inner_join(
            Locations::Table,
            Expr::col((Locations::Table, Locations::ConnectionId))
                .equals((R::Table, R::ConnectionId))
                .and(
                    Expr::col((R::Table, R::ExternalLocationId))
                        .is_null()
                        .or(Expr::col((R::Table, R::ExternalLocationId))
                            .equals((Locations::Table, Locations::ExternalId))),
                ),
        )
        .and_where(
            Expr::exists(
                Query::select()
                    .expr(Expr::val(1))
                    .from(StockLevels::Table)
                    .and_where(
                        Expr::col((StockLevels::Table, StockLevels::ProductId))
                            .equals((R::Table, R::ProductId)),
                    )
                    .and_where(
                        Expr::col((StockLevels::Table, StockLevels::LocationId))
                            .equals((Locations::Table, Locations::Id)),
                    )
                    .to_owned(),
            )
            .not(),
        )
        .to_owned();
    let rows = db.query_all(&missing).await?;
    let now = Utc::now();
    let mut pairs = Vec::with_capacity(rows.len());
    for row in &rows {
        let product: Uuid = row.try_get("", "product_id")?;
        let location: Uuid = row.try_get("", "location_id")?;
        pairs.push((product, location));
    }
    use StockLevels as T;
    for chunk in pairs.chunks(INSERT_CHUNK) {
        let mut insert = Query::insert();
        insert.into_table(T::Table).columns([
            T::Id,
            T::ProductId,
            T::LocationId,
            T::OnHand,
            T::Reserved,
            T::UpdatedAt,
        ]);
        for (product, location) in chunk {
            insert.values_panic([
                Uuid::now_v7().into(),
                (*product).into(),
                (*location).into(),
                0i64.into(),
                0i64.into(),
                now.into(),
            ]);
        }
        db.execute(&insert).await?;
    }
    Ok(())
}

/// Every stock row takes its product's offer.
async fn copy_offers(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .get_connection()
        .execute_unprepared(
            "UPDATE stock_levels SET \
             price = (SELECT p.rec_price FROM products p WHERE p.id = stock_levels.product_id), \
             med_price = (SELECT p.med_price FROM products p WHERE p.id = stock_levels.product_id), \
             currency = (SELECT p.currency FROM products p WHERE p.id = stock_levels.product_id), \
             listed = (SELECT p.active FROM products p WHERE p.id = stock_levels.product_id), \
             max_per_transaction = (SELECT p.max_per_transaction FROM products p WHERE p.id = stock_levels.product_id), \
             offer_modified_at = (SELECT p.pos_modified_at FROM products p WHERE p.id = stock_levels.product_id)",
        )
        .await
        .map(|_| ())
}
