//! The HTTP server: routes, middleware and graceful shutdown.
//!
//! `POST/GET /graphql` (GraphQL over HTTP, GraphiQL for browsers, its files under
//! `/graphql/assets/`), `GET /graphql/ws` (subscriptions), `POST /webhooks/{connection_id}` (POS webhooks, see
//! [`crate::webhooks`]), `/healthz`, `/readyz`, `/metrics`, the `/admin` page and the live
//! stock `/widget`. Every request gets an `x-request-id` (kept when the client sends one)
//! that appears in its trace span and its response, is counted and timed in the metrics,
//! and has a time limit. [`listen`] owns the connections: their timeouts and graceful
//! shutdown.

mod admin_page;
mod graphiql;
mod graphql_http;
mod health;
mod limits;
mod listen;
pub mod metrics;
mod secure_page;
pub mod shutdown;
mod widget;
mod ws;

use std::{io, net::SocketAddr, ops::Deref, sync::Arc, time::Duration};

use axum::{
    Router,
    extract::{DefaultBodyLimit, FromRef},
    http::{Request, StatusCode},
    middleware,
    routing::get,
};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tower_http::{
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer},
    timeout::TimeoutLayer,
    trace::TraceLayer,
};

/// An embedded page file with the admin page's strict security headers.
pub(crate) use self::admin_page::asset as page_asset;
use self::{
    graphql_http::response_cache::ResponseCache,
    limits::{rate::RateLimit, webhook::WebhookLimit, websocket::SessionLimit},
};
use crate::{
    auth::watch_jwks,
    graphql::{CanopySchema, build_schema},
    operations::Safelist,
    state::AppState,
};

/// Path of the GraphQL endpoint.
pub const GRAPHQL_PATH: &str = "/graphql";
/// Path of the GraphQL websocket endpoint.
pub const WS_PATH: &str = "/graphql/ws";

/// What every handler can reach. Extractors clone it for every request, so it is one
/// reference count (handlers read the fields through `Deref`).
#[derive(Clone)]
struct HttpState(Arc<Handles>);

/// The contents of [`HttpState`].
struct Handles {
    app: AppState,
    schema: CanopySchema,
    responses: ResponseCache,
    safelist: Safelist,
    shutdown: CancellationToken,
    sessions: Arc<SessionLimit>,
}

impl FromRef<HttpState> for AppState {
    fn from_ref(state: &HttpState) -> Self {
        state.app.clone()
    }
}

impl Deref for HttpState {
    type Target = Handles;

    fn deref(&self) -> &Handles {
        &self.0
    }
}

/// The router with every route and middleware, with `safelist` (the one `schema` was
/// built with) deciding which documents run. `shutdown` ends open websocket sessions.
pub fn router(
    app: AppState,
    schema: CanopySchema,
    safelist: Safelist,
    shutdown: CancellationToken,
) -> Router {
    // Install the recorder before the first request records anything.
    crate::telemetry::metrics();
    let config = &app.config;
    let webhooks = crate::webhooks::router(&app);
    let metrics_route = metrics::router(config, Arc::clone(&app.jwt));
    let graphql = Router::new()
        .route(
            GRAPHQL_PATH,
            get(graphql_http::get).post(graphql_http::post),
        )
        .layer(DefaultBodyLimit::max(config.limits.max_body_bytes))
        .route(WS_PATH, get(ws::upgrade))
        .route_layer(middleware::from_fn_with_state(
            RateLimit::new(&config.limits, Arc::clone(&app.jwt)),
            limits::rate::enforce,
        ));
    let timeout = config.request_timeout;
    let webhook_limit = middleware::from_fn_with_state(
        WebhookLimit(config.limits.max_webhook_bytes),
        limits::webhook::enforce,
    );
    let router = Router::new()
        .merge(graphql)
        .route("/healthz", get(health::live))
        .route("/readyz", get(health::ready))
        .merge(graphiql::router())
        .merge(admin_page::router())
        .merge(widget::router())
        .with_state(HttpState(Arc::new(Handles {
            responses: ResponseCache::new(app.cache.clone(), &app.config),
            sessions: SessionLimit::new(app.config.limits.max_ws_per_client),
            safelist,
            app,
            schema,
            shutdown,
        })))
        .merge(webhooks)
        .merge(metrics_route)
        .layer(webhook_limit);
    with_request_middleware(router, timeout)
}

