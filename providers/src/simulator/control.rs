//! The control side of every simulator: the [`Simulator`] trait tests and
//! the demo drive, the [`OrderWorkflow`] that moves orders as staff would,
//! and the HTTP control routes under `/_sim/…` merged into each vendor router:
//!
//! - `POST /_sim/stock {productId, locationId, delta, reason: "sale"|"return"|"restock"}`
//! - `POST /_sim/orders/{id}/status {status}`
//! - `POST /_sim/faults {kind, …, times?, pathPrefix?}` / `DELETE /_sim/faults`
//! - `POST /_sim/clock {skewSeconds}`
//! - `POST /_sim/webhooks {url}` (vendors with webhooks)
//! - `GET /_sim/stats` (request counts per path)

use std::sync::Arc;

use async_trait::async_trait;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::TimeDelta;
use serde::{Deserialize, Serialize};
use url::Url;
use uuid::Uuid;

use super::faults::{FaultSpec, Faults};
use super::store::{Collection, SimError, SimOrder, SimStore, StockChange};
use crate::model::{OrderStatus, PosKind};
use crate::provider::ConnectionConfig;

/// A vendor's order statuses, named by what they mean, so generic code
/// (the conformance kit, the standard workflow) can drive any vendor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderStatuses {
    /// Right after submission (Dutchie "Submitted", Dispense "PENDING").
    pub submitted: &'static str,
    /// Accepted by staff (Dutchie "Processing", Dispense "CONFIRMED").
    pub confirmed: &'static str,
    /// Ready for pickup (Dutchie "Filled", Jane "ready_for_pickup").
    pub ready: &'static str,
    /// Completed: the order was sold at the register.
    pub completed: &'static str,
    /// Cancelled.
    pub cancelled: &'static str,
    /// Every status the vendor uses, including the above.
    pub all: &'static [&'static str],
}

impl OrderStatuses {
    /// The Canopy status each named vendor status stands for.
    pub fn canonical(&self, vendor_status: &str) -> Option<OrderStatus> {
        [
            (self.submitted, OrderStatus::Submitted),
            (self.confirmed, OrderStatus::Confirmed),
            (self.ready, OrderStatus::Ready),
            (self.completed, OrderStatus::Completed),
            (self.cancelled, OrderStatus::Cancelled),
        ]
        .into_iter()
        .find_map(|(s, c)| (s == vendor_status).then_some(c))
    }
}

/// How staff move an order through a vendor's statuses.
#[async_trait]
pub trait OrderWorkflow: Send + Sync {
    /// Moves an order to `vendor_status` with the vendor's side effects.
    async fn advance_order(
        &self,
        external_order_id: &str,
        vendor_status: &str,
    ) -> Result<SimOrder, SimError>;

    /// Registers the URL webhooks are POSTed to (vendors with webhooks).
    async fn register_webhook(&self, url: Url) -> Result<(), SimError> {
        let _ = url;
        Err(SimError::Unsupported("webhooks"))
    }
}

/// The workflow shared by the simulators: the `completed` status fills the
/// order (a sale at the register), `cancelled` cancels it, every other known
/// status is just recorded. Vendors with webhooks wrap it.
#[derive(Debug, Clone)]
pub struct StandardWorkflow {
    store: SimStore,
    statuses: OrderStatuses,
}

impl StandardWorkflow {
    /// The workflow over `store` with the vendor's `statuses`.
    pub fn new(store: SimStore, statuses: OrderStatuses) -> Self {
        StandardWorkflow { store, statuses }
    }
}

#[async_trait]
impl OrderWorkflow for StandardWorkflow {
    async fn advance_order(&self, id: &str, status: &str) -> Result<SimOrder, SimError> {
        if !self.statuses.all.contains(&status) {
            return Err(SimError::Invalid(format!("unknown status {status}")));
        }
        if status == self.statuses.completed {
            self.store.fill_order(id, status)
        } else if status == self.statuses.cancelled {
            self.store
                .cancel_order(id, status, Some("cancelled by staff"))
        } else {
            self.store.set_order_status(id, status)
        }
    }
}

/// A kind of bad record a POS may send, for the conformance kit's bad-data tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BadRecord {
    /// A product record without a required field (e.g. its id or name).
    MissingField,
    /// A product record with a field of the wrong JSON type.
    WrongType,
    /// A stock record with a negative quantity.
    NegativeQuantity,
    /// A product record repeating the id of a seeded product.
    DuplicateId,
}

