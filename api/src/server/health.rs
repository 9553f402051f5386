//! `/healthz` (the process answers) and `/readyz` (it can serve: its database answers).
//!
//! The database is required; the cache (Redis) is not, since reads fall back to the
//! database and orders go on without it: `/readyz` answers 200 with
//! `{"database":"ok","cache":"degraded"}` while Redis is unreachable or its circuit is
//! open, so one Redis outage does not pull every replica out of its load balancer.
//! `/readyz?strict` requires both (503 unless both are `ok`).

use std::collections::HashMap;

use axum::{
    Json,
    extract::{Query, State},
    http::StatusCode,
    response::IntoResponse,
};
use serde_json::json;
use tokio::time::timeout;

use crate::state::AppState;

/// Liveness: the process serves HTTP.
pub(super) async fn live() -> &'static str {
    "ok"
}

/// Readiness: the database answers within its timeout (and, with `?strict`, the cache).
pub(super) async fn ready(
    State(app): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
) -> impl IntoResponse {
    let (database, cache) = tokio::join!(
        timeout(app.config.db_timeout, app.db.ping()),
        timeout(app.config.redis_timeout, app.cache.ping()),
    );
    let database_ok = match database {
        Ok(Ok(())) => true,
        Ok(Err(error)) => {
            tracing::warn!(%error, "readiness: database ping failed");
            false
        }
        Err(_) => {
            tracing::warn!("readiness: database ping timed out");
            false
        }
    };
    let cache_ok = match cache {
        Ok(Ok(())) => true,
        Ok(Err(error)) => {
            tracing::warn!(%error, backend = app.cache.backend(), "readiness: cache degraded");
            false
        }
        Err(_) => {
            tracing::warn!(
                backend = app.cache.backend(),
                "readiness: cache ping timed out; degraded"
            );
            false
        }
    };
    let strict = params.contains_key("strict");
    let status = if database_ok && (cache_ok || !strict) {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let database = if database_ok { "ok" } else { "unavailable" };
    let cache = if cache_ok { "ok" } else { "degraded" };
    (
        status,
        Json(json!({ "database": database, "cache": cache })),
    )
}