/// The router of a `worker` process: `/healthz`, `/readyz` and `/metrics` only, with the
/// same request ids, tracing, metrics and time limit as the API.
pub fn worker_router(app: AppState) -> Router {
    crate::telemetry::metrics();
    let metrics_route = metrics::router(&app.config, Arc::clone(&app.jwt));
    let timeout = app.config.request_timeout;
    let router = Router::new()
        .route("/healthz", get(health::live))
        .route("/readyz", get(health::ready))
        .with_state(app)
        .merge(metrics_route);
    with_request_middleware(router, timeout)
}

/// `router` behind request ids, the trace span, request metrics and the time limit of
/// every request (the last layer added is the outermost).
fn with_request_middleware(router: Router, timeout: Duration) -> Router {
    router
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .layer(middleware::from_fn(metrics::track))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
}

/// The trace span of one request: method, path (never the query string, which may carry
/// personal data) and request id.
fn request_span<B>(request: &Request<B>) -> tracing::Span {
    let request_id = request
        .extensions()
        .get::<RequestId>()
        .and_then(|id| id.header_value().to_str().ok())
        .unwrap_or("-");
    tracing::info_span!(
        "http",
        method = %request.method(),
        path = request.uri().path(),
        request_id,
    )
}

/// A bound server, ready to run.
pub struct Server {
    listener: TcpListener,
    router: Router,
    grace: Duration,
    header_read_timeout: Duration,
    request_timeout: Duration,
}

impl Server {
    /// Binds `addr` (port 0 picks a free port) and builds the schema and router for `app`;
    /// starts watching the JWKS file for rotated keys until `shutdown`.
    pub async fn bind(
        addr: SocketAddr,
        app: AppState,
        shutdown: CancellationToken,
    ) -> io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        let grace = app.config.shutdown_grace;
        let header_read_timeout = app.config.header_read_timeout;
        let request_timeout = app.config.request_timeout;
        let safelist = Safelist::new(app.db.clone(), app.config.persisted_queries);
        safelist.forget_removed(&app.events, shutdown.clone());
        let schema = build_schema(app.clone(), safelist.clone());
        tokio::spawn(watch_jwks(
            Arc::clone(&app.jwt),
            app.config.jwks_reload,
            shutdown.clone(),
        ));
        Ok(Self {
            listener,
            router: router(app, schema, safelist, shutdown),
            grace,
            header_read_timeout,
            request_timeout,
        })
    }

    /// Binds `addr` for a `worker` process: [`worker_router`] only.
    pub async fn bind_worker(addr: SocketAddr, app: AppState) -> io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        Ok(Self {
            listener,
            grace: app.config.shutdown_grace,
            header_read_timeout: app.config.header_read_timeout,
            request_timeout: app.config.request_timeout,
            router: worker_router(app),
        })
    }

    /// Adds `routes` (with the same request middleware as every other route), such as the
    /// demo's own pages.
    #[must_use]
    pub fn with_routes(mut self, routes: Router) -> Self {
        self.router = self
            .router
            .merge(with_request_middleware(routes, self.request_timeout));
        self
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` is cancelled, then lets in-flight requests finish for up to
    /// the configured grace period.
    pub async fn run(self, shutdown: CancellationToken) -> io::Result<()> {
        listen::serve(
            self.listener,
            self.router,
            self.header_read_timeout,
            shutdown,
            self.grace,
        )
        .await;
        Ok(())
    }
}
