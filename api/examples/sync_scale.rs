//! Measures incremental against full sync of a Dispense catalog for `bench/sync_scale.sh`:
//! for each catalog size, the import, then an incremental run after `changes` register
//! sales, then a full reconciliation after as many more; each with its wall time, the
//! HTTP requests the simulator served and the stock rows it changed.
//!
//! Usage: `sync_scale <database url> <catalog sizes, comma-separated> <changes>`.
//! Runs the sync engine in this process on the given database (migrated here), the way
//! the pollers do, against a Dispense simulator with no server-side rate limit (the
//! bench measures Canopy, not the vendor's throttle). Prints one `key=value` line per run.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::{sync::Arc, time::Instant};

use api::{
    cache::MemoryCache,
    config::MasterKey,
    connections::{self, ConnectionInput},
    events::MemoryEventBus,
    secrets::Keyring,
    sync::{RunMode, Synchronizer},
};
use providers::{
    dispense::{self, DispenseSimOptions},
    simulator::{
        Simulator,
        seed::{self, SeedConfig},
        store::{StockChange, StockReason},
    },
};
use sea_orm::{ConnectOptions, Database};
use uuid::Uuid;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, url, catalogs, changes] = args.as_slice() else {
        eprintln!("usage: sync_scale <database url> <catalog sizes, comma-separated> <changes>");
        std::process::exit(2);
    };
    let changes: usize = changes.parse().expect("changes");
    let mut options = ConnectOptions::new(url.clone());
    options.max_connections(4).sqlx_logging(false);
    let db = Database::connect(options).await.unwrap();
    api::db::migrate(&db).await.unwrap();
    let sync = Synchronizer::new(
        db,
        Arc::new(MemoryCache::new(10_000)),
        Arc::new(MemoryEventBus::new(1024)),
        Arc::new(Keyring::new(&MasterKey::random())),
    );
    for catalog in catalogs.split(',') {
        let products: usize = catalog.trim().parse().expect("catalog size");
        measure(&sync, products, changes).await;
    }
}

/// Imports a catalog of `products`, then times an incremental and a full run, each after
/// `changes` sales of distinct products.
async fn measure(sync: &Synchronizer, products: usize, changes: usize) {
    let store = seed::seeded(&SeedConfig {
        seed: 42,
        locations: 1,
        products,
        customers: 10,
        transactions: 0,
    });
    let sim = dispense::start(
        store.clone(),
        DispenseSimOptions {
            limits: Vec::new(),
            ..DispenseSimOptions::default()
        },
    )
    .await
    .unwrap();
    let mut config = sim.connection_config(Uuid::nil());
    config.settings["http"] = serde_json::json!({"disable_rate_limits": true});
    let input = ConnectionInput::from_config(format!("bench {products}"), config);
    let connection = connections::create(sync.db(), sync.keyring(), &input)
        .await
        .unwrap();

    let run = |label: &'static str, mode: RunMode| {
        let sim = &sim;
        async move {
            sim.faults().reset_counts();
            let started = Instant::now();
            let report = sync.sync_connection(connection.id, mode).await.unwrap();
            println!(
                "catalog={products} run={label} seconds={:.3} requests={} stock_rows_changed={}",
                started.elapsed().as_secs_f64(),
                sim.faults().total_requests(),
                report.stock_changes
            );
        }
    };
    run("import", RunMode::Full).await;

    // sales of distinct in-stock products, spread over the catalog
    let location = store.read(|s| s.locations[0].external_id.clone());
    let stocked: Vec<String> = store.read(|s| {
        s.stock
            .values()
            .filter(|entry| entry.on_hand >= 2)
            .map(|entry| entry.product_id.clone())
            .collect()
    });
    assert!(stocked.len() >= changes, "too few stocked products");
    let step = stocked.len() / changes;
    let sell = || {
        for product in stocked.iter().step_by(step).take(changes) {
            store
                .apply_stock_change(&StockChange {
                    product_id: product.clone(),
                    location_id: location.clone(),
                    delta: -1,
                    reason: StockReason::Sale,
                })
                .unwrap();
        }
    };
    sell();
    run("incremental", RunMode::Incremental).await;
    sell();
    run("full", RunMode::Full).await;
}
