//! The Dispense simulator: an axum server speaking Dispense's API from a
//! [`SimStore`], with its key header (401 `UnauthenticatedError` otherwise),
//! its rate limit per key (500 per 5 minutes by default) reported in
//! `X-RateLimit-Limit` / `X-RateLimit-Remaining` on every answer and a 429
//! when spent, plus the shared fault layer and `/_sim/…` control routes.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use async_trait::async_trait;
use axum::Router;
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use secrecy::SecretString;
use url::Url;
use uuid::Uuid;

use super::api;
use super::guesses;
use super::models::{ErrorBody, Product};
use super::settings::ApiMode;
use super::sim_routes::{self, ApiError};
use crate::http::RateLimit;
use crate::model::PosKind;
use crate::provider::{ConnectionConfig, TIME_ZONE_SETTING};
use crate::simulator::control::{
    self, BadRecord, OrderStatuses, OrderWorkflow, Simulator, StandardWorkflow,
};
use crate::simulator::faults::Faults;
use crate::simulator::ratelimit::{RateDecision, ServerRateLimits};
use crate::simulator::server::{self, SimServer};
use crate::simulator::store::{Collection, SimError, SimOrder, SimStore};

/// Dispense's order statuses **[guess]**, named by meaning.
pub const ORDER_STATUSES: OrderStatuses = OrderStatuses {
    submitted: guesses::STATUS_PENDING,
    confirmed: guesses::STATUS_CONFIRMED,
    ready: guesses::STATUS_READY,
    completed: guesses::STATUS_COMPLETED,
    cancelled: guesses::STATUS_CANCELLED,
    all: &[
        guesses::STATUS_PENDING,
        guesses::STATUS_CONFIRMED,
        guesses::STATUS_READY,
        guesses::STATUS_COMPLETED,
        guesses::STATUS_CANCELLED,
    ],
};

/// How to run a Dispense simulator.
#[derive(Debug, Clone)]
pub struct DispenseSimOptions {
    /// Where to listen; port 0 picks a free port.
    pub addr: SocketAddr,
    /// The API key it accepts.
    pub api_key: String,
    /// Which key header it expects.
    pub api_mode: ApiMode,
    /// Its rate limits per key (Dispense's documented limit by default).
    pub limits: Vec<RateLimit>,
}

impl Default for DispenseSimOptions {
    fn default() -> Self {
        DispenseSimOptions {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            api_key: "dispense-sim-key".to_owned(),
            api_mode: ApiMode::Current,
            limits: api::rate_limits(),
        }
    }
}

/// A running Dispense simulator; dropping it stops the server.
#[derive(Debug)]
pub struct DispenseSimulator {
    server: SimServer,
    store: SimStore,
    faults: Faults,
    workflow: Arc<StandardWorkflow>,
    options: DispenseSimOptions,
}

/// The key check and rate limit in front of the API routes.
#[derive(Debug, Clone)]
struct Gate {
    key_header: &'static str,
    api_key: Arc<str>,
    limits: Arc<ServerRateLimits>,
}

async fn gate(State(gate): State<Gate>, request: Request, next: Next) -> Response {
    let presented = request
        .headers()
        .get(gate.key_header)
        .and_then(|v| v.to_str().ok());
    if presented != Some(&*gate.api_key) {
        return ApiError::Unauthenticated("Unauthorized").into_response();
    }
    let decision = gate.limits.check(&gate.api_key, api::BUCKET);
    if let RateDecision::Limited { .. } = decision {
        let body = ErrorBody {
            name: "TooManyRequestsError".to_owned(),
            message: "Too many requests".to_owned(),
            errors: Vec::new(),
        };
        return decision.too_many_requests(serde_json::to_value(body).unwrap_or_default());
    }
    let mut response = next.run(request).await;
    response.headers_mut().extend(decision.headers());
    response
}

