//! Measures incremental against full sync of a Dispense catalog for `bench/sync_scale.sh`:
//! for each catalog size, the import, then an incremental run after `changes` register
//! sales, then a full reconciliation after as many more; each with its wall time, the
//! part of it spent pulling from the POS (HTTP and the adapter, so the rest is the sync
//! engine and the database), the HTTP requests the simulator served, the rows the
//! adapter returned and the stock rows changed.
//!
//! Usage: `sync_scale <database url> <catalog sizes, comma-separated> <changes>`.
//! Runs the sync engine in this process on the given database (migrated here), the way
//! the pollers do, against a Dispense simulator with no server-side rate limit (the
//! bench measures Canopy, not the vendor's throttle). Prints one `key=value` line per run.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::{
    sync::{Arc, Mutex, PoisonError},
    time::{Duration, Instant},
};

use api::{
    cache::MemoryCache,
    config::MasterKey,
    connections::{self, ConnectionInput},
    events::MemoryEventBus,
    secrets::Keyring,
    sync::{RunMode, Synchronizer},
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use providers::{
    PosProvider, ProviderResult,
    dispense::{self, DispenseSimOptions},
    model::{
        Batch, Capabilities, ConnectionReport, ExternalCustomer, ExternalLocation, ExternalProduct,
        ExternalTransaction, OrderSubmission, PosKind, PosOrderStatus, ReturnReceipt,
        ReturnRequest, StockSnapshot, SubmittedOrder, WebhookEvent,
    },
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
        let (sim, connection) = (&sim, &connection);
        async move {
            let pos = Timed::new(connections::connect(sync.keyring(), connection).unwrap());
            sim.faults().reset_counts();
            let started = Instant::now();
            let report = sync.run(connection, &pos, mode).await.unwrap();
            let (pulling, rows) = pos.spent();
            println!(
                "catalog={products} run={label} seconds={:.3} pulling_s={:.3} requests={} rows_read={rows} stock_rows_changed={}",
                started.elapsed().as_secs_f64(),
                pulling.as_secs_f64(),
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

/// The connection's adapter, timing the reads a sync makes and counting their rows.
struct Timed {
    inner: Arc<dyn PosProvider>,
    spent: Mutex<(Duration, usize)>,
}

impl Timed {
    fn new(inner: Arc<dyn PosProvider>) -> Self {
        Self {
            inner,
            spent: Mutex::new((Duration::ZERO, 0)),
        }
    }

    /// Time spent in reads, and rows they returned.
    fn spent(&self) -> (Duration, usize) {
        *self.spent.lock().unwrap_or_else(PoisonError::into_inner)
    }

    async fn time<T>(
        &self,
        read: impl Future<Output = ProviderResult<T>>,
        rows: impl Fn(&T) -> usize,
    ) -> ProviderResult<T> {
        let started = Instant::now();
        let result = read.await;
        let mut spent = self.spent.lock().unwrap_or_else(PoisonError::into_inner);
        spent.0 += started.elapsed();
        spent.1 += result.as_ref().map_or(0, rows);
        result
    }
}

#[async_trait]
impl PosProvider for Timed {
    fn kind(&self) -> PosKind {
        self.inner.kind()
    }

    fn capabilities(&self) -> Capabilities {
        self.inner.capabilities()
    }

    async fn test_connection(&self) -> ProviderResult<ConnectionReport> {
        self.inner.test_connection().await
    }

    async fn locations(&self) -> ProviderResult<Vec<ExternalLocation>> {
        self.time(self.inner.locations(), Vec::len).await
    }

    async fn catalog(
        &self,
        since: Option<DateTime<Utc>>,
    ) -> ProviderResult<Batch<ExternalProduct>> {
        self.time(self.inner.catalog(since), |b| b.items.len())
            .await
    }

    async fn stock(&self, since: Option<DateTime<Utc>>) -> ProviderResult<StockSnapshot> {
        self.time(self.inner.stock(since), |s| s.records.len())
            .await
    }

    async fn customers(
        &self,
        since: Option<DateTime<Utc>>,
    ) -> ProviderResult<Batch<ExternalCustomer>> {
        self.time(self.inner.customers(since), |b| b.items.len())
            .await
    }

    async fn upsert_customer(&self, customer: &ExternalCustomer) -> ProviderResult<String> {
        self.inner.upsert_customer(customer).await
    }

    async fn transactions(
        &self,
        since: Option<DateTime<Utc>>,
    ) -> ProviderResult<Batch<ExternalTransaction>> {
        self.time(self.inner.transactions(since), |b| b.items.len())
            .await
    }

    async fn submit_order(&self, order: &OrderSubmission) -> ProviderResult<SubmittedOrder> {
        self.inner.submit_order(order).await
    }

    async fn order_status(&self, external_id: &str) -> ProviderResult<PosOrderStatus> {
        self.inner.order_status(external_id).await
    }

    async fn cancel_order(
        &self,
        external_id: &str,
        reason: &str,
    ) -> ProviderResult<PosOrderStatus> {
        self.inner.cancel_order(external_id, reason).await
    }

    async fn submit_return(&self, request: &ReturnRequest) -> ProviderResult<ReturnReceipt> {
        self.inner.submit_return(request).await
    }

    fn parse_webhook(
        &self,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> ProviderResult<Vec<WebhookEvent>> {
        self.inner.parse_webhook(headers, body)
    }
}
