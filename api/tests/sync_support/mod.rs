//! Shared set-up of the sync and demo tests: a migrated database on SQLite or on a fresh
//! PostgreSQL schema, a synchronizer over the in-process cache and bus, and one
//! simulator per POS kind with a stored connection to it.
#![allow(dead_code, clippy::unwrap_used)]

use std::collections::HashMap;
use std::sync::Arc;

use api::{
    cache::{MemoryCache, SharedCache},
    config::MasterKey,
    connections::{self, ConnectionInput},
    events::{
        EventBusExt, MemoryEventBus, Received, SharedEventBus,
        stock::{STOCK_TOPIC, StockEvent},
    },
    secrets::Keyring,
    sync::{Synchronizer, cursor},
};
use entities::{location, product_external_ref, provider_connection, stock_level, sync_cursor};
use futures::{StreamExt, stream::BoxStream};
use providers::{
    model::PosKind,
    simulator::{
        SimStore, Simulator,
        seed::{self, SeedConfig},
    },
};
use sea_orm::{
    ColumnTrait, ConnectOptions, ConnectionTrait, Database, DatabaseConnection, EntityTrait,
    QueryFilter,
};
use tempfile::TempDir;
use uuid::Uuid;

use crate::common::{WAIT, fresh_postgres_url};

/// A migrated database and a synchronizer over it.
pub struct SyncEnv {
    /// The database.
    pub db: DatabaseConnection,
    /// The synchronizer under test.
    pub sync: Synchronizer,
    /// The bus it publishes on.
    pub events: SharedEventBus,
    /// The cache it invalidates.
    pub cache: SharedCache,
    _dir: Option<TempDir>,
}

impl SyncEnv {
    async fn on(db: DatabaseConnection, dir: Option<TempDir>) -> Self {
        api::db::migrate(&db).await.unwrap();
        let cache: SharedCache = Arc::new(MemoryCache::new(1000));
        let events: SharedEventBus = Arc::new(MemoryEventBus::new(1024));
        let keyring = Arc::new(Keyring::new(&MasterKey::random()));
        let sync = Synchronizer::new(db.clone(), cache.clone(), events.clone(), keyring);
        Self {
            db,
            sync,
            events,
            cache,
            _dir: dir,
        }
    }

    /// A synchronizer over a running server's state (its database, keyring, cache and
    /// bus), for tests that sync simulators and then call the server.
    pub fn of_app(state: &api::state::AppState) -> Self {
        Self {
            db: state.db.clone(),
            sync: Synchronizer::for_state(state),
            events: state.events.clone(),
            cache: state.cache.clone(),
            _dir: None,
        }
    }

    /// Subscribes to stock events.
    pub fn stock_events(&self) -> BoxStream<'static, Received<StockEvent>> {
        self.events.subscribe_events(&STOCK_TOPIC)
    }

    /// Stores a connection to `sim` (fast retries, no client-side limits).
    pub async fn connect(&self, sim: &dyn Simulator) -> provider_connection::Model {
        self.connect_with(sim, serde_json::json!({})).await
    }

    /// Stores a connection to `sim` as [`SyncEnv::connect`] does, with `settings`
    /// (an object) laid over the simulator's.
    pub async fn connect_with(
        &self,
        sim: &dyn Simulator,
        settings: serde_json::Value,
    ) -> provider_connection::Model {
        let mut config = sim.connection_config(uuid::Uuid::nil());
        if let Some(extra) = settings.as_object() {
            for (name, value) in extra {
                config.settings[name] = value.clone();
            }
        }
        config.settings["http"] = serde_json::json!({
            "max_retries": 2,
            "base_backoff_ms": 1,
            "max_backoff_ms": 5,
            "request_timeout_ms": 5000,
            "breaker_failure_threshold": 50,
            "disable_rate_limits": true
        });
        let input = ConnectionInput::from_config(format!("test {}", sim.kind()), config);
        connections::create(&self.db, self.sync.keyring(), &input)
            .await
            .unwrap()
    }

    /// The cursor of `stream` on `connection`.
    pub async fn cursor(
        &self,
        connection: uuid::Uuid,
        stream: cursor::Stream,
    ) -> Option<sync_cursor::Model> {
        cursor::load(&self.db, connection, stream).await.unwrap()
    }

    /// Counts the rows of `table`.
    pub async fn count(&self, table: &str) -> i64 {
        let row = self
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                self.db.get_database_backend(),
                format!("SELECT COUNT(*) AS n FROM {table}"),
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get::<i64>("", "n").unwrap()
    }
}

