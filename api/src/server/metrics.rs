//! `/metrics` in Prometheus text format, who may read it, and the HTTP request metrics
//! behind it: `http_requests_total{method,path,status}` and
//! `http_request_duration_seconds{method,path,status}`.
//!
//! The metrics name connections and internals, so they are not public:
//! - with `CANOPY_METRICS_TOKEN`, a request must carry `Authorization: Bearer <token>`
//!   (compared in constant time);
//! - with `CANOPY_METRICS_ADDR`, `/metrics` is served on that address alone (and there
//!   needs the token only when one is set);
//! - with neither, it answers admin tokens and peers on the loopback interface (a
//!   Prometheus agent beside the server); anyone else gets 404, as if it did not exist.

use std::{io, net::SocketAddr, sync::Arc, time::Instant};

use axum::{
    Router,
    extract::{ConnectInfo, MatchedPath, Request, State},
    http::{StatusCode, header::CONTENT_TYPE},
    middleware::Next,
    response::{IntoResponse, Response},
    routing::get,
};
use subtle::ConstantTimeEq;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::{
    auth::{JwtKeys, Role, Viewer},
    config::{Config, Secret},
    telemetry,
};

/// Who may read `/metrics`.
#[derive(Clone)]
enum Access {
    /// Anyone who can reach the address (the separate metrics address, without token).
    Open,
    /// A request bearing this token.
    Token(Secret),
    /// A request with an admin token or from a loopback peer.
    AdminOrLoopback(Arc<JwtKeys>),
}

impl Access {
    fn allows(&self, request: &Request) -> bool {
        match self {
            Access::Open => true,
            Access::Token(token) => Viewer::bearer_token(request.headers())
                .is_some_and(|sent| bool::from(sent.as_bytes().ct_eq(token.expose().as_bytes()))),
            Access::AdminOrLoopback(keys) => {
                let loopback = request
                    .extensions()
                    .get::<ConnectInfo<SocketAddr>>()
                    .is_some_and(|ConnectInfo(peer)| peer.ip().is_loopback());
                loopback
                    || Viewer::from_headers(keys, request.headers())
                        .is_ok_and(|viewer| viewer.role() == Some(Role::Admin))
            }
        }
    }
}

/// The `/metrics` route of the API address: none when `CANOPY_METRICS_ADDR` moves it
/// elsewhere.
pub(super) fn router(config: &Config, keys: Arc<JwtKeys>) -> Router {
    if config.metrics_addr.is_some() {
        return Router::new();
    }
    let access = match &config.metrics_token {
        Some(token) => Access::Token(token.clone()),
        None => Access::AdminOrLoopback(keys),
    };
    Router::new()
        .route("/metrics", get(render))
        .with_state(access)
}

/// Serves `/metrics` alone on `CANOPY_METRICS_ADDR`, when set, until `shutdown`; returns
/// the address bound.
pub async fn serve_separately(
    config: &Config,
    shutdown: CancellationToken,
) -> io::Result<Option<SocketAddr>> {
    let Some(addr) = config.metrics_addr else {
        return Ok(None);
    };
    telemetry::metrics();
    let access = config
        .metrics_token
        .clone()
        .map_or(Access::Open, Access::Token);
    let router = Router::new()
        .route("/metrics", get(render))
        .with_state(access);
    let listener = TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    tokio::spawn(async move {
        let serve = axum::serve(listener, router)
            .with_graceful_shutdown(async move { shutdown.cancelled().await });
        if let Err(error) = serve.await {
            tracing::error!(%error, "metrics listener failed");
        }
    });
    Ok(Some(bound))
}

/// Renders every metric of the process to a request `access` allows, 404 to others.
async fn render(State(access): State<Access>, request: Request) -> Response {
    if !access.allows(&request) {
        return StatusCode::NOT_FOUND.into_response();
    }
    (
        [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        telemetry::metrics().render(),
    )
        .into_response()
}

/// Counts and times each request by route pattern (never the raw path, so ids do not
/// explode the label set).
pub(super) async fn track(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let path = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |path| path.as_str().to_owned());
    let method = request.method().to_string();
    let response = next.run(request).await;
    let labels = [
        ("method", method),
        ("path", path),
        ("status", response.status().as_u16().to_string()),
    ];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels)
        .record(started.elapsed().as_secs_f64());
    response
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::time::Duration;

    use axum::body::Body;

    use super::*;

    fn request(peer: Option<&str>, bearer: Option<&str>) -> Request {
        let mut request = Request::builder().uri("/metrics");
        if let Some(token) = bearer {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let mut request = request.body(Body::empty()).unwrap();
        if let Some(peer) = peer {
            request
                .extensions_mut()
                .insert(ConnectInfo::<SocketAddr>(peer.parse().unwrap()));
        }
        request
    }

    #[test]
    fn without_token_only_admins_and_loopback_peers_read_metrics() {
        let keys = Arc::new(JwtKeys::hs256(b"a-test-secret-long-enough-for-hs256", None));
        let admin = keys
            .mint(Role::Admin, "ops", Duration::from_secs(60))
            .unwrap();
        let storefront = keys
            .mint(Role::Storefront, "shop", Duration::from_secs(60))
            .unwrap();
        let access = Access::AdminOrLoopback(keys);
        assert!(access.allows(&request(Some("127.0.0.1:5000"), None)));
        assert!(access.allows(&request(Some("[::1]:5000"), None)));
        assert!(access.allows(&request(Some("203.0.113.9:5000"), Some(&admin))));
        assert!(!access.allows(&request(Some("203.0.113.9:5000"), None)));
        assert!(!access.allows(&request(Some("203.0.113.9:5000"), Some(&storefront))));
        assert!(!access.allows(&request(None, Some("not-a-jwt"))));
    }

    #[test]
    fn a_token_is_compared_whole() {
        let access = Access::Token("s3cret-token".parse().unwrap());
        assert!(access.allows(&request(Some("127.0.0.1:1"), Some("s3cret-token"))));
        assert!(!access.allows(&request(Some("127.0.0.1:1"), Some("s3cret"))));
        assert!(!access.allows(&request(Some("127.0.0.1:1"), None)));
    }
}
