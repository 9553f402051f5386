//! Fault injection for the simulators: a shared [`Faults`] handle queues
//! faults for the next N requests (optionally only those under a path
//! prefix), and [`Faults::wrap`] installs the axum middleware that applies
//! them and counts requests per path. Control routes (`/_sim/…`) are neither
//! faulted nor counted.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

/// The path prefix of the control API, which faults never touch.
pub const CONTROL_PREFIX: &str = "/_sim";

/// Largest body the middleware buffers to corrupt it.
const MAX_BODY: usize = 64 * 1024 * 1024;

/// One way a response can go wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum Fault {
    /// 429 with `Retry-After: retry_after_secs`.
    RateLimited {
        /// Seconds in the `Retry-After` header.
        retry_after_secs: u64,
    },
    /// An error status (500, 502, 503 …) with a short JSON body.
    Status {
        /// The status code.
        status: u16,
    },
    /// The real response, after a delay (a slow POS; beyond the client's timeout it is a timeout).
    Delay {
        /// Milliseconds to wait before answering.
        millis: u64,
    },
    /// The real status and headers, then half the body, then the connection is cut.
    DropConnection,
    /// A 200 HTML error page instead of JSON (a proxy or maintenance page).
    HtmlBody,
    /// The real response with its body cut in half (truncated JSON).
    TruncatedJson,
}

/// A queued fault: what, how many times, and for which paths.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FaultSpec {
    /// The fault.
    #[serde(flatten)]
    pub fault: Fault,
    /// How many matching requests it applies to.
    #[serde(default = "one")]
    pub times: u32,
    /// Only requests whose path starts with this; all requests when absent.
    #[serde(default)]
    pub path_prefix: Option<String>,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Default)]
struct FaultState {
    queue: VecDeque<FaultSpec>,
    requests: BTreeMap<String, u64>,
}

/// A cloneable handle to one simulator's faults and request counters.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    state: Arc<Mutex<FaultState>>,
}

impl Faults {
    /// No faults queued, no requests counted.
    pub fn new() -> Self {
        Faults::default()
    }

    /// Queues `fault` for the next `times` requests.
    pub fn push(&self, fault: Fault, times: u32) {
        self.push_spec(FaultSpec {
            fault,
            times,
            path_prefix: None,
        });
    }

    /// Queues `fault` for the next `times` requests under `path_prefix`.
    pub fn push_for(&self, path_prefix: &str, fault: Fault, times: u32) {
        self.push_spec(FaultSpec {
            fault,
            times,
            path_prefix: Some(path_prefix.to_owned()),
        });
    }

    /// Queues a fault spec (as posted to the control API).
    pub fn push_spec(&self, spec: FaultSpec) {
        if spec.times > 0 {
            self.lock().queue.push_back(spec);
        }
    }

    /// Drops every queued fault.
    pub fn clear(&self) {
        self.lock().queue.clear();
    }

    /// Faults still queued (counting each remaining repetition).
    pub fn pending(&self) -> u32 {
        self.lock().queue.iter().map(|s| s.times).sum()
    }

    /// Requests seen for exactly this path.
    pub fn requests(&self, path: &str) -> u64 {
        self.lock().requests.get(path).copied().unwrap_or(0)
    }

    /// Requests seen under a path prefix.
    pub fn requests_under(&self, prefix: &str) -> u64 {
        self.lock()
            .requests
            .iter()
            .filter(|(p, _)| p.starts_with(prefix))
            .map(|(_, n)| n)
            .sum()
    }

    /// Requests seen in all.
    pub fn total_requests(&self) -> u64 {
        self.lock().requests.values().sum()
    }

    /// Request counts per path.
    pub fn stats(&self) -> BTreeMap<String, u64> {
        self.lock().requests.clone()
    }

    /// Forgets the request counts.
    pub fn reset_counts(&self) {
        self.lock().requests.clear();
    }

    /// Installs the fault middleware on a vendor router (outermost, so faults
    /// apply before auth and rate limits, as a proxy in front of the POS would).
    pub fn wrap(&self, router: Router) -> Router {
        router.layer(middleware::from_fn_with_state(self.clone(), apply_faults))
    }

