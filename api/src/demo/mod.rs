//! `canopy serve --demo`: a store that runs on its own.
//!
//! Starts a simulator of every registered POS kind in process on loopback ports, over
//! one store seeded deterministically (a store per POS, a catalog across every
//! category, adult customers, past sales); stores a provider connection to each (the
//! same rows across restarts, pointed at the new ports, [`connections`]); imports
//! everything through the adapters; and starts store traffic at the simulators so stock
//! moves every few seconds. The pollers (started by `serve` unless workers are off)
//! bring those changes in. Nothing here writes catalog or stock rows itself: every row
//! arrives through an adapter and the sync engine.

mod connections;
mod simulators;

use std::time::Duration;

use providers::simulator::{
    seed::{self, SeedConfig},
    traffic::{Traffic, TrafficConfig},
};
use sea_orm::DbErr;
use uuid::Uuid;

pub use self::simulators::{DemoSimulator, Simulators};
use crate::{
    connections::ConnectionError,
    sync::{RunMode, SyncError, Synchronizer},
};

/// How the demo store is made.
#[derive(Clone, Debug)]
pub struct DemoConfig {
    /// The seed data (must have at least one location per registered POS kind).
    pub seed: SeedConfig,
    /// Time between incremental polls of each demo connection.
    pub poll_interval: Duration,
    /// Time between full reconciliations.
    pub full_sync_interval: Duration,
    /// Time between two simulated register events; `None` keeps the store still.
    pub traffic_interval: Option<Duration>,
}

impl Default for DemoConfig {
    fn default() -> Self {
        Self {
            seed: SeedConfig {
                seed: 42,
                locations: 3,
                products: 48,
                customers: 30,
                transactions: 24,
            },
            poll_interval: Duration::from_secs(3),
            full_sync_interval: Duration::from_secs(300),
            traffic_interval: Some(Duration::from_secs(2)),
        }
    }
}

/// Why the demo could not start.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// A simulator could not start.
    #[error("demo simulator: {0}")]
    Simulator(#[from] std::io::Error),
    /// The seed has fewer stores than POS kinds.
    #[error("the demo seed needs at least {0} locations")]
    TooFewLocations(usize),
    /// A demo connection could not be stored.
    #[error(transparent)]
    Connection(#[from] ConnectionError),
    /// The initial import failed.
    #[error("demo import: {0}")]
    Import(#[from] SyncError),
    /// A database failure.
    #[error("database: {0}")]
    Database(#[from] DbErr),
}

/// The running demo: its simulators and store traffic stop when it is dropped.
pub struct Demo {
    simulators: Simulators,
    /// Held for its `Drop`: the traffic stops with the demo.
    _traffic: Option<Traffic>,
    connections: Vec<Uuid>,
}

impl Demo {
    /// Starts the simulators, connects them and imports their data through the adapters.
    pub async fn start(sync: &Synchronizer, config: &DemoConfig) -> Result<Self, DemoError> {
        let store = seed::seeded(&config.seed);
        let simulators = Simulators::start(store.clone()).await?;
        let mut ids = Vec::new();
        for (name, connection) in simulators.connections() {
            let id = connections::upsert(sync, &name, connection, config).await?;
            sync.sync_connection(id, RunMode::Full).await?;
            ids.push(id);
        }
        let traffic = config.traffic_interval.map(|interval| {
            Traffic::start(
                store,
                TrafficConfig {
                    interval,
                    seed: config.seed.seed,
                },
            )
        });
        for demo in simulators.all() {
            tracing::info!(
                kind = demo.kind().label,
                url = %demo.simulator().base_url(),
                "demo simulator running and imported"
            );
        }
        Ok(Self {
            simulators,
            _traffic: traffic,
            connections: ids,
        })
    }

    /// The demo's provider connections, in the registry's order of kinds.
    pub fn connections(&self) -> &[Uuid] {
        &self.connections
    }

    /// The simulators, for tests that make things happen at the register.
    pub fn simulators(&self) -> &Simulators {
        &self.simulators
    }
}
