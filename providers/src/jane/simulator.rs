//! A local Jane: the OAuth2 token endpoint, the bearer-protected menu API
//! (paged with `pagination_id`), the store description and the partner order
//! and cart API [guess], the `/_sim/…` control routes and fault layer of the
//! simulator framework, and webhook emission.
//!
//! Tokens expire after [`JaneSimOptions::token_ttl`] (short in tests, so the
//! adapter's refresh is exercised); an expired or unknown token gets a 401.
//! Webhooks: `POST /_sim/webhooks {url}` registers the receiver; on every
//! order status change the simulator POSTs `{cart}` to it with
//! `Authorization: Bearer <webhook secret>`.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Form, Json, Router};
use base64::Engine;
use secrecy::SecretString;
use serde::Deserialize;
use url::Url;
use uuid::Uuid;

use crate::model::PosKind;
use crate::provider::ConnectionConfig;
use crate::simulator::control::{
    self, BadRecord, OrderStatuses, OrderWorkflow, Simulator, StandardWorkflow,
};
use crate::simulator::faults::Faults;
use crate::simulator::server::{self, SimServer};
use crate::simulator::store::{Collection, SimError, SimOrder, SimStore};

use super::guesses::{self, STATUS_NAMES};
use super::models::{CartEnvelope, TokenResponse};
use super::sim_routes::{self, ApiState};
use super::sim_wire;

/// Jane's statuses as the simulator framework names them.
pub const ORDER_STATUSES: OrderStatuses = OrderStatuses {
    submitted: guesses::STATUS_PENDING,
    confirmed: guesses::STATUS_PREPARING,
    ready: guesses::STATUS_READY,
    completed: guesses::STATUS_FINISHED,
    cancelled: guesses::STATUS_CANCELLED,
    all: STATUS_NAMES,
};

/// How a Jane simulator is set up.
#[derive(Debug, Clone)]
pub struct JaneSimOptions {
    /// Where to listen (`127.0.0.1:0` picks a free port).
    pub addr: SocketAddr,
    /// The OAuth client id it accepts.
    pub client_id: String,
    /// The OAuth client secret it accepts.
    pub client_secret: String,
    /// Lifetime of the access tokens it issues.
    pub token_ttl: Duration,
    /// The shared secret sent on webhooks.
    pub webhook_secret: String,
    /// The store it serves; the store's first location when `None`.
    pub store_id: Option<String>,
}

impl Default for JaneSimOptions {
    fn default() -> Self {
        JaneSimOptions {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            client_id: "sim-jane-client".to_owned(),
            client_secret: "sim-jane-secret".to_owned(),
            token_ttl: Duration::from_secs(3600),
            webhook_secret: "sim-jane-webhook-secret".to_owned(),
            store_id: None,
        }
    }
}

/// Tokens issued, to their expiry.
#[derive(Debug, Clone, Default)]
struct Tokens(Arc<Mutex<HashMap<String, Instant>>>);

impl Tokens {
    fn issue(&self, ttl: Duration) -> String {
        let token = Uuid::new_v4().simple().to_string();
        let mut tokens = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        tokens.retain(|_, expiry| *expiry > now);
        tokens.insert(token.clone(), now + ttl);
        token
    }

    fn valid(&self, token: &str) -> bool {
        let tokens = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        tokens
            .get(token)
            .is_some_and(|expiry| *expiry > Instant::now())
    }
}

/// Jane's order workflow: the standard one, plus a webhook on every status change.
pub(crate) struct JaneWorkflow {
    standard: StandardWorkflow,
    store: SimStore,
    secret: String,
    target: Mutex<Option<Url>>,
    client: reqwest::Client,
}

impl JaneWorkflow {
    /// POSTs the order's cart to the registered URL, in the background.
    pub(crate) fn emit(&self, order: &SimOrder) {
        let Some(url) = self
            .target
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
        else {
            return;
        };
        let completed = order.transaction_id.as_ref().and_then(|id| {
            self.store
                .read(|s| s.transactions.get(id).map(|t| t.occurred_at))
        });
        let body = CartEnvelope {
            cart: sim_wire::order_cart(order, completed),
        };
        let request = self.client.post(url).bearer_auth(&self.secret).json(&body);
        let cart_id = order.external_id.clone();
        tokio::spawn(async move {
            match request.send().await {
                Ok(response) if response.status().is_success() => {}
                Ok(response) => {
                    tracing::warn!(%cart_id, status = %response.status(), "Jane sim webhook refused")
                }
                Err(e) => tracing::warn!(%cart_id, error = %e, "Jane sim webhook failed"),
            }
        });
    }
}

#[async_trait]
impl OrderWorkflow for JaneWorkflow {
    async fn advance_order(&self, id: &str, status: &str) -> Result<SimOrder, SimError> {
        let order = self.standard.advance_order(id, status).await?;
        self.emit(&order);
        Ok(order)
    }

    async fn register_webhook(&self, url: Url) -> Result<(), SimError> {
        *self.target.lock().unwrap_or_else(PoisonError::into_inner) = Some(url);
        Ok(())
    }
}

/// A running Jane simulator; dropping it stops the server.
pub struct JaneSimulator {
    server: SimServer,
    store: SimStore,
    faults: Faults,
    webhooks: Arc<JaneWorkflow>,
    options: JaneSimOptions,
    store_id: String,
}