    /// Counts a request to `path` and takes the fault it should suffer, if any.
    fn on_request(&self, path: &str) -> Option<Fault> {
        let mut state = self.lock();
        *state.requests.entry(path.to_owned()).or_default() += 1;
        let index = state
            .queue
            .iter()
            .position(|s| s.path_prefix.as_deref().is_none_or(|p| path.starts_with(p)))?;
        let spec = state.queue.get_mut(index)?;
        spec.times -= 1;
        let fault = spec.fault.clone();
        if spec.times == 0 {
            state.queue.remove(index);
        }
        Some(fault)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, FaultState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

async fn apply_faults(State(faults): State<Faults>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    if path.starts_with(CONTROL_PREFIX) {
        return next.run(request).await;
    }
    let Some(fault) = faults.on_request(&path) else {
        return next.run(request).await;
    };
    tracing::debug!(%path, ?fault, "simulator injecting fault");
    match fault {
        Fault::RateLimited { retry_after_secs } => (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, retry_after_secs.to_string())],
            axum::Json(serde_json::json!({"message": "Too many requests"})),
        )
            .into_response(),
        Fault::Status { status } => (
            StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            axum::Json(serde_json::json!({"message": "Internal error (injected)"})),
        )
            .into_response(),
        Fault::Delay { millis } => {
            tokio::time::sleep(Duration::from_millis(millis)).await;
            next.run(request).await
        }
        Fault::HtmlBody => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "<!DOCTYPE html><html><head><title>503 Service Unavailable</title></head>\
             <body><h1>Service Unavailable</h1><p>The server is down for maintenance.</p></body></html>",
        )
            .into_response(),
        Fault::TruncatedJson => {
            let (parts, body) = split_body(next.run(request).await).await;
            let cut = body.slice(..body.len() / 2);
            with_body(parts, Body::from(cut))
        }
        Fault::DropConnection => {
            let (parts, body) = split_body(next.run(request).await).await;
            let head = body.slice(..body.len() / 2);
            let chunks: [Result<Bytes, std::io::Error>; 2] = [
                Ok(head),
                Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "injected connection drop")),
            ];
            with_body(parts, Body::from_stream(futures::stream::iter(chunks)))
        }
    }
}

async fn split_body(response: Response) -> (axum::http::response::Parts, Bytes) {
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_BODY)
        .await
        .unwrap_or_default();
    (parts, bytes)
}

fn with_body(mut parts: axum::http::response::Parts, body: Body) -> Response {
    parts.headers.remove(header::CONTENT_LENGTH);
    parts
        .headers
        .insert("x-sim-fault", HeaderValue::from_static("1"));
    Response::from_parts(parts, body)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn faults_apply_in_order_to_matching_paths() {
        let f = Faults::new();
        f.push_for("/inventory", Fault::Status { status: 503 }, 2);
        f.push(Fault::HtmlBody, 1);
        assert_eq!(f.on_request("/products"), Some(Fault::HtmlBody));
        assert_eq!(f.on_request("/products"), None);
        assert_eq!(
            f.on_request("/inventory"),
            Some(Fault::Status { status: 503 })
        );
        assert_eq!(
            f.on_request("/inventory"),
            Some(Fault::Status { status: 503 })
        );
        assert_eq!(f.on_request("/inventory"), None);
        assert_eq!(f.requests("/inventory"), 3);
        assert_eq!(f.total_requests(), 5);
        assert_eq!(f.pending(), 0);
    }

    #[test]
    fn specs_parse_from_control_json() {
        let spec: FaultSpec = serde_json::from_value(serde_json::json!({
            "kind": "rate_limited", "retryAfterSecs": 2, "times": 3, "pathPrefix": "/products"
        }))
        .unwrap();
        assert_eq!(
            spec.fault,
            Fault::RateLimited {
                retry_after_secs: 2
            }
        );
        assert_eq!(spec.times, 3);
        let spec: FaultSpec =
            serde_json::from_value(serde_json::json!({"kind": "drop_connection"})).unwrap();
        assert_eq!(spec.times, 1);
    }
}