/// A fresh SQLite database.
pub async fn sqlite() -> SyncEnv {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/canopy.db?mode=rwc", dir.path().display());
    let db = Database::connect(ConnectOptions::new(url)).await.unwrap();
    SyncEnv::on(db, Some(dir)).await
}

/// A fresh PostgreSQL schema, or `None` (skip) without `TEST_DATABASE_URL`.
pub async fn postgres() -> Option<SyncEnv> {
    let url = fresh_postgres_url().await?;
    let mut options = ConnectOptions::new(url);
    options.max_connections(4);
    Some(SyncEnv::on(Database::connect(options).await.unwrap(), None).await)
}

/// The seed of the sync tests: small, two stores.
pub fn seed_config() -> SeedConfig {
    SeedConfig {
        seed: 11,
        locations: 2,
        products: 30,
        customers: 10,
        transactions: 8,
    }
}

/// Starts the simulator of `kind` over a freshly seeded store.
pub async fn simulator(kind: PosKind) -> Box<dyn Simulator> {
    let store: SimStore = seed::seeded(&seed_config());
    let options = providers::registry::SimulatorOptions::default();
    (providers::registry::kind(kind).simulator)(store, options)
        .await
        .unwrap()
}

/// The connection's stock rows with the POS ids of their product and location.
pub async fn stock_by_pos_ids(
    env: &SyncEnv,
    connection: Uuid,
) -> Vec<(String, String, stock_level::Model)> {
    let refs: HashMap<Uuid, String> = product_external_ref::Entity::find()
        .filter(product_external_ref::Column::ConnectionId.eq(connection))
        .all(&env.db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.product_id, r.external_id))
        .collect();
    let locations: HashMap<Uuid, String> = location::Entity::find()
        .filter(location::Column::ConnectionId.eq(connection))
        .all(&env.db)
        .await
        .unwrap()
        .into_iter()
        .map(|l| (l.id, l.external_id.unwrap()))
        .collect();
    let mut rows: Vec<_> = stock_level::Entity::find()
        .filter(stock_level::Column::LocationId.is_in(locations.keys().copied()))
        .all(&env.db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| {
            (
                refs[&row.product_id].clone(),
                locations[&row.location_id].clone(),
                row,
            )
        })
        .collect();
    rows.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    rows
}

/// The next stock event, failing after [`WAIT`].
pub async fn next_event(events: &mut BoxStream<'static, Received<StockEvent>>) -> StockEvent {
    loop {
        match tokio::time::timeout(WAIT, events.next())
            .await
            .unwrap()
            .unwrap()
        {
            Received::Event(event) => return event,
            Received::Lagged { .. } => continue,
        }
    }
}

/// Generates a `sqlite` and a `postgres` test per case, each run for every kind in
/// `providers::registry::KINDS`: `sync_cases! { name => check; }` where
/// `check(env, kind)` is async.
#[macro_export]
macro_rules! sync_cases {
    ($($name:ident => $check:ident;)*) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    for kind in providers::registry::KINDS {
                        eprintln!("{} with {}", stringify!($name), kind.label);
                        $crate::$check($crate::sync_support::sqlite().await, kind.kind).await
                    }
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    for kind in providers::registry::KINDS {
                        let Some(env) = $crate::sync_support::postgres().await else { return };
                        eprintln!("{} with {}", stringify!($name), kind.label);
                        $crate::$check(env, kind.kind).await
                    }
                }
            )*
        }
    };
}
