//! `canopy serve --demo`: a store that runs on its own.
//!
//! Starts a simulator of every registered POS kind in process on loopback ports, over
//! one store seeded deterministically (a store per POS, a catalog across every
//! category that the stores share in part, each pricing some products its own way,
//! adult customers, past sales); stores a provider connection to each (the
//! same rows across restarts, pointed at the new ports, [`connections`]); imports
//! everything through the adapters; starts store traffic at the simulators so stock
//! moves every few seconds and known customers buy in store; and, when asked
//! ([`DemoConfig::staff`]), staff who work each store's online orders through the
//! vendor's status model ([`staff`]). The pollers and the webhook worker (started by
//! `serve` unless workers are off) bring those changes in; [`Demo::route_webhooks`]
//! points the vendors with webhooks at the server. Nothing here writes catalog, stock
//! or order rows itself: every change arrives through an adapter and Canopy's sync paths.

mod args;
pub mod banner;
mod connections;
pub mod session;
mod simulators;
mod staff;
pub mod storefront;

use std::{
    net::{Ipv4Addr, SocketAddr},
    time::Duration,
};

use providers::simulator::{
    SimError,
    seed::{self, SeedConfig},
    staff::Staff,
    traffic::{Traffic, TrafficConfig},
};
use sea_orm::DbErr;
use url::Url;
use uuid::Uuid;

pub use self::{
    args::DemoArgs,
    simulators::{DemoSimulator, Simulators},
    staff::{StaffDelays, StaffSettings},
};
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
    /// Staff working the online orders; `None` (the default, for tests) leaves every
    /// order as submitted. `serve --demo` has staff unless `--demo-no-staff`.
    pub staff: Option<StaffSettings>,
}

impl Default for DemoConfig {
    fn default() -> Self {
        Self {
            seed: SeedConfig {
                seed: 42,
                // one store per registered POS kind
                locations: providers::registry::KINDS.len(),
                products: 48,
                customers: 30,
                transactions: 24,
            },
            poll_interval: Duration::from_secs(3),
            full_sync_interval: Duration::from_secs(300),
            traffic_interval: Some(Duration::from_secs(2)),
            staff: None,
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
    /// A simulator could not be pointed at Canopy's webhook receiver.
    #[error("demo webhooks: {0}")]
    Webhooks(String),
    /// The demo's tokens could not be issued.
    #[error("demo session: {0}")]
    Session(#[from] session::SessionError),
}

/// The running demo: its simulators, store traffic and staff stop when it is dropped.
pub struct Demo {
    simulators: Simulators,
    /// Held for its `Drop`: the traffic stops with the demo.
    _traffic: Option<Traffic>,
    /// Held for its `Drop`: the staff go home with the demo.
    _staff: Option<Staff>,
    /// Each connection with its simulator's position in [`Simulators::all`].
    links: Vec<(usize, Uuid)>,
    connections: Vec<Uuid>,
}

impl Demo {
    /// Starts the simulators, connects them and imports their data through the adapters.
    pub async fn start(sync: &Synchronizer, config: &DemoConfig) -> Result<Self, DemoError> {
        let store = seed::seeded(&config.seed);
        seed::share_part_of_catalog(&store);
        let simulators = Simulators::start(store.clone()).await?;
        let mut links = Vec::new();
        for (index, name, connection) in simulators.connections() {
            let id = connections::upsert(sync, &name, connection, config).await?;
            sync.sync_connection(id, RunMode::Full).await?;
            links.push((index, id));
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
        let staff = config
            .staff
            .as_ref()
            .map(|settings| staff::start(&simulators, settings, config.seed.seed));
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
            _staff: staff,
            connections: links.iter().map(|(_, id)| *id).collect(),
            links,
        })
    }

    /// Points every demo simulator whose vendor sends webhooks at Canopy's receiver
    /// for its connection, `http://{server}/webhooks/{connection id}`, where `server` is
    /// the address Canopy listens on (a wildcard address is reached on loopback).
    pub async fn route_webhooks(&self, server: SocketAddr) -> Result<(), DemoError> {
        let mut server = server;
        if server.ip().is_unspecified() {
            server.set_ip(Ipv4Addr::LOCALHOST.into());
        }
        for (index, connection) in &self.links {
            let demo = &self.simulators.all()[*index];
            let url = Url::parse(&format!("http://{server}/webhooks/{connection}"))
                .map_err(|e| DemoError::Webhooks(e.to_string()))?;
            match demo.simulator().register_webhook(url).await {
                Ok(()) => tracing::info!(
                    kind = demo.kind().label,
                    %connection,
                    "demo simulator sends its webhooks to canopy"
                ),
                Err(SimError::Unsupported(_)) => {}
                Err(error) => return Err(DemoError::Webhooks(error.to_string())),
            }
        }
        Ok(())
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
