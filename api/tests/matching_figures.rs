//! The closing figures of catalog matching: a 10,000-product catalog synced from three
//! connections into SQLite (and PostgreSQL with `TEST_DATABASE_URL`), timed, with the
//! products merged per rule and the conflicts counted, then migration 000028 rolled
//! back and applied again on the 30,000 records to time it. Ignored by default (it takes
//! minutes on a small machine); run it with
//!
//! ```text
//! cargo test -p api --release --test matching_figures -- --ignored --nocapture
//! ```
//!
//! The stores: A carries every product with its SKU and a barcode; B (another store on
//! the same POS) carries them with the SKU for 60%, without SKU but with the barcode
//! for 30%, and with neither for 10% (left to brand + name + size); C (another POS) has
//! its own SKUs, the barcode for half and nothing else for the rest, and 1% of its
//! barcodes come with a different net weight (conflicts).
#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant};

use api::sync::{apply::apply_catalog, engine::apply_context};
use chrono::Utc;
use entities::{enums::PosKind, product, product_match, provider_connection};
use migration::{Migrator, MigratorTrait};
use providers::{
    gtin,
    model::{Batch, ExternalProduct, Weight},
    simulator::seed::{self, SeedConfig},
};
use sea_orm::{
    ActiveModelTrait, ConnectOptions, Database, DatabaseConnection, EntityTrait, IntoActiveModel,
    PaginatorTrait, TransactionTrait,
};
use uuid::Uuid;

/// Products in the catalog.
const PRODUCTS: usize = 10_000;
/// Records per applied batch (a page of a POS listing).
const PAGE: usize = 500;

#[tokio::test]
#[ignore = "minutes long: prints the matching figures of the closing note"]
async fn matching_figures_on_a_ten_thousand_product_catalog() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/canopy.db?mode=rwc", dir.path().display());
    figures(
        "sqlite",
        Database::connect(ConnectOptions::new(url)).await.unwrap(),
    )
    .await;
    if let Some(url) = common::fresh_postgres_url().await {
        figures(
            "postgres",
            Database::connect(ConnectOptions::new(url)).await.unwrap(),
        )
        .await;
    }
}

async fn figures(backend: &str, db: DatabaseConnection) {
    api::db::migrate(&db).await.unwrap();
    let catalog: Vec<ExternalProduct> = seed::seeded(&SeedConfig {
        products: PRODUCTS,
        locations: 1,
        customers: 1,
        transactions: 0,
        ..SeedConfig::default()
    })
    .read(|s| s.products.values().cloned().collect());
    let stores = [store_a(&catalog), store_b(&catalog), store_c(&catalog)];
    let mut total = Duration::ZERO;
    for (n, records) in stores.iter().enumerate() {
        let connection = connection(&db, n).await;
        let started = Instant::now();
        for page in records.chunks(PAGE) {
            let txn = db.begin().await.unwrap();
            let ctx = apply_context(&connection, true);
            let mut effects = api::effects::Effects::default();
            let batch = Batch {
                items: page.to_vec(),
                ..Batch::default()
            };
            apply_catalog(&txn, &ctx, &batch, &mut effects)
                .await
                .unwrap();
            txn.commit().await.unwrap();
        }
        let took = started.elapsed();
        total += took;
        println!(
            "{backend}: store {} ({} records) applied in {took:.2?}",
            ["A", "B", "C"][n],
            records.len()
        );
    }
    let matches = product_match::Entity::find().all(&db).await.unwrap();
    let count = |rule: &str, conflict: bool| {
        matches
            .iter()
            .filter(|m| {
                format!("{:?}", m.rule).eq_ignore_ascii_case(rule) && m.conflict == conflict
            })
            .count()
    };
    println!(
        "{backend}: {} records -> {} products in {total:.2?}; merged by SKU {}, by UPC {}, by name {}; conflicts {}",
        stores.iter().map(Vec::len).sum::<usize>(),
        product::Entity::find().count(&db).await.unwrap(),
        count("sku", false),
        count("upc", false),
        count("name", false),
        matches.iter().filter(|m| m.conflict).count(),
    );
    Migrator::down(&db, Some(1)).await.unwrap();
    let started = Instant::now();
    Migrator::up(&db, None).await.unwrap();
    println!(
        "{backend}: migration 000028 on {} records: {:.2?}",
        stores.iter().map(Vec::len).sum::<usize>(),
        started.elapsed()
    );
}

/// The barcode of catalog product `i`.
fn barcode(i: usize) -> String {
    gtin::with_check_digit(&format!("{:011}", 60_000_000_000 + i))
}

fn store_a(catalog: &[ExternalProduct]) -> Vec<ExternalProduct> {
    catalog
        .iter()
        .enumerate()
        .map(|(i, p)| ExternalProduct {
            upc: Some(barcode(i)),
            ..p.clone()
        })
        .collect()
}

fn store_b(catalog: &[ExternalProduct]) -> Vec<ExternalProduct> {
    catalog
        .iter()
        .enumerate()
        .map(|(i, p)| match i % 10 {
            0..6 => p.clone(),
            6..9 => ExternalProduct {
                sku: None,
                upc: Some(barcode(i)),
                ..p.clone()
            },
            _ => ExternalProduct {
                sku: None,
                ..p.clone()
            },
        })
        .collect()
}

fn store_c(catalog: &[ExternalProduct]) -> Vec<ExternalProduct> {
    catalog
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut record = ExternalProduct {
                external_id: format!("c-{i}"),
                sku: Some(format!("C{i:07}")),
                upc: (i % 2 == 0).then(|| barcode(i)),
                ..p.clone()
            };
            if i % 100 == 0 {
                let grams = p.net_weight.map_or(1.0, |w| w.value) * 2.0;
                record.net_weight = Some(Weight {
                    value: grams,
                    unit: providers::model::WeightUnit::Grams,
                });
            }
            record
        })
        .collect()
}

/// A stored connection (store `n`); its key is never used.
async fn connection(db: &DatabaseConnection, n: usize) -> provider_connection::Model {
    let now = Utc::now();
    provider_connection::Model {
        id: Uuid::now_v7(),
        kind: if n == 2 {
            PosKind::Dispense
        } else {
            PosKind::Dutchie
        },
        name: format!("store {n}"),
        base_url: "http://127.0.0.1:9".to_owned(),
        api_key_sealed: vec![0; 16],
        api_key_hint: "0000".to_owned(),
        api_secret_sealed: None,
        webhook_secret_sealed: None,
        key_id: "bench".to_owned(),
        settings: serde_json::json!({}),
        enabled: false,
        poll_interval_secs: 60,
        full_sync_interval_secs: 3600,
        created_at: now,
        updated_at: now,
    }
    .into_active_model()
    .insert(db)
    .await
    .unwrap()
}
