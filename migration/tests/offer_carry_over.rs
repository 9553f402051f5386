//! The per-store offers migration carries existing products over: every stock row takes
//! its product's price, medical price, currency, listing and limit; a product a
//! connection brought without a stock row at that connection's stores gets one (nothing
//! on hand) at the stores its record belongs to; the product columns go, and `down`
//! brings them back from the stores' offers.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::Instant;

use chrono::Utc;
use common::fixtures::{self, at, insert};
use entities::{prelude::*, stock_level};
use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
    sea_query::{Alias, Expr, ExprTrait, Query},
};
use uuid::Uuid;

/// Migrations before the per-store offers.
const BEFORE_OFFERS: u32 = 26;

/// One product as the products table held it before the migration.
struct OldProduct {
    id: Uuid,
    rec_price: Option<i64>,
    med_price: Option<i64>,
    active: bool,
    max_per_transaction: Option<i32>,
}

impl OldProduct {
    fn new(rec_price: i64, active: bool) -> Self {
        Self {
            id: Uuid::now_v7(),
            rec_price: Some(rec_price),
            med_price: Some(rec_price - rec_price / 10),
            active,
            max_per_transaction: Some(8),
        }
    }
}

/// Inserts `products` into the pre-migration products table.
async fn insert_products(db: &DatabaseConnection, products: &[OldProduct]) {
    let columns = [
        "id",
        "name",
        "category",
        "rec_price",
        "med_price",
        "currency",
        "medical_only",
        "max_per_transaction",
        "images",
        "active",
        "pos_modified_at",
        "created_at",
        "updated_at",
    ];
    for chunk in products.chunks(500) {
        let mut insert = Query::insert();
        insert
            .into_table(Alias::new("products"))
            .columns(columns.map(Alias::new));
        for product in chunk {
            insert.values_panic([
                product.id.into(),
                "Blue Dream 3.5g".into(),
                "FLOWER".into(),
                product.rec_price.into(),
                product.med_price.into(),
                "USD".into(),
                false.into(),
                product.max_per_transaction.into(),
                serde_json::json!([]).into(),
                product.active.into(),
                at(5).into(),
                at(0).into(),
                at(0).into(),
            ]);
        }
        db.execute(&insert).await.unwrap();
    }
}

/// Inserts a pre-migration stock row of `product` at `location`.
async fn insert_stock(db: &DatabaseConnection, rows: &[(Uuid, Uuid, i64)]) {
    let columns = [
        "id",
        "product_id",
        "location_id",
        "on_hand",
        "reserved",
        "updated_at",
    ];
    for chunk in rows.chunks(500) {
        let mut insert = Query::insert();
        insert
            .into_table(Alias::new("stock_levels"))
            .columns(columns.map(Alias::new));
        for (product, location, on_hand) in chunk {
            insert.values_panic([
                Uuid::now_v7().into(),
                (*product).into(),
                (*location).into(),
                (*on_hand).into(),
                0i64.into(),
                Utc::now().into(),
            ]);
        }
        db.execute(&insert).await.unwrap();
    }
}

/// References `(product, connection, POS id, POS store)` as the schema before 000027 held
/// them (the entity has columns later migrations add).
async fn insert_refs(db: &DatabaseConnection, refs: &[(Uuid, Uuid, String, Option<String>)]) {
    let columns = [
        "id",
        "product_id",
        "connection_id",
        "external_id",
        "external_location_id",
        "created_at",
    ];
    for chunk in refs.chunks(500) {
        let mut insert = Query::insert();
        insert
            .into_table(Alias::new("product_external_refs"))
            .columns(columns.map(Alias::new));
        for (product, connection, external_id, location) in chunk {
            insert.values_panic([
                Uuid::now_v7().into(),
                (*product).into(),
                (*connection).into(),
                external_id.clone().into(),
                location.clone().into(),
                Utc::now().into(),
            ]);
        }
        db.execute(&insert).await.unwrap();
    }
}

async fn rows_of(db: &DatabaseConnection, product: Uuid) -> Vec<stock_level::Model> {
    StockLevel::find()
        .filter(stock_level::Column::ProductId.eq(product))
        .order_by_asc(stock_level::Column::LocationId)
        .all(db)
        .await
        .unwrap()
}

