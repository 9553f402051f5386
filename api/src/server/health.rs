//! `/healthz` (the process answers) and `/readyz` (its database and cache answer).

use axum::{Json, extract::State, http::StatusCode, response::IntoResponse};
use serde_json::json;
use tokio::time::timeout;

use super::HttpState;

/// Liveness: the process serves HTTP.
pub(super) async fn live() -> &'static str {
    "ok"
}

/// Readiness: the database and the cache answer within their timeouts.
pub(super) async fn ready(State(state): State<HttpState>) -> impl IntoResponse {
    let app = &state.app;
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
            tracing::warn!(%error, backend = app.cache.backend(), "readiness: cache ping failed");
            false
        }
        Err(_) => {
            tracing::warn!(
                backend = app.cache.backend(),
                "readiness: cache ping timed out"
            );
            false
        }
    };
    let status = if database_ok && cache_ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let word = |ok: bool| if ok { "ok" } else { "unavailable" };
    (
        status,
        Json(json!({ "database": word(database_ok), "cache": word(cache_ok) })),
    )
}