/// A running vendor simulator, as tests and the demo drive it.
#[async_trait]
pub trait Simulator: Send + Sync {
    /// Which vendor it simulates.
    fn kind(&self) -> PosKind;
    /// Where it listens (the API base an adapter is configured with).
    fn base_url(&self) -> &Url;
    /// Its state.
    fn store(&self) -> &SimStore;
    /// Its faults and request counters.
    fn faults(&self) -> &Faults;
    /// A connection configuration (credentials and settings) that reaches it.
    fn connection_config(&self, connection_id: Uuid) -> ConnectionConfig;
    /// A connection configuration that reaches the store `location` (external id)
    /// and only it, with what the sync needs about it that the vendor's API does not
    /// say; `None` when this simulator cannot serve that location.
    fn connection_config_at(&self, connection_id: Uuid, location: &str)
    -> Option<ConnectionConfig>;
    /// The vendor's order statuses.
    fn order_statuses(&self) -> &OrderStatuses;
    /// Moves an order as staff would (same as `POST /_sim/orders/{id}/status`).
    async fn advance_order(
        &self,
        external_order_id: &str,
        vendor_status: &str,
    ) -> Result<SimOrder, SimError>;
    /// Sends the vendor's webhooks to `url` from now on (same as
    /// `POST /_sim/webhooks {url}`); [`SimError::Unsupported`] for a vendor without
    /// webhooks.
    async fn register_webhook(&self, url: Url) -> Result<(), SimError> {
        let _ = url;
        Err(SimError::Unsupported("webhooks"))
    }
    /// A raw wire record of this kind, and the listing it belongs in; the
    /// kit pushes it with [`SimStore::push_raw`] and expects the adapter to
    /// reject it into `rejected` while returning the rest.
    fn bad_record(&self, kind: BadRecord) -> (Collection, serde_json::Value);
}

#[derive(Clone)]
struct ControlState {
    store: SimStore,
    faults: Faults,
    workflow: Arc<dyn OrderWorkflow>,
}

/// The `/_sim/…` routes over a simulator's store, faults and workflow.
pub fn router(store: SimStore, faults: Faults, workflow: Arc<dyn OrderWorkflow>) -> Router {
    Router::new()
        .route("/_sim/stock", post(change_stock))
        .route("/_sim/orders/{id}/status", post(order_status))
        .route("/_sim/faults", post(push_fault).delete(clear_faults))
        .route("/_sim/clock", post(set_clock))
        .route("/_sim/webhooks", post(register_webhook))
        .route("/_sim/stats", get(stats))
        .with_state(ControlState {
            store,
            faults,
            workflow,
        })
}

impl IntoResponse for SimError {
    fn into_response(self) -> Response {
        let status = match self {
            SimError::UnknownProduct(_)
            | SimError::UnknownLocation(_)
            | SimError::UnknownOrder(_)
            | SimError::UnknownTransaction(_) => StatusCode::NOT_FOUND,
            SimError::InsufficientStock { .. } | SimError::WrongOrderState { .. } => {
                StatusCode::CONFLICT
            }
            SimError::Invalid(_) => StatusCode::BAD_REQUEST,
            SimError::Unsupported(_) => StatusCode::NOT_IMPLEMENTED,
        };
        (status, Json(serde_json::json!({"error": self.to_string()}))).into_response()
    }
}

async fn change_stock(State(c): State<ControlState>, Json(change): Json<StockChange>) -> Response {
    match c.store.apply_stock_change(&change) {
        Ok(outcome) => Json(outcome).into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
struct StatusBody {
    status: String,
}

async fn order_status(
    State(c): State<ControlState>,
    Path(id): Path<String>,
    Json(body): Json<StatusBody>,
) -> Response {
    match c.workflow.advance_order(&id, &body.status).await {
        Ok(order) => Json(order).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn push_fault(State(c): State<ControlState>, Json(spec): Json<FaultSpec>) -> StatusCode {
    c.faults.push_spec(spec);
    StatusCode::NO_CONTENT
}

async fn clear_faults(State(c): State<ControlState>) -> StatusCode {
    c.faults.clear();
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ClockBody {
    skew_seconds: i64,
}

async fn set_clock(State(c): State<ControlState>, Json(body): Json<ClockBody>) -> StatusCode {
    c.store
        .clock()
        .set_skew(TimeDelta::seconds(body.skew_seconds));
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct WebhookBody {
    url: String,
}

async fn register_webhook(
    State(c): State<ControlState>,
    Json(body): Json<WebhookBody>,
) -> Response {
    let url = match Url::parse(&body.url) {
        Ok(url) => url,
        Err(e) => return SimError::Invalid(format!("webhook url: {e}")).into_response(),
    };
    match c.workflow.register_webhook(url).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Serialize)]
struct Stats {
    total: u64,
    requests: std::collections::BTreeMap<String, u64>,
    pending_faults: u32,
}

async fn stats(State(c): State<ControlState>) -> Json<Stats> {
    Json(Stats {
        total: c.faults.total_requests(),
        requests: c.faults.stats(),
        pending_faults: c.faults.pending(),
    })
}