/// Starts a Jane simulator over a (seeded) store.
pub async fn start(store: SimStore, options: JaneSimOptions) -> std::io::Result<JaneSimulator> {
    let store_id = match &options.store_id {
        Some(id) => id.clone(),
        None => store
            .read(|s| s.locations.first().map(|l| l.external_id.clone()))
            .ok_or_else(|| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "the store has no location",
                )
            })?,
    };
    let faults = Faults::new();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .map_err(std::io::Error::other)?;
    let webhooks = Arc::new(JaneWorkflow {
        standard: StandardWorkflow::new(store.clone(), ORDER_STATUSES),
        store: store.clone(),
        secret: options.webhook_secret.clone(),
        target: Mutex::new(None),
        client,
    });
    let tokens = Tokens::default();
    let api = sim_routes::router(ApiState {
        store: store.clone(),
        store_id: store_id.clone(),
        webhooks: webhooks.clone(),
    })
    .layer(middleware::from_fn_with_state(
        tokens.clone(),
        require_bearer,
    ));
    let auth = Router::new()
        .route("/oauth/token", post(issue_token))
        .with_state(TokenState {
            tokens,
            options: options.clone(),
        });
    let router = faults.wrap(api.merge(auth).merge(control::router(
        store.clone(),
        faults.clone(),
        webhooks.clone(),
    )));
    let server = server::spawn(router, options.addr).await?;
    Ok(JaneSimulator {
        server,
        store,
        faults,
        webhooks,
        options,
        store_id,
    })
}

impl JaneSimulator {
    /// The store id it serves.
    pub fn store_id(&self) -> &str {
        &self.store_id
    }

    /// Registers the webhook receiver (same as `POST /_sim/webhooks {url}`).
    pub async fn register_webhook(&self, url: Url) -> Result<(), SimError> {
        self.webhooks.register_webhook(url).await
    }

    /// Stops the server, waiting for in-flight requests.
    pub async fn shutdown(self) -> std::io::Result<()> {
        self.server.shutdown().await
    }
}

#[async_trait]
impl Simulator for JaneSimulator {
    fn kind(&self) -> PosKind {
        PosKind::Jane
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

    fn connection_config(&self, connection_id: Uuid) -> ConnectionConfig {
        ConnectionConfig {
            connection_id,
            kind: PosKind::Jane,
            base_url: self.server.base_url.clone(),
            api_key: SecretString::from(self.options.client_id.clone()),
            api_secret: Some(SecretString::from(self.options.client_secret.clone())),
            webhook_secret: Some(SecretString::from(self.options.webhook_secret.clone())),
            settings: serde_json::json!({ "store_id": self.store_id }),
        }
    }

    /// Only the store it was started for (`JaneSimOptions::store_id`).
    fn connection_config_at(
        &self,
        connection_id: Uuid,
        location: &str,
    ) -> Option<ConnectionConfig> {
        (location == self.store_id).then(|| self.connection_config(connection_id))
    }

    fn order_statuses(&self) -> &OrderStatuses {
        &ORDER_STATUSES
    }

    async fn advance_order(
        &self,
        external_order_id: &str,
        vendor_status: &str,
    ) -> Result<SimOrder, SimError> {
        self.webhooks
            .advance_order(external_order_id, vendor_status)
            .await
    }

    async fn register_webhook(&self, url: Url) -> Result<(), SimError> {
        self.webhooks.register_webhook(url).await
    }

    fn bad_record(&self, kind: BadRecord) -> (Collection, serde_json::Value) {
        let record = match kind {
            BadRecord::MissingField => {
                serde_json::json!({"id": "bad-1", "product_id": "bad-1", "kind": "flower"})
            }
            BadRecord::WrongType => serde_json::json!({
                "id": "bad-2", "product_id": "bad-2", "name": "Wrong Type", "kind": "flower",
                "available_weights": "gram"
            }),
            BadRecord::NegativeQuantity => serde_json::json!({
                "id": "bad-3", "product_id": "bad-3", "name": "Negative", "kind": "vape",
                "available_weights": ["each"], "price_each": 10, "inventory": {"each": -4}
            }),
            BadRecord::DuplicateId => {
                let first = self.store.read(|s| {
                    s.products
                        .values()
                        .next()
                        .map(|p| sim_wire::menu_product(p, &self.store_id, 1))
                });
                serde_json::to_value(first).unwrap_or(serde_json::Value::Null)
            }
        };
        (Collection::Products, record)
    }
}

#[derive(Clone)]
struct TokenState {
    tokens: Tokens,
    options: JaneSimOptions,
}

#[derive(Deserialize)]
struct TokenForm {
    grant_type: String,
    client_id: Option<String>,
    client_secret: Option<String>,
}

fn oauth_error(status: StatusCode, error: &str) -> Response {
    (status, Json(serde_json::json!({"error": error}))).into_response()
}

/// `POST /oauth/token`: client credentials from HTTP Basic or the form body.
async fn issue_token(
    State(state): State<TokenState>,
    headers: HeaderMap,
    Form(form): Form<TokenForm>,
) -> Response {
    if form.grant_type != "client_credentials" {
        return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type");
    }
    let credentials = basic_credentials(&headers).or(form.client_id.zip(form.client_secret));
    let options = &state.options;
    match credentials {
        Some((id, secret)) if id == options.client_id && secret == options.client_secret => {
            Json(TokenResponse {
                access_token: state.tokens.issue(options.token_ttl),
                token_type: "Bearer".to_owned(),
                expires_in: options.token_ttl.as_secs(),
            })
            .into_response()
        }
        _ => oauth_error(StatusCode::UNAUTHORIZED, "invalid_client"),
    }
}

fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let (id, secret) = std::str::from_utf8(&decoded).ok()?.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

/// Rejects API calls without a live bearer token.
async fn require_bearer(State(tokens): State<Tokens>, request: Request, next: Next) -> Response {
    let token = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    match token {
        Some(token) if tokens.valid(token) => next.run(request).await,
        _ => oauth_error(StatusCode::UNAUTHORIZED, "invalid_token"),
    }
}