/// The whole simulator app: gated API routes, control routes, fault layer.
fn app(
    store: &SimStore,
    faults: &Faults,
    workflow: Arc<dyn OrderWorkflow>,
    options: &DispenseSimOptions,
) -> Router {
    let gate_state = Gate {
        key_header: options.api_mode.key_header(),
        api_key: Arc::from(options.api_key.as_str()),
        limits: Arc::new(ServerRateLimits::new(&options.limits)),
    };
    let api =
        sim_routes::router(store.clone()).layer(middleware::from_fn_with_state(gate_state, gate));
    faults.wrap(api.merge(control::router(store.clone(), faults.clone(), workflow)))
}

/// Starts a Dispense simulator over `store` (seed it first).
pub async fn start(
    store: SimStore,
    options: DispenseSimOptions,
) -> std::io::Result<DispenseSimulator> {
    let faults = Faults::new();
    let workflow = Arc::new(StandardWorkflow::new(store.clone(), ORDER_STATUSES));
    let router = app(&store, &faults, workflow.clone(), &options);
    let server = server::spawn(router, options.addr).await?;
    Ok(DispenseSimulator {
        server,
        store,
        faults,
        workflow,
        options,
    })
}

impl DispenseSimulator {
    /// Stops the server, waiting for in-flight requests.
    pub async fn shutdown(self) -> std::io::Result<()> {
        self.server.shutdown().await
    }
}

#[async_trait]
impl Simulator for DispenseSimulator {
    fn kind(&self) -> PosKind {
        PosKind::Dispense
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

    /// Reaches every venue of the store with the simulator's key.
    fn connection_config(&self, connection_id: Uuid) -> ConnectionConfig {
        let venues: Vec<String> = self
            .store
            .read(|s| s.locations.iter().map(|l| l.external_id.clone()).collect());
        ConnectionConfig {
            connection_id,
            kind: PosKind::Dispense,
            base_url: self.server.base_url.clone(),
            api_key: SecretString::from(self.options.api_key.clone()),
            api_secret: None,
            webhook_secret: None,
            settings: serde_json::json!({
                "venue_ids": venues,
                "api_mode": self.options.api_mode,
            }),
        }
    }

    /// One venue, with its time zone in the settings: Dispense's venues carry none.
    fn connection_config_at(
        &self,
        connection_id: Uuid,
        location: &str,
    ) -> Option<ConnectionConfig> {
        let time_zone = self
            .store
            .read(|s| s.location(location).map(|l| l.time_zone.clone()))?;
        let mut config = self.connection_config(connection_id);
        if let Some(settings) = config.settings.as_object_mut() {
            settings.remove("venue_ids");
            settings.insert("venue_id".to_owned(), location.into());
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

    /// Bad product rows at the first venue (negative stock is a product row too).
    fn bad_record(&self, kind: BadRecord) -> (Collection, serde_json::Value) {
        let (venue, first_product) = self.store.read(|s| {
            (
                s.locations
                    .first()
                    .map(|l| l.external_id.clone())
                    .unwrap_or_default(),
                s.products.keys().next().cloned(),
            )
        });
        let id = match (kind, first_product) {
            (BadRecord::DuplicateId, Some(id)) => id,
            _ => self.store.next_id(),
        };
        let product = Product {
            id,
            name: "Injected Record".to_owned(),
            sku: None,
            venue,
            cannabis_compliance_type: Some("FLOWER".to_owned()),
            cannabis_type: Some("HYBRID".to_owned()),
            brand: None,
            weight: Some(1.0),
            weight_unit: Some("GRAMS".to_owned()),
            flower_equivalent_in_grams: Some(1.0),
            price: Some(10.0),
            quantity: 1,
            quantity_total: None,
            quantity_sold: None,
            quantity_threshold: None,
            enable: true,
            variants: Vec::new(),
            labs: None,
            image: None,
            images: Vec::new(),
            created: None,
            modified: self.store.now(),
        };
        let mut record = serde_json::to_value(product).unwrap_or_default();
        if let Some(fields) = record.as_object_mut() {
            match kind {
                BadRecord::MissingField => {
                    fields.remove("name");
                }
                BadRecord::WrongType => {
                    fields.insert("quantity".to_owned(), "twelve".into());
                }
                BadRecord::NegativeQuantity => {
                    fields.insert("quantity".to_owned(), (-5).into());
                }
                BadRecord::DuplicateId => {}
            }
        }
        (Collection::Products, record)
    }
}
