//! The simulator's gate in front of every API route, as Treez's: the request's JWT
//! checked against the registered public key (`super::jwt::verify`: exact URL, 30 s
//! lifetime in milliseconds, issuer and organization), then the 10-per-second limit per
//! dispensary, answered with a bare 429 `OVER LIMIT` and no rate-limit headers [doc].

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use jsonwebtoken::DecodingKey;

use super::api;
use super::jwt::{self, Expected, Refusal};
use super::sim_routes::fail;
use crate::simulator::ratelimit::{RateDecision, ServerRateLimits};

/// What the gate checks requests against.
#[derive(Clone)]
pub(crate) struct Gate {
    /// The registered public key.
    pub key: Arc<DecodingKey>,
    /// The registered certificate id.
    pub certificate_id: Arc<str>,
    /// The organization id.
    pub organization_id: Arc<str>,
    /// Per-dispensary limits.
    pub limits: Arc<ServerRateLimits>,
}

/// The reason Treez gives a request it cannot authenticate [spec].
pub(crate) const UNAUTHENTICATED: &str = "Full authentication is required to access this resource";

/// The rate-limit key of a request: its dispensary, or the organization for service calls.
fn limit_key(path: &str) -> &str {
    let mut segments = path.trim_start_matches('/').split('/');
    match (segments.next(), segments.next(), segments.next()) {
        (Some("dispensary"), Some(_), Some(dispensary)) => dispensary,
        _ => "organization",
    }
}

/// Checks the token, then the limit.
pub(crate) async fn gate(State(gate): State<Gate>, request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    let target = request.uri().path_and_query().map_or("/", |pq| pq.as_str());
    let url = format!("http://{host}{target}");
    let token = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let Some(token) = token else {
        return fail(StatusCode::UNAUTHORIZED, UNAUTHENTICATED, None);
    };
    let expected = Expected {
        key: &gate.key,
        url: &url,
        certificate_id: &gate.certificate_id,
        organization_id: &gate.organization_id,
        now_ms: Utc::now().timestamp_millis(),
    };
    match jwt::verify(token, &expected) {
        Ok(_) => {}
        Err(Refusal::Lifetime) => {
            return fail(
                StatusCode::BAD_REQUEST,
                "INVALID_TOKEN",
                Some("exp must be iat + 30000 (milliseconds)"),
            );
        }
        Err(Refusal::Unauthenticated(why)) => {
            return fail(StatusCode::UNAUTHORIZED, UNAUTHENTICATED, Some(why));
        }
    }
    if let RateDecision::Limited { .. } = gate
        .limits
        .check(limit_key(request.uri().path()), api::BUCKET)
    {
        return (StatusCode::TOO_MANY_REQUESTS, "OVER LIMIT").into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_kept_per_dispensary() {
        assert_eq!(
            limit_key("/dispensary/v3/store-a/product/product_list"),
            "store-a"
        );
        assert_eq!(
            limit_key("/service/catalog/v3/organization-entity"),
            "organization"
        );
    }
}
