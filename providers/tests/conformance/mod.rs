//! The conformance kit: one generic suite every adapter passes against its
//! own simulator, written only against `dyn PosProvider` and `dyn Simulator`
//! so it is the same for every vendor — and the bar a future POS must pass.
//!
//! Each case seeds a store, starts the vendor's simulator on it, builds the
//! adapter from `sim.connection_config(..)` (with fast retry settings) and
//! checks one behaviour. `conformance_suite!` instantiates every case for a vendor.

pub mod cases;
mod compare;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use providers::simulator::seed::{self, SeedConfig};
use providers::simulator::{SimStore, Simulator};
use providers::{ConnectionConfig, PosProvider, ProviderResult};
use uuid::Uuid;

type StartFn = dyn Fn(SimStore) -> Pin<Box<dyn Future<Output = Arc<dyn Simulator>>>>;
type AdapterFn = dyn Fn(ConnectionConfig) -> ProviderResult<Box<dyn PosProvider>>;

/// How to start one vendor's simulator and build its adapter.
pub struct Kit {
    start: Box<StartFn>,
    adapter: Box<AdapterFn>,
}

/// One simulator and an adapter connected to it.
pub struct Harness {
    /// The simulator.
    pub sim: Arc<dyn Simulator>,
    /// The adapter under test.
    pub provider: Box<dyn PosProvider>,
}

impl Harness {
    /// The simulator's store.
    pub fn store(&self) -> &SimStore {
        self.sim.store()
    }
}

/// Retry settings that keep the suite fast: millisecond backoffs, the
/// breaker out of the way, client-side limits kept (they are generous).
fn fast_http_settings() -> serde_json::Value {
    serde_json::json!({
        "max_retries": 4,
        "base_backoff_ms": 1,
        "max_backoff_ms": 10,
        "max_retry_after_ms": 5000,
        "request_timeout_ms": 5000,
        "breaker_failure_threshold": 50
    })
}

impl Kit {
    /// A kit from the vendor's simulator starter and adapter constructor.
    pub fn new<S, Fut, FS, P, FA>(start: FS, adapter: FA) -> Self
    where
        S: Simulator + 'static,
        Fut: Future<Output = S> + 'static,
        FS: Fn(SimStore) -> Fut + 'static,
        P: PosProvider + 'static,
        FA: Fn(ConnectionConfig) -> ProviderResult<P> + 'static,
    {
        Kit {
            start: Box::new(move |store| {
                let started = start(store);
                Box::pin(async move { Arc::new(started.await) as Arc<dyn Simulator> })
            }),
            adapter: Box::new(move |config| {
                adapter(config).map(|p| Box::new(p) as Box<dyn PosProvider>)
            }),
        }
    }

    /// Seeds a store from `config`, starts the simulator and connects an adapter.
    pub async fn harness(&self, config: SeedConfig) -> Harness {
        let sim = (self.start)(seed::seeded(&config)).await;
        let mut connection = sim.connection_config(Uuid::new_v4());
        match connection.settings.as_object_mut() {
            Some(settings) => {
                settings.insert("http".to_owned(), fast_http_settings());
            }
            None => connection.settings = serde_json::json!({"http": fast_http_settings()}),
        }
        let provider = (self.adapter)(connection)
            .unwrap_or_else(|e| panic!("building the adapter failed: {e}"));
        Harness { sim, provider }
    }

    /// The default small seed.
    pub async fn small(&self) -> Harness {
        self.harness(SeedConfig::default()).await
    }
}

/// Instantiates every conformance case for one vendor:
/// `conformance_suite!(name, simulator = |store| async move { .. }, adapter = |config| ..);`
macro_rules! conformance_suite {
    ($name:ident, simulator = $sim:expr, adapter = $adapter:expr $(,)?) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            conformance_suite!(@cases $sim, $adapter;
                test_connection_reaches_seeded_locations,
                full_catalog_matches_the_seed,
                catalog_changed_since_returns_only_changed_products,
                stock_snapshot_matches_the_store,
                a_sale_shows_up_in_the_next_stock_read,
                customers_full_and_changed_since,
                transactions_sale_return_and_void,
                submit_order_is_idempotent,
                order_status_follows_staff,
                cancel_order_cancels,
                submit_return_records_a_return,
                paging_reads_every_page,
                transient_faults_are_retried,
                bad_records_are_rejected_and_the_rest_returned,
                an_html_page_is_malformed,
            );
        }
    };
    (@cases $sim:expr, $adapter:expr; $($case:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $case() {
                let kit = crate::kit::Kit::new($sim, $adapter);
                crate::kit::cases::$case(&kit).await;
            }
        )*
    };
}
