//! The Treez simulator: an axum server speaking Treez's dispensary API from a
//! [`SimStore`], behind Treez's gate (a JWT per request against the registered public
//! key; 10 requests a second per dispensary, 429 `OVER LIMIT`), with the shared fault
//! layer, the `/_sim/…` control routes, and webhooks to the registered URL.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, OnceLock};

use async_trait::async_trait;
use axum::middleware;
use jsonwebtoken::DecodingKey;
use secrecy::SecretString;
use tokio::task::JoinHandle;
use url::Url;
use uuid::Uuid;

use super::api;
use super::guesses;
use super::keys::RsaKeys;
use super::sim_auth::{self, Gate};
use super::sim_routes::{self, ApiState};
use super::sim_webhooks::TreezWorkflow;
use super::sim_wire;
use crate::http::RateLimit;
use crate::model::PosKind;
use crate::provider::{ConnectionConfig, TIME_ZONE_SETTING};
use crate::simulator::control::{
    self, BadRecord, OrderStatuses, OrderWorkflow, Simulator, StandardWorkflow,
};
use crate::simulator::faults::Faults;
use crate::simulator::ratelimit::ServerRateLimits;
use crate::simulator::server::{self, SimServer};
use crate::simulator::store::{Collection, SimError, SimOrder, SimStore};

/// Treez's ticket statuses as the simulator framework names them.
pub const ORDER_STATUSES: OrderStatuses = OrderStatuses {
    submitted: guesses::STATUS_AWAITING_PROCESSING,
    confirmed: guesses::STATUS_IN_PROCESS,
    ready: guesses::STATUS_PACKED_READY,
    completed: guesses::STATUS_COMPLETED,
    cancelled: guesses::STATUS_CANCELED,
    all: &[
        guesses::STATUS_VERIFICATION_PENDING,
        guesses::STATUS_AWAITING_PROCESSING,
        guesses::STATUS_IN_PROCESS,
        guesses::STATUS_PACKED_READY,
        guesses::STATUS_OUT_FOR_DELIVERY,
        guesses::STATUS_COMPLETED,
        guesses::STATUS_CANCELED,
    ],
};

/// How a Treez simulator is set up.
#[derive(Debug, Clone)]
pub struct TreezSimOptions {
    /// Where to listen (port 0 picks a free one).
    pub addr: SocketAddr,
    /// The partner's key pair, whose public key is registered; a key generated once per
    /// process when `None`.
    pub keys: Option<RsaKeys>,
    /// The registered certificate id (the JWT's `iss`).
    pub certificate_id: String,
    /// The organization id (the JWT's `oid`).
    pub organization_id: String,
    /// The static bearer token on webhooks.
    pub webhook_token: String,
    /// The rate limits per dispensary.
    pub limits: Vec<RateLimit>,
    /// The one dispensary (store location id) served; every location when `None`.
    pub dispensary: Option<String>,
}

impl Default for TreezSimOptions {
    fn default() -> Self {
        TreezSimOptions {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            keys: None,
            certificate_id: "sim-treez-certificate".to_owned(),
            organization_id: "sim-treez-organization".to_owned(),
            webhook_token: "sim-treez-webhook-token".to_owned(),
            limits: api::rate_limits(),
            dispensary: None,
        }
    }
}

/// A key pair shared by the simulators of one process (generating one takes a while).
fn shared_keys() -> std::io::Result<RsaKeys> {
    static KEYS: OnceLock<Result<RsaKeys, String>> = OnceLock::new();
    KEYS.get_or_init(RsaKeys::generate)
        .clone()
        .map_err(std::io::Error::other)
}

/// A running Treez simulator; dropping it stops the server and its webhooks.
pub struct TreezSimulator {
    server: SimServer,
    store: SimStore,
    faults: Faults,
    workflow: Arc<TreezWorkflow>,
    _watcher: Watcher,
    keys: RsaKeys,
    options: TreezSimOptions,
    dispensaries: Vec<String>,
}

/// The webhook watcher's task, stopped with the simulator.
struct Watcher(JoinHandle<()>);

