//! The conformance kit: one generic suite every adapter passes against its
//! own simulator, written only against `dyn PosProvider` and `dyn Simulator`
//! so it is the same for every vendor — and the bar a future POS must pass.
//!
//! Each case seeds a store, starts the vendor's simulator on it, builds the
//! adapter from `sim.connection_config(..)` (with fast retry settings) and
//! checks one behaviour. `conformance_suite!` instantiates every case once, run
//! for every kind in `providers::registry::KINDS`: a newly registered POS is held
//! to the whole suite without touching this kit.

pub mod cases;
mod compare;

use std::sync::Arc;

use providers::registry::{ProviderKind, SimulatorOptions};
use providers::simulator::seed::{self, SeedConfig};
use providers::simulator::{SimStore, Simulator};
use providers::{ConnectionConfig, PosProvider};
use uuid::Uuid;

/// One registered kind, whose simulator and adapter the cases drive.
pub struct Kit {
    kind: &'static ProviderKind,
}

/// One simulator and an adapter connected to it.
pub struct Harness {
    /// The simulator.
    pub sim: Arc<dyn Simulator>,
    /// The adapter under test.
    pub provider: Arc<dyn PosProvider>,
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
    /// The kit of a registered kind.
    pub fn of(kind: &'static ProviderKind) -> Self {
        Kit { kind }
    }

    /// Seeds a store from `config`, starts the simulator and connects an adapter.
    pub async fn harness(&self, config: SeedConfig) -> Harness {
        self.start(seed::seeded(&config), SimulatorOptions::default(), |sim| {
            sim.connection_config(Uuid::new_v4())
        })
        .await
    }

    /// Seeds a store from `config`, starts the simulator for the store's last
    /// location, as the demo does, and connects an adapter through
    /// [`Simulator::connection_config_at`] that location.
    pub async fn harness_at_last_location(&self, config: SeedConfig) -> (Harness, String) {
        let store: SimStore = seed::seeded(&config);
        let location = store
            .read(|s| s.locations.last().map(|l| l.external_id.clone()))
            .unwrap_or_else(|| panic!("the seed has no location"));
        let options = SimulatorOptions {
            location: Some(location.clone()),
            ..SimulatorOptions::default()
        };
        let harness = self
            .start(store, options, |sim| {
                sim.connection_config_at(Uuid::new_v4(), &location)
                    .unwrap_or_else(|| panic!("no connection reaches {location}"))
            })
            .await;
        (harness, location)
    }

    /// Starts the simulator over `store` and connects an adapter with the
    /// configuration `connection` picks, made fast to fail.
    async fn start(
        &self,
        store: SimStore,
        options: SimulatorOptions,
        connection: impl FnOnce(&dyn Simulator) -> ConnectionConfig,
    ) -> Harness {
        let sim: Arc<dyn Simulator> = (self.kind.simulator)(store, options)
            .await
            .unwrap_or_else(|e| panic!("starting the {} simulator failed: {e}", self.kind.label))
            .into();
        let mut connection = connection(sim.as_ref());
        match connection.settings.as_object_mut() {
            Some(settings) => {
                settings.insert("http".to_owned(), fast_http_settings());
            }
            None => connection.settings = serde_json::json!({"http": fast_http_settings()}),
        }
        let provider = (self.kind.connect)(connection)
            .unwrap_or_else(|e| panic!("building the adapter failed: {e}"));
        Harness { sim, provider }
    }

    /// The default small seed.
    pub async fn small(&self) -> Harness {
        self.harness(SeedConfig::default()).await
    }
}

/// Instantiates every conformance case, each run for every registered kind:
/// `conformance_suite!();`
macro_rules! conformance_suite {
    () => {
        conformance_suite!(@cases
            test_connection_reaches_seeded_locations,
            a_connection_at_one_location_reaches_only_it,
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
    };
    (@cases $($case:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $case() {
                for kind in providers::registry::KINDS {
                    eprintln!("{} for {}", stringify!($case), kind.label);
                    crate::kit::cases::$case(&crate::kit::Kit::of(kind)).await;
                }
            }
        )*
    };
}
