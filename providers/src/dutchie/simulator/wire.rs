//! Request and response plumbing shared by the simulator's handlers:
//! Dutchie's 400 bodies, JSON bodies read as Dutchie reads them, query
//! times, the `ConsumerKey` idempotency scope and store-id conversions.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use axum::Json;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::super::models::{BadRequestPropertyError, BadRequestResponse};
use super::super::wire_time;
use super::render::int_id;
use crate::simulator::SimStore;

/// An idempotency scope: (endpoint, `ConsumerKey`, `idempotencyKey`).
type Scope = (&'static str, String, String);

/// The state every handler shares.
#[derive(Debug, Clone)]
pub(crate) struct SimContext {
    /// The canonical state.
    pub store: SimStore,
    /// How inventory and catalog records are shaped on the wire.
    pub shape: WireShape,
    /// Idempotency: each scope to the store id it created.
    idempotency: Arc<Mutex<HashMap<Scope, String>>>,
}

/// The wire-shape options of a simulator (see [`super::DutchieSimOptions`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct WireShape {
    /// Units per stocked product held in the vault room, on top of the sales floor.
    pub vault_units: u32,
    /// Send schema-valid variants instead of the canonical records.
    pub variants: bool,
}

impl SimContext {
    pub(crate) fn new(store: SimStore, shape: WireShape) -> Self {
        SimContext {
            store,
            shape,
            idempotency: Arc::default(),
        }
    }

    /// Runs `create` once per (endpoint, consumer key, idempotency key); later calls
    /// with the same keys get the first id. Without both keys every call creates.
    pub(crate) fn idempotent(
        &self,
        endpoint: &'static str,
        headers: &HeaderMap,
        idempotency_key: Option<&str>,
        create: impl FnOnce() -> Result<String, Reject>,
    ) -> Result<String, Reject> {
        let consumer = headers
            .get("ConsumerKey")
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.is_empty());
        let Some(scope) = consumer
            .zip(idempotency_key.filter(|k| !k.is_empty()))
            .map(|(c, k)| (endpoint, c.to_owned(), k.to_owned()))
        else {
            return create();
        };
        // Held across `create` so two concurrent retries cannot both create.
        let mut seen = self
            .idempotency
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(id) = seen.get(&scope) {
            return Ok(id.clone());
        }
        let id = create()?;
        seen.insert(scope, id.clone());
        Ok(id)
    }
}

/// A request Dutchie refuses, in the shape it answers with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Reject {
    /// 400 with a `BadRequestResponse`, naming the property when one is at fault.
    BadRequest {
        /// What is wrong.
        message: String,
        /// The property at fault.
        property: Option<&'static str>,
    },
    /// 400 with an empty body, as `/preorder/Status` and `/preorder/cancel` answer.
    BadRequestEmpty,
    /// 404 with a JSON string body, as `/preorder/cancel` and `/customer/customer` answer.
    NotFound(&'static str),
}

impl IntoResponse for Reject {
    fn into_response(self) -> Response {
        match self {
            Reject::BadRequest { message, property } => {
                let body = BadRequestResponse {
                    property_errors: property.map(|p| {
                        vec![BadRequestPropertyError {
                            property_name: Some(p.to_owned()),
                            property_error: Some(message.clone()),
                        }]
                    }),
                    message: Some(message),
                };
                (StatusCode::BAD_REQUEST, Json(body)).into_response()
            }
            Reject::BadRequestEmpty => StatusCode::BAD_REQUEST.into_response(),
            Reject::NotFound(message) => (StatusCode::NOT_FOUND, Json(message)).into_response(),
        }
    }
}

/// A 400 `BadRequestResponse`.
pub(crate) fn bad_request(message: impl Into<String>, property: Option<&'static str>) -> Reject {
    Reject::BadRequest {
        message: message.into(),
        property,
    }
}

/// A JSON body, or Dutchie's 400.
pub(crate) fn json_body<T: DeserializeOwned>(body: &Bytes) -> Result<T, Reject> {
    serde_json::from_slice(body)
        .map_err(|e| bad_request(format!("invalid request body: {e}"), None))
}

/// 200 with a JSON body.
pub(crate) fn ok<T: Serialize>(value: T) -> Response {
    Json(value).into_response()
}

/// A query time, or Dutchie's 400 naming the parameter.
pub(crate) fn query_time(
    raw: Option<&str>,
    name: &'static str,
) -> Result<Option<DateTime<Utc>>, Reject> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(raw) => wire_time::parse(raw)
            .map(Some)
            .ok_or_else(|| bad_request(format!("{name} is not a date-time"), Some(name))),
    }
}

/// Whether `t` falls in `[from, to]` (open ends where absent).
pub(crate) fn in_range(
    t: Option<DateTime<Utc>>,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
) -> bool {
    match t {
        Some(t) => from.is_none_or(|f| t >= f) && to.is_none_or(|to| t <= to),
        None => from.is_none() && to.is_none(),
    }
}

/// A store id as Dutchie's integer, skipping (and logging) ids that are not.
pub(crate) fn wire_id(store_id: &str, what: &str) -> Option<i32> {
    let id = int_id(store_id);
    if id.is_none() {
        tracing::warn!(
            vendor = "dutchie",
            what,
            id = store_id,
            "store id is not an int32; record not served"
        );
    }
    id
}

/// Serialises records as JSON values (to append raw records after them).
pub(crate) fn values<T: Serialize>(records: impl IntoIterator<Item = T>) -> Vec<serde_json::Value> {
    records
        .into_iter()
        .filter_map(|r| serde_json::to_value(r).ok())
        .collect()
}
