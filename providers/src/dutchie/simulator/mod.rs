//! A local Dutchie POS: an axum server speaking the shapes of Dutchie's
//! OpenAPI document from a [`SimStore`], with Dutchie's auth (Basic, key per
//! location, roles), its per-key per-endpoint rate limits and 429 body, and
//! the shared control routes (`/_sim/…`) and fault layer.
//!
//! Served: `GET /whoami`, `GET /products`, `GET /inventory`,
//! `GET /customer/customers`, `GET /customer/customers-paginated`,
//! `POST /customer/customer`, `POST /customer/search`,
//! `GET /reporting/transactions`, `POST /preorder/submit`,
//! `GET /preorder/Status`, `POST /preorder/cancel`.

mod auth;
mod catalog;
mod customers;
mod preorders;
mod render;
mod reporting;
mod variants;
mod wire;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use async_trait::async_trait;
use axum::Router;
use axum::routing::{get, post};
use secrecy::SecretString;
use url::Url;
use uuid::Uuid;

pub use auth::{DutchieRole, DutchieSimKey};

use super::endpoints::{self as ep, path};
use super::settings::{DutchieRateLimits, DutchieSettings};
use crate::http::RateLimit;
use crate::model::PosKind;
use crate::provider::ConnectionConfig;
use crate::simulator::{
    BadRecord, Collection, Faults, OrderStatuses, OrderWorkflow, ServerRateLimits, SimError,
    SimOrder, SimServer, SimStore, Simulator, StandardWorkflow, control, spawn,
};

/// Dutchie's pre-order statuses [spec].
pub const STATUSES: OrderStatuses = OrderStatuses {
    submitted: "Submitted",
    confirmed: "Processing",
    ready: "Filled",
    completed: "Complete",
    cancelled: "Cancelled",
    all: &["Submitted", "Processing", "Filled", "Complete", "Cancelled"],
};

/// How to run a Dutchie simulator.
#[derive(Debug, Clone)]
pub struct DutchieSimOptions {
    /// Where to listen (`127.0.0.1:0` picks a free port).
    pub addr: SocketAddr,
    /// The keys accepted. Empty: one key per store location, `dutchie-key-{location id}`, with every role.
    pub keys: Vec<DutchieSimKey>,
    /// An integrator key accepted in the Basic password slot; other non-empty passwords get 401.
    pub integrator_key: Option<String>,
    /// Server-side limits per key and endpoint; `None` serves without limits (benchmarks).
    pub rate_limits: Option<DutchieRateLimits>,
    /// Units per stocked product kept in a "Vault" room besides the store's stock,
    /// which is on the "Sales Floor": `quantityAvailable` counts both rooms, and
    /// `roomQuantities` (with `includeRoomQuantities=true`) tells them apart.
    pub vault_units: u32,
    /// Serve schema-valid variants of the records where Dutchie's OpenAPI leaves
    /// things open: no `inventoryId`, several packages per product, times without
    /// an offset, `null` in nullable fields, categories Canopy does not know.
    pub variants: bool,
}

impl Default for DutchieSimOptions {
    /// Every location reachable with all roles, at Dutchie's published limits
    /// (the OpenAPI document's 600/min for reporting).
    fn default() -> Self {
        DutchieSimOptions {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            keys: Vec::new(),
            integrator_key: None,
            rate_limits: Some(DutchieRateLimits {
                reporting_per_minute: 600,
                ..DutchieRateLimits::default()
            }),
            vault_units: 0,
            variants: false,
        }
    }
}

/// A running Dutchie simulator; dropping it stops the server.
pub struct DutchieSimulator {
    server: SimServer,
    store: SimStore,
    faults: Faults,
    workflow: StandardWorkflow,
    keys: Vec<DutchieSimKey>,
    integrator_key: Option<String>,
}