async fn carries_offers_over(db: &DatabaseConnection) {
    Migrator::up(db, Some(BEFORE_OFFERS)).await.unwrap();
    let connection = fixtures::provider_connection();
    insert::<ProviderConnection>(db, connection.clone())
        .await
        .unwrap();
    let north = fixtures::location(Some(connection.id), Some("north"));
    let south = fixtures::location(Some(connection.id), Some("south"));
    let elsewhere = fixtures::location(None, None);
    for location in [&north, &south, &elsewhere] {
        insert::<Location>(db, location.clone()).await.unwrap();
    }
    let products = [
        // stocked at the north store only; the connection's record names no store
        OldProduct::new(4500, true),
        // the connection's record names the south store; no stock yet; not listed
        OldProduct::new(1200, false),
        // stocked at a store without a connection, and known to no connection
        OldProduct::new(800, true),
    ];
    insert_products(db, &products).await;
    let (shared, hidden, local) = (products[0].id, products[1].id, products[2].id);
    insert_stock(db, &[(shared, north.id, 5), (local, elsewhere.id, 3)]).await;
    insert_refs(
        db,
        &[
            (shared, connection.id, "p-1".to_owned(), None),
            (
                hidden,
                connection.id,
                "p-2".to_owned(),
                Some("south".to_owned()),
            ),
        ],
    )
    .await;

    Migrator::up(db, None).await.unwrap();

    let mut stores: Vec<Uuid> = vec![north.id, south.id];
    stores.sort();
    let rows = rows_of(db, shared).await;
    assert_eq!(
        rows.iter().map(|r| r.location_id).collect::<Vec<_>>(),
        stores,
        "a row at each of the connection's stores"
    );
    for row in &rows {
        assert_eq!(
            (
                row.price,
                row.med_price,
                row.currency.as_str(),
                row.listed,
                row.max_per_transaction,
                row.offer_modified_at
            ),
            (Some(4500), Some(4050), "USD", true, Some(8), Some(at(5)))
        );
        let on_hand = if row.location_id == north.id { 5 } else { 0 };
        assert_eq!(
            row.on_hand, on_hand,
            "the count is kept; a new row holds none"
        );
    }
    let rows = rows_of(db, hidden).await;
    assert_eq!(rows.len(), 1, "only at the store its record names");
    assert_eq!(
        (rows[0].location_id, rows[0].listed, rows[0].price),
        (south.id, false, Some(1200))
    );
    let rows = rows_of(db, local).await;
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].on_hand, rows[0].price), (3, Some(800)));
    assert!(
        column_exists(db, "rec_price").await.is_err(),
        "the product columns are gone"
    );

    // down (of this migration and those after it) puts the offer back on the product
    let after = u32::try_from(Migrator::migrations().len()).unwrap() - BEFORE_OFFERS;
    Migrator::down(db, Some(after)).await.unwrap();
    let (price, active) = old_offer(db, hidden).await;
    assert_eq!((price, active), (Some(1200), false));
    let (price, active) = old_offer(db, shared).await;
    assert_eq!((price, active), (Some(4500), true));
    Migrator::up(db, None).await.unwrap();
    assert_eq!(rows_of(db, shared).await.len(), 2, "up again");
}

/// Reads `column` of the products table (an error when there is no such column).
async fn column_exists(db: &DatabaseConnection, column: &str) -> Result<(), sea_orm::DbErr> {
    db.query_all(
        &Query::select()
            // qualified: SQLite reads an unknown bare "name" as a string
            .column((Alias::new("products"), Alias::new(column)))
            .from(Alias::new("products"))
            .to_owned(),
    )
    .await
    .map(|_| ())
}

/// The price and listing the products table holds for `product` (after `down`).
async fn old_offer(db: &DatabaseConnection, product: Uuid) -> (Option<i64>, bool) {
    let row = db
        .query_one(
            &Query::select()
                .columns([Alias::new("rec_price"), Alias::new("active")])
                .from(Alias::new("products"))
                .and_where(Expr::col(Alias::new("id")).eq(product))
                .to_owned(),
        )
        .await
        .unwrap()
        .unwrap();
    (
        row.try_get("", "rec_price").unwrap(),
        row.try_get("", "active").unwrap(),
    )
}

/// Products in the catalog of the timing run, stocked at each of three stores.
const LARGE: usize = 10_000;

/// Carries a 10k-product catalog at three stores over and prints how long it took.
async fn carries_a_large_catalog_over(db: &DatabaseConnection) {
    Migrator::up(db, Some(BEFORE_OFFERS)).await.unwrap();
    let connection = fixtures::provider_connection();
    insert::<ProviderConnection>(db, connection.clone())
        .await
        .unwrap();
    let stores: Vec<_> = (0..3)
        .map(|i| fixtures::location(Some(connection.id), Some(&format!("store-{i}"))))
        .collect();
    for store in &stores {
        insert::<Location>(db, store.clone()).await.unwrap();
    }
    let products: Vec<OldProduct> = (0..LARGE)
        .map(|i| OldProduct::new(1000 + i64::try_from(i).unwrap(), i % 25 != 24))
        .collect();
    let ids: Vec<Uuid> = products.iter().map(|p| p.id).collect();
    insert_products(db, &products).await;
    // every store stocks all but every tenth product (those get their row from the ref)
    let stock: Vec<(Uuid, Uuid, i64)> = ids
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 10 != 0)
        .flat_map(|(_, id)| stores.iter().map(move |s| (*id, s.id, 7)))
        .collect();
    insert_stock(db, &stock).await;
    let refs: Vec<_> = ids
        .iter()
        .map(|id| (*id, connection.id, id.to_string(), None))
        .collect();
    insert_refs(db, &refs).await;

    let started = Instant::now();
    Migrator::up(db, None).await.unwrap();
    let took = started.elapsed();
    println!(
        "per-store offers migration on {:?}: {LARGE} products x 3 stores in {took:?}",
        db.get_database_backend()
    );
    let rows = StockLevel::find().count(db).await.unwrap();
    assert_eq!(
        rows,
        u64::try_from(LARGE * 3).unwrap(),
        "a row per product and store"
    );
    let priced = StockLevel::find()
        .filter(stock_level::Column::Price.is_not_null())
        .count(db)
        .await
        .unwrap();
    assert_eq!(priced, rows);
    let listed = StockLevel::find()
        .filter(stock_level::Column::Listed.eq(true))
        .count(db)
        .await
        .unwrap();
    assert_eq!(listed, u64::try_from(LARGE / 25 * 24 * 3).unwrap());
}

on_both_backends! {
    carries_offers_over => carries_offers_over;
    carries_a_large_catalog_over => carries_a_large_catalog_over;
}