impl Drop for Watcher {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Starts a Treez simulator over a (seeded) store.
pub async fn start(store: SimStore, options: TreezSimOptions) -> std::io::Result<TreezSimulator> {
    let keys = match &options.keys {
        Some(keys) => keys.clone(),
        None => shared_keys()?,
    };
    let key =
        DecodingKey::from_rsa_pem(keys.public_pem.as_bytes()).map_err(std::io::Error::other)?;
    let dispensaries: Vec<String> = match &options.dispensary {
        Some(d) => vec![d.clone()],
        None => store.read(|s| s.locations.iter().map(|l| l.external_id.clone()).collect()),
    };
    let faults = Faults::new();
    let workflow = Arc::new(TreezWorkflow::new(
        StandardWorkflow::new(store.clone(), ORDER_STATUSES),
        store.clone(),
        options.webhook_token.clone(),
        dispensaries.clone(),
    )?);
    let gate = Gate {
        key: Arc::new(key),
        certificate_id: Arc::from(options.certificate_id.as_str()),
        organization_id: Arc::from(options.organization_id.as_str()),
        limits: Arc::new(ServerRateLimits::new(&options.limits)),
    };
    let api = sim_routes::router(ApiState {
        store: store.clone(),
        dispensaries: dispensaries.clone().into(),
        workflow: workflow.clone(),
    })
    .layer(middleware::from_fn_with_state(gate, sim_auth::gate));
    let control: Arc<dyn OrderWorkflow> = workflow.clone();
    let router = faults.wrap(api.merge(control::router(store.clone(), faults.clone(), control)));
    let server = server::spawn(router, options.addr).await?;
    let watcher = Watcher(workflow.watch());
    Ok(TreezSimulator {
        server,
        store,
        faults,
        workflow,
        _watcher: watcher,
        keys,
        options,
        dispensaries,
    })
}

impl TreezSimulator {
    /// The dispensaries it serves.
    pub fn dispensaries(&self) -> &[String] {
        &self.dispensaries
    }

    /// The key pair whose public key it trusts.
    pub fn keys(&self) -> &RsaKeys {
        &self.keys
    }

    /// Stops the server, waiting for in-flight requests.
    pub async fn shutdown(self) -> std::io::Result<()> {
        self.server.shutdown().await
    }
}

#[async_trait]
impl Simulator for TreezSimulator {
    fn kind(&self) -> PosKind {
        PosKind::Treez
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

    /// Every dispensary served, with the private key as the API key and each
    /// dispensary's organization entity named.
    fn connection_config(&self, connection_id: Uuid) -> ConnectionConfig {
        let entities: serde_json::Map<String, serde_json::Value> = self
            .dispensaries
            .iter()
            .map(|d| (d.clone(), sim_wire::entity_id(d).into()))
            .collect();
        ConnectionConfig {
            connection_id,
            kind: PosKind::Treez,
            base_url: self.server.base_url.clone(),
            api_key: SecretString::from(self.keys.private_pem.clone()),
            api_secret: None,
            webhook_secret: Some(SecretString::from(self.options.webhook_token.clone())),
            settings: serde_json::json!({
                "organization_id": self.options.organization_id,
                "certificate_id": self.options.certificate_id,
                "dispensaries": self.dispensaries,
                "store_entities": entities,
            }),
        }
    }

    /// One dispensary, with its time zone in the settings: entities carry none.
    fn connection_config_at(
        &self,
        connection_id: Uuid,
        location: &str,
    ) -> Option<ConnectionConfig> {
        if !self.dispensaries.iter().any(|d| d == location) {
            return None;
        }
        let time_zone = self
            .store
            .read(|s| s.location(location).map(|l| l.time_zone.clone()))?;
        let mut config = self.connection_config(connection_id);
        if let Some(settings) = config.settings.as_object_mut() {
            settings.insert("dispensaries".to_owned(), serde_json::json!([location]));
            settings.insert(
                "store_entities".to_owned(),
                serde_json::json!({ location: sim_wire::entity_id(location) }),
            );
            if let Some(zone) = time_zone {
                settings.insert(TIME_ZONE_SETTING.to_owned(), zone.into());
            }
        }
        Some(config)
    }

    fn order_statuses(&self) -> &OrderStatuses {
        &ORDER_STATUSES
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

    async fn register_webhook(&self, url: Url) -> Result<(), SimError> {
        self.workflow.register_webhook(url).await
    }

    /// Bad products in every dispensary's list; a negative count in the stock list.
    fn bad_record(&self, kind: BadRecord) -> (Collection, serde_json::Value) {
        let first = self.store.read(|s| s.products.values().next().cloned());
        let mut product = first.map_or(serde_json::Value::Null, |p| {
            serde_json::to_value(sim_wire::product(&p, None)).unwrap_or_default()
        });
        let id = self.store.next_id();
        match kind {
            BadRecord::DuplicateId => (Collection::Products, product),
            BadRecord::MissingField => {
                product["product_id"] = id.into();
                if let Some(fields) = product["product_configurable_fields"].as_object_mut() {
                    fields.remove("name");
                }
                (Collection::Products, product)
            }
            BadRecord::WrongType => {
                product["product_id"] = id.into();
                product["sellable_quantity"] = "twelve".into();
                (Collection::Products, product)
            }
            BadRecord::NegativeQuantity => (
                Collection::Stock,
                serde_json::json!({
                    "product_id": id, "product_status": "ACTIVE", "product_name": "Injected",
                    "inventory_details": [{"location_name": sim_wire::SALES_FLOOR,
                        "inventory_type": "ADULT", "sellable_quantity": -4,
                        "last_updated_at": super::wire_time::format(&self.store.now())}]
                }),
            ),
        }
    }
}