impl std::fmt::Debug for DutchieSimulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DutchieSimulator")
            .field("base_url", &self.server.base_url)
            .field(
                "locations",
                &self.keys.iter().map(|k| &k.location_id).collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

/// The options' keys, or one key per store location with every role.
fn keys(store: &SimStore, options: &DutchieSimOptions) -> Vec<DutchieSimKey> {
    if options.keys.is_empty() {
        default_keys(store)
    } else {
        options.keys.clone()
    }
}

/// The default keys with `key` planted as the first location's (the one
/// `connection_config` reaches).
pub fn planted_keys(store: &SimStore, key: String) -> Vec<DutchieSimKey> {
    let mut keys = default_keys(store);
    if let Some(first) = keys.first_mut() {
        first.key = key;
    }
    keys
}

/// One key per store location, `dutchie-key-{location id}`, with every role.
fn default_keys(store: &SimStore) -> Vec<DutchieSimKey> {
    store.read(|s| {
        s.locations
            .iter()
            .map(|l| DutchieSimKey {
                key: format!("dutchie-key-{}", l.external_id),
                location_id: l.external_id.clone(),
                roles: DutchieRole::ALL.to_vec(),
            })
            .collect()
    })
}

/// The vendor routes, guarded by auth, roles and rate limits, plus the control
/// routes, all behind the fault layer.
fn router(
    store: SimStore,
    faults: &Faults,
    keys: &[DutchieSimKey],
    options: &DutchieSimOptions,
) -> Router {
    let limits: Vec<RateLimit> = options
        .rate_limits
        .as_ref()
        .map(|l| {
            ep::ALL
                .iter()
                .map(|e| RateLimit::per_minute(e.bucket, ep::per_minute(e, l)))
                .collect()
        })
        .unwrap_or_default();
    let gate = auth::Gate::new(
        keys,
        options.integrator_key.clone(),
        ServerRateLimits::new(&limits),
    );
    let api = Router::new()
        .route(path(&ep::WHOAMI), get(catalog::whoami))
        .route(path(&ep::PRODUCTS), get(catalog::products))
        .route(path(&ep::INVENTORY), get(catalog::inventory))
        .route(path(&ep::CUSTOMERS), get(customers::customers))
        .route(
            path(&ep::CUSTOMERS_PAGINATED),
            get(customers::customers_paginated),
        )
        .route(path(&ep::CUSTOMER_UPSERT), post(customers::upsert))
        .route(path(&ep::CUSTOMER_SEARCH), post(customers::search))
        .route(path(&ep::TRANSACTIONS), get(reporting::transactions))
        .route(path(&ep::PREORDER_SUBMIT), post(preorders::submit))
        .route(path(&ep::PREORDER_STATUS), get(preorders::status))
        .route(path(&ep::PREORDER_CANCEL), post(preorders::cancel))
        .with_state(wire::SimContext::new(
            store.clone(),
            wire::WireShape {
                vault_units: options.vault_units,
                variants: options.variants,
            },
        ))
        .layer(axum::middleware::from_fn_with_state(gate, auth::guard));
    let workflow: Arc<dyn OrderWorkflow> = Arc::new(StandardWorkflow::new(store.clone(), STATUSES));
    faults.wrap(api.merge(control::router(store, faults.clone(), workflow)))
}

/// Starts a Dutchie simulator over a (seeded) store.
pub async fn start(
    store: SimStore,
    options: DutchieSimOptions,
) -> std::io::Result<DutchieSimulator> {
    let faults = Faults::new();
    let keys = keys(&store, &options);
    let server = spawn(
        router(store.clone(), &faults, &keys, &options),
        options.addr,
    )
    .await?;
    Ok(DutchieSimulator {
        server,
        workflow: StandardWorkflow::new(store.clone(), STATUSES),
        store,
        faults,
        keys,
        integrator_key: options.integrator_key,
    })
}

impl DutchieSimulator {
    /// The keys it accepts, one per location by default.
    pub fn keys(&self) -> &[DutchieSimKey] {
        &self.keys
    }

    /// The integrator key it accepts, if any.
    pub fn integrator_key(&self) -> Option<&str> {
        self.integrator_key.as_deref()
    }

    /// A connection through `key`, with the key's location described in the settings.
    pub fn connection_config_for(
        &self,
        connection_id: Uuid,
        key: &DutchieSimKey,
    ) -> ConnectionConfig {
        let location = self.store.read(|s| s.location(&key.location_id).cloned());
        let defaults = DutchieSettings::default();
        let settings = DutchieSettings {
            adult_use: location
                .as_ref()
                .map_or(defaults.adult_use, |l| l.adult_use),
            medical: location.as_ref().map_or(defaults.medical, |l| l.medical),
            time_zone: location.and_then(|l| l.time_zone),
            ..defaults
        };
        ConnectionConfig {
            connection_id,
            kind: PosKind::Dutchie,
            base_url: self.server.base_url.clone(),
            api_key: SecretString::from(key.key.clone()),
            api_secret: None,
            webhook_secret: None,
            settings: serde_json::to_value(settings).unwrap_or_default(),
        }
    }

    /// Stops the server and waits for in-flight requests.
    pub async fn shutdown(self) -> std::io::Result<()> {
        self.server.shutdown().await
    }

    fn fresh_id(&self) -> i64 {
        self.store.next_id().parse().unwrap_or(i64::from(i32::MAX))
    }
}

#[async_trait]
impl Simulator for DutchieSimulator {
    fn kind(&self) -> PosKind {
        PosKind::Dutchie
    }

    fn base_url(&self) -> &Url {
        &self.server.base_url
    }

    fn store(&self) -> &SimStore {
        &self.store
    }

    fn faults(&self) -> &Faults {
        &self.faults
    }

    /// Through the first location's key (the one whose data the connection sees).
    fn connection_config(&self, connection_id: Uuid) -> ConnectionConfig {
        match self.keys.first() {
            Some(key) => self.connection_config_for(connection_id, key),
            None => self.connection_config_for(
                connection_id,
                &DutchieSimKey {
                    key: String::new(),
                    location_id: String::new(),
                    roles: Vec::new(),
                },
            ),
        }
    }

    /// Through the key of that location.
    fn connection_config_at(
        &self,
        connection_id: Uuid,
        location: &str,
    ) -> Option<ConnectionConfig> {
        self.keys
            .iter()
            .find(|k| k.location_id == location)
            .map(|key| self.connection_config_for(connection_id, key))
    }

    fn order_statuses(&self) -> &OrderStatuses {
        &STATUSES
    }

    async fn advance_order(
        &self,
        external_order_id: &str,
        vendor_status: &str,
    ) -> Result<SimOrder, SimError> {
        self.workflow
            .advance_order(external_order_id, vendor_status)
            .await
    }

    fn bad_record(&self, kind: BadRecord) -> (Collection, serde_json::Value) {
        let first_product = self.store.read(|s| s.products.keys().next().cloned());
        let first_product_id: i64 = first_product
            .as_deref()
            .and_then(|id| id.parse().ok())
            .unwrap_or(1);
        match kind {
            BadRecord::MissingField => (
                Collection::Products,
                serde_json::json!({"productId": self.fresh_id(), "masterCategory": "Flower", "isActive": true}),
            ),
            BadRecord::WrongType => (
                Collection::Products,
                serde_json::json!({"productId": self.fresh_id(), "productName": "Wrong Type OG", "recPrice": "thirty"}),
            ),
            BadRecord::NegativeQuantity => (
                Collection::Stock,
                serde_json::json!({"inventoryId": self.fresh_id(), "productId": first_product_id, "quantityAvailable": -3.0}),
            ),
            BadRecord::DuplicateId => (
                Collection::Products,
                serde_json::json!({"productId": first_product_id, "productName": "Duplicate of a seeded product", "masterCategory": "Flower"}),
            ),
        }
    }
}
