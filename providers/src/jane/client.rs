//! [`JaneProvider`]: the [`PosProvider`] for Jane, over the shared [`HttpPolicy`].
//!
//! - Auth: OAuth2 client credentials (`oauth`); every API call carries the
//!   bearer token; a 401 refreshes the token once and retries the call once.
//! - Catalog and stock: the menu API, paged with `page_size` (at most 250)
//!   and `pagination_id` until none is returned. Jane has no changed-since
//!   query: the whole menu is read and filtered by `updated_at` [guess];
//!   stock is always a complete snapshot from the per-weight `inventory` [guess].
//! - Purchase history: derived from the partner cart listing [guess].
//!   Customers: Jane has no customer API; each cart names its customer, so
//!   with `customers_from_carts` set `customers` reads them off the carts
//!   (the newest cart per Jane user), and is `Unsupported` otherwise.
//! - Orders placed in Canopy: the partner order API [guess], idempotent on our order id.
//! - Webhooks: bearer shared secret checked in constant time (`webhook`).
//!
//! Jane documents no rate limits, so none are applied client-side; the
//! policy's retries still honour a 429's `Retry-After`.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use http::HeaderMap;
use reqwest::RequestBuilder;
use secrecy::SecretString;
use serde::de::DeserializeOwned;
use url::Url;

use crate::error::{ProviderError, ProviderErrorKind, ProviderResult};
use crate::http::{Endpoint, HttpPolicy, HttpResponse, PolicyConfig, PolicyOverrides};
use crate::model::{
    Batch, Capabilities, ConnectionReport, ExternalCustomer, ExternalLocation, ExternalProduct,
    ExternalTransaction, Fulfillment, OrderSubmission, PosKind, PosOrderStatus, RejectedRecord,
    ReturnReceipt, ReturnRequest, StockRecord, StockSnapshot, SubmittedOrder, WebhookEvent,
};
use crate::provider::{ConnectionConfig, PosProvider};

use super::guesses;
use super::mapping;
use super::models::{
    CancelOrder, Cart, CartProduct, CartResponse, Carts, CreateOrder, CreateReturn, MenuProduct,
    MenuProducts, Page, StoreResponse,
};
use super::oauth::{AccessToken, TokenSource};
use super::settings::{JaneSettings, MenuApi};
use super::webhook;

pub(super) const MENU: Endpoint = Endpoint::new("GET /roots/menu_api/v1/menu_products", "menu");
const MENU_PARTNER: Endpoint = Endpoint::new("GET /partner/v1/stores/{id}/menu_products", "menu");
const STORE: Endpoint = Endpoint::new("GET /partner/v1/stores/{id}", "partner");
pub(super) const CARTS: Endpoint = Endpoint::new("GET /partner/v1/stores/{id}/carts", "partner");
const ORDER_CREATE: Endpoint = Endpoint::new("POST /partner/v1/stores/{id}/orders", "partner");
const ORDER_GET: Endpoint = Endpoint::new("GET /partner/v1/stores/{id}/orders/{cart}", "partner");
const ORDER_CANCEL: Endpoint = Endpoint::new(
    "POST /partner/v1/stores/{id}/orders/{cart}/cancel",
    "partner",
);
const ORDER_RETURN: Endpoint = Endpoint::new(
    "POST /partner/v1/stores/{id}/orders/{cart}/returns",
    "partner",
);
const WEBHOOK: &str = "POST webhook";

/// A Jane connection.
#[derive(Debug)]
pub struct JaneProvider {
    base_url: Url,
    settings: JaneSettings,
    /// The shared secret Jane sends as `Authorization: Bearer …` on webhooks.
    webhook_secret: Option<SecretString>,
    policy: HttpPolicy,
    tokens: TokenSource,
}

impl JaneProvider {
    /// Builds the adapter from a connection's configuration: `api_key` is the
    /// OAuth client id, `api_secret` the client secret, `webhook_secret` the shared
    /// webhook secret, `settings` a [`JaneSettings`].
    pub fn new(config: &ConnectionConfig) -> ProviderResult<Self> {
        let config_error = |reason: String| {
            ProviderError::new(
                config.connection_id,
                "configuration",
                ProviderErrorKind::Config(reason),
            )
        };
        let settings = JaneSettings::from_json(&config.settings).map_err(config_error)?;
        let client_secret = config.api_secret.clone().ok_or_else(|| {
            config_error("Jane needs the OAuth client secret as api_secret".to_owned())
        })?;
        let base_url = with_trailing_slash(config.base_url.clone());
        let token_url = settings.token_url(&base_url).map_err(config_error)?;
        let policy = HttpPolicy::new(
            config.connection_id,
            policy_config(config, &settings).map_err(config_error)?,
        )?;
        let tokens = TokenSource::new(
            token_url,
            config.api_key.clone(),
            client_secret,
            Duration::from_secs(settings.token_refresh_margin_secs),
        );
        Ok(JaneProvider {
            base_url,
            settings,
            webhook_secret: config.webhook_secret.clone(),
            policy,
            tokens,
        })
    }

    fn error(&self, endpoint: &Endpoint, kind: ProviderErrorKind) -> ProviderError {
        self.policy.error(endpoint, kind)
    }

    fn url(&self, endpoint: &Endpoint, path: &str) -> ProviderResult<Url> {
        self.base_url.join(path).map_err(|e| {
            self.error(
                endpoint,
                ProviderErrorKind::Config(format!("URL for {path}: {e}")),
            )
        })
    }

    /// Sends an API call with the bearer token; on a 401, refreshes the token
    /// once and sends once more.
    async fn send<F>(&self, endpoint: &Endpoint, build: F) -> ProviderResult<HttpResponse>
    where
        F: Fn(&reqwest::Client) -> RequestBuilder,
    {
        let token = self.tokens.token(&self.policy).await?;
        match self.send_with(endpoint, &build, &token).await {
            Err(e) if e.kind == ProviderErrorKind::Unauthorized => {
                tracing::info!(
                    vendor = "jane",
                    endpoint = endpoint.name,
                    "401 from Jane; refreshing the token once"
                );
                let token = self.tokens.refresh_rejected(&self.policy, &token).await?;
                self.send_with(endpoint, &build, &token).await
            }
            other => other,
        }
    }

    async fn send_with<F>(
        &self,
        endpoint: &Endpoint,
        build: &F,
        token: &AccessToken,
    ) -> ProviderResult<HttpResponse>
    where
        F: Fn(&reqwest::Client) -> RequestBuilder,
    {
        let bearer = token.bearer();
        self.policy
            .send(endpoint, |client| {
                build(client).header(http::header::AUTHORIZATION, &bearer)
            })
            .await
    }

    async fn send_json<T, F>(&self, endpoint: &Endpoint, build: F) -> ProviderResult<T>
    where
        T: DeserializeOwned,
        F: Fn(&reqwest::Client) -> RequestBuilder,
    {
        let response = self.send(endpoint, build).await?;
        self.policy.decode(endpoint, &response)
    }

    /// Every record of a paged listing, following `pagination_id` until none is
    /// returned. Records stay raw JSON so each is parsed (or rejected) alone.
    async fn pages<L: Listing>(
        &self,
        endpoint: &Endpoint,
        path: &str,
        query: &[(&str, String)],
        size_param: &str,
    ) -> ProviderResult<Vec<serde_json::Value>> {
        let url = self.url(endpoint, path)?;
        let page_size = self.settings.page_size.to_string();
        let mut records = Vec::new();
        let mut seen_cursors = HashSet::new();
        let mut cursor: Option<String> = None;
        loop {
            let page: Page<L> = self
                .send_json(endpoint, |client| {
                    let request = client
                        .get(url.clone())
                        .query(query)
                        .query(&[(size_param, &page_size)]);
                    match &cursor {
                        Some(cursor) => request.query(&[("pagination_id", cursor)]),
                        None => request,
                    }
                })
                .await?;
            records.extend(page.data.into_records());
            match page.metadata.pagination_id.filter(|c| !c.is_empty()) {
                Some(next) if !seen_cursors.insert(next.clone()) => {
                    return Err(self.error(
                        endpoint,
                        ProviderErrorKind::Malformed(format!("pagination_id {next:?} repeated")),
                    ));
                }
                Some(next) => cursor = Some(next),
                None => return Ok(records),
            }
        }
    }

    /// The whole menu of the store, bad records kept apart.
    async fn menu(&self) -> ProviderResult<(Vec<MenuProduct>, Vec<RejectedRecord>, &'static str)> {
        let store_id = &self.settings.store_id;
        let (endpoint, path, query, size_param) = match self.settings.menu_api {
            MenuApi::Roots => (
                &MENU,
                "roots/menu_api/v1/menu_products".to_owned(),
                vec![
                    ("store_id", store_id.clone()),
                    ("include_invisible_and_out_of_stock", "true".to_owned()),
                ],
                "page_size",
            ),
            MenuApi::Partner => (
                &MENU_PARTNER,
                format!("partner/v1/stores/{store_id}/menu_products"),
                vec![("visible", "true".to_owned())],
                "count",
            ),
        };
        let raw = self
            .pages::<MenuProducts<serde_json::Value>>(endpoint, &path, &query, size_param)
            .await?;
        let (products, rejected) = parse_records(raw, endpoint, &["product_id", "id"]);
        Ok((products, rejected, endpoint.name))
    }

    /// Every cart changed since `since` (all when `None`), bad records kept apart [guess].
    async fn carts(
        &self,
        since: Option<DateTime<Utc>>,
    ) -> ProviderResult<(Vec<Cart>, Vec<RejectedRecord>)> {
        let query: Vec<(&str, String)> = since
            .map(|t| ("updated_since", mapping::format_time(t)))
            .into_iter()
            .collect();
        let path = guesses::carts_path(&self.settings.store_id);
        let raw = self
            .pages::<Carts<serde_json::Value>>(&CARTS, &path, &query, "count")
            .await?;
        Ok(parse_records(raw, &CARTS, &["id"]))
    }

    async fn cart_call<B: serde::Serialize>(
        &self,
        endpoint: &Endpoint,
        path: &str,
        body: Option<&B>,
    ) -> ProviderResult<Cart> {
        let url = self.url(endpoint, path)?;
        let response: CartResponse = self
            .send_json(endpoint, |client| match body {
                Some(body) => client.post(url.clone()).json(body),
                None => client.get(url.clone()),
            })
            .await?;
        Ok(response.data.cart)
    }
}

/// Jane's defaults (no documented rate limits), then the connection's timeouts and `http` overrides.
fn policy_config(
    config: &ConnectionConfig,
    settings: &JaneSettings,
) -> Result<PolicyConfig, String> {
    PolicyConfig::default()
        .with_overrides(&PolicyOverrides {
            connect_timeout_ms: settings.common.connect_timeout_ms,
            request_timeout_ms: settings.common.request_timeout_ms,
            ..PolicyOverrides::default()
        })
        .with_settings(&config.settings)
        .map_err(|e| format!("Jane http settings: {e}"))
}

/// A base URL that `Url::join` extends rather than replaces the last segment of.
fn with_trailing_slash(mut url: Url) -> Url {
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    url
}

/// The `data` of a paged listing.
trait Listing: DeserializeOwned {
    fn into_records(self) -> Vec<serde_json::Value>;
}

impl Listing for MenuProducts<serde_json::Value> {
    fn into_records(self) -> Vec<serde_json::Value> {
        self.menu_products
    }
}

impl Listing for Carts<serde_json::Value> {
    fn into_records(self) -> Vec<serde_json::Value> {
        self.carts
    }
}

/// Parses each raw record alone; one that does not parse is rejected, named
/// by the first of `id_fields` it has.
pub(super) fn parse_records<T: DeserializeOwned>(
    raw: Vec<serde_json::Value>,
    endpoint: &Endpoint,
    id_fields: &[&str],
) -> (Vec<T>, Vec<RejectedRecord>) {
    let mut parsed = Vec::with_capacity(raw.len());
    let mut rejected = Vec::new();
    for value in raw {
        let external_id = id_fields
            .iter()
            .find_map(|field| value.get(field))
            .map(|id| id.as_str().map_or_else(|| id.to_string(), str::to_owned));
        match crate::record::read(value) {
            Ok(record) => parsed.push(record),
            Err(reason) => rejected.push(reject(endpoint.name, external_id, reason)),
        }
    }
    (parsed, rejected)
}

fn reject(endpoint: &str, external_id: Option<String>, reason: String) -> RejectedRecord {
    tracing::warn!(vendor = "jane", endpoint, external_id = ?external_id, %reason, "rejected a Jane record");
    RejectedRecord {
        endpoint: endpoint.to_owned(),
        external_id,
        reason,
    }
}

/// Keeps the first record of each id; later ones are rejected as duplicates.
fn dedupe<T>(
    items: Vec<T>,
    rejected: &mut Vec<RejectedRecord>,
    endpoint: &str,
    id: impl Fn(&T) -> &str,
) -> Vec<T> {
    let mut seen = HashSet::new();
    items
        .into_iter()
        .filter(|item| {
            let fresh = seen.insert(id(item).to_owned());
            if !fresh {
                rejected.push(reject(
                    endpoint,
                    Some(id(item).to_owned()),
                    "duplicate id".to_owned(),
                ));
            }
            fresh
        })
        .collect()
}

/// The cart lines of some Canopy order lines (variant ids back to product id + weight).
fn cart_products(lines: &[crate::model::OrderLineSubmission]) -> Vec<CartProduct> {
    lines
        .iter()
        .map(|line| {
            let (product_id, weight) = guesses::split_variant_id(&line.external_product_id);
            CartProduct {
                product_id: product_id.to_owned(),
                price_id: weight.map(|w| w.key().to_owned()),
                count: line.quantity,
                unit_price: line.unit_price.amount as f64 / 100.0,
            }
        })
        .collect()
}

/// The latest `updated_at_time` of `carts`: where a changed-since pull of them may resume.
fn newest_update(carts: &[Cart]) -> Option<DateTime<Utc>> {
    carts
        .iter()
        .filter_map(|c| mapping::parse_time(c.updated_at_time.as_deref()))
        .max()
}

/// The catalog items of `menu`, one per weight; a product that does not map, or an id
/// already seen, is added to `rejected`.
pub(super) fn catalog(
    menu: &[MenuProduct],
    settings: &JaneSettings,
    endpoint: &str,
    rejected: &mut Vec<RejectedRecord>,
) -> Vec<ExternalProduct> {
    let mut items = Vec::new();
    for product in menu {
        match mapping::products(product, &settings.store_id, &settings.currency) {
            Ok(products) => items.extend(products),
            Err(reason) => {
                rejected.push(reject(endpoint, Some(product.product_id.clone()), reason))
            }
        }
    }
    dedupe(items, rejected, endpoint, |p| &p.external_id)
}

/// The stock counts of `menu` observed at `observed_at`; a product that does not map,
/// or an id already seen, is added to `rejected`.
pub(super) fn stock(
    menu: &[MenuProduct],
    settings: &JaneSettings,
    endpoint: &str,
    observed_at: DateTime<Utc>,
    rejected: &mut Vec<RejectedRecord>,
) -> Vec<StockRecord> {
    let mut records = Vec::new();
    for product in menu {
        match mapping::stock(product, &settings.store_id, observed_at) {
            Ok(stock) => records.extend(stock),
            Err(reason) => {
                rejected.push(reject(endpoint, Some(product.product_id.clone()), reason))
            }
        }
    }
    dedupe(records, rejected, endpoint, |r| &r.external_product_id)
}

/// The users on `carts`, each as of their latest cart, by id.
pub(super) fn customers(carts: &[Cart]) -> Vec<ExternalCustomer> {
    let mut latest: HashMap<&str, &Cart> = HashMap::new();
    for cart in carts {
        if let Some(user) = cart.user_id.as_deref() {
            let entry = latest.entry(user).or_insert(cart);
            if mapping::parse_time(cart.updated_at_time.as_deref())
                > mapping::parse_time(entry.updated_at_time.as_deref())
            {
                *entry = cart;
            }
        }
    }
    let mut items: Vec<ExternalCustomer> = latest
        .into_values()
        .filter_map(mapping::cart_customer)
        .collect();
    items.sort_by(|a, b| a.external_id.cmp(&b.external_id));
    items
}

/// The purchase history of `carts`; a cart with a bad line, or an id already seen, is
/// added to `rejected`.
pub(super) fn transactions(
    carts: &[Cart],
    settings: &JaneSettings,
    rejected: &mut Vec<RejectedRecord>,
) -> Vec<ExternalTransaction> {
    let mut history = Vec::new();
    for cart in carts {
        match mapping::check_cart(cart) {
            Ok(()) => history.extend(mapping::cart_transaction(
                cart,
                &settings.store_id,
                &settings.currency,
            )),
            Err(reason) => rejected.push(reject(CARTS.name, Some(cart.id.clone()), reason)),
        }
    }
    dedupe(history, rejected, CARTS.name, |t| &t.external_id)
}

fn full_name(first: &str, last: &str) -> String {
    format!("{} {}", first.trim(), last.trim())
        .trim()
        .to_owned()
}

#[async_trait]
impl PosProvider for JaneProvider {
    fn kind(&self) -> PosKind {
        PosKind::Jane
    }

    fn capabilities(&self) -> Capabilities {
        super::KIND.capabilities
    }

    async fn test_connection(&self) -> ProviderResult<ConnectionReport> {
        let locations = self.locations().await?;
        let identity = locations.first().map_or_else(
            || format!("Jane store {}", self.settings.store_id),
            |l| format!("Jane store {}", l.name),
        );
        Ok(ConnectionReport {
            identity,
            locations,
            permissions: Vec::new(),
        })
    }

    async fn locations(&self) -> ProviderResult<Vec<ExternalLocation>> {
        let url = self.url(&STORE, &guesses::store_path(&self.settings.store_id))?;
        let StoreResponse { data } = self
            .send_json(&STORE, |client| client.get(url.clone()))
            .await?;
        Ok(vec![mapping::location(data.store)])
    }

    async fn catalog(
        &self,
        since: Option<DateTime<Utc>>,
    ) -> ProviderResult<Batch<ExternalProduct>> {
        let (menu, mut rejected, endpoint) = self.menu().await?;
        let items = catalog(&menu, &self.settings, endpoint, &mut rejected);
        let high_water_mark = items.iter().filter_map(|p| p.modified_at).max();
        let items = items
            .into_iter()
            .filter(|p| match (since, p.modified_at) {
                (Some(since), Some(modified)) => modified >= since,
                _ => true,
            })
            .collect();
        Ok(Batch {
            items,
            rejected,
            high_water_mark,
        })
    }

    async fn stock(&self, _since: Option<DateTime<Utc>>) -> ProviderResult<StockSnapshot> {
        let (menu, mut rejected, endpoint) = self.menu().await?;
        let records = stock(&menu, &self.settings, endpoint, Utc::now(), &mut rejected);
        Ok(StockSnapshot {
            records,
            complete: true,
            rejected,
        })
    }

    /// Jane has no customer listing: a customer arrives with each cart
    /// (`WebhookEvent::OrderStatus::customer`), never as a list.
    async fn customers(
        &self,
        since: Option<DateTime<Utc>>,
    ) -> ProviderResult<Batch<ExternalCustomer>> {
        if !self.settings.customers_from_carts {
            return Err(self.error(
                &CARTS,
                ProviderErrorKind::Unsupported(
                    "Jane has no customer listing; customers arrive on carts (see customers_from_carts)",
                ),
            ));
        }
        let (carts, rejected) = self.carts(since).await?;
        Ok(Batch {
            high_water_mark: newest_update(&carts),
            items: customers(&carts),
            rejected,
        })
    }

    async fn upsert_customer(&self, _customer: &ExternalCustomer) -> ProviderResult<String> {
        Err(self.error(
            &CARTS,
            ProviderErrorKind::Unsupported("Jane has no customer write API"),
        ))
    }

    async fn transactions(
        &self,
        since: Option<DateTime<Utc>>,
    ) -> ProviderResult<Batch<ExternalTransaction>> {
        let (carts, mut rejected) = self.carts(since).await?;
        let items = transactions(&carts, &self.settings, &mut rejected);
        Ok(Batch {
            high_water_mark: newest_update(&carts),
            items,
            rejected,
        })
    }

    async fn submit_order(&self, order: &OrderSubmission) -> ProviderResult<SubmittedOrder> {
        let store_id = &self.settings.store_id;
        if order.external_location_id != *store_id {
            return Err(self.error(
                &ORDER_CREATE,
                ProviderErrorKind::Rejected(format!(
                    "order for location {} but this Jane connection serves store {store_id}",
                    order.external_location_id
                )),
            ));
        }
        let customer = &order.customer;
        let body = CreateOrder {
            external_order_id: order.order_id.to_string(),
            reservation_mode: match order.fulfillment {
                Fulfillment::Pickup => "pickup",
                Fulfillment::Delivery => "delivery",
            }
            .to_owned(),
            customer_name: full_name(&customer.first_name, &customer.last_name),
            customer_email_address: customer.email.clone(),
            customer_phone_number: customer.phone.clone(),
            user_id: customer.external_id.clone(),
            delivery_address: order.delivery_address.clone(),
            notes: order.notes.clone(),
            products: cart_products(&order.lines),
        };
        let path = guesses::orders_path(store_id);
        let cart = self.cart_call(&ORDER_CREATE, &path, Some(&body)).await?;
        Ok(SubmittedOrder {
            external_id: cart.id.clone(),
            status: mapping::cart_status(&cart),
        })
    }

    async fn order_status(&self, external_id: &str) -> ProviderResult<PosOrderStatus> {
        let path = guesses::order_path(&self.settings.store_id, external_id);
        let cart = self.cart_call::<()>(&ORDER_GET, &path, None).await?;
        Ok(mapping::cart_status(&cart))
    }

    async fn cancel_order(
        &self,
        external_id: &str,
        reason: &str,
    ) -> ProviderResult<PosOrderStatus> {
        let path = guesses::order_cancel_path(&self.settings.store_id, external_id);
        let body = CancelOrder {
            reason: reason.to_owned(),
        };
        let cart = self.cart_call(&ORDER_CANCEL, &path, Some(&body)).await?;
        Ok(mapping::cart_status(&cart))
    }

    async fn submit_return(&self, request: &ReturnRequest) -> ProviderResult<ReturnReceipt> {
        let path = guesses::order_returns_path(&self.settings.store_id, &request.external_order_id);
        let body = CreateReturn {
            products: cart_products(&request.lines),
            reason: request.reason.clone(),
        };
        let refund = self.cart_call(&ORDER_RETURN, &path, Some(&body)).await?;
        let amount = refund.amount.ok_or_else(|| {
            self.error(
                &ORDER_RETURN,
                ProviderErrorKind::Malformed("refund cart without an amount".to_owned()),
            )
        })?;
        Ok(ReturnReceipt {
            refund: mapping::money(amount, &self.settings.currency),
            external_id: refund.pos_order_id.unwrap_or(refund.id),
        })
    }

    fn parse_webhook(&self, headers: &HeaderMap, body: &[u8]) -> ProviderResult<Vec<WebhookEvent>> {
        let connection_id = self.policy.connection_id();
        let secret: &SecretString = self.webhook_secret.as_ref().ok_or_else(|| {
            ProviderError::new(
                connection_id,
                WEBHOOK,
                ProviderErrorKind::Config(
                    "no webhook secret configured for this Jane connection".to_owned(),
                ),
            )
        })?;
        let rejected = |e: webhook::WebhookError| {
            tracing::warn!(vendor = "jane", %connection_id, error = %e, "Jane webhook rejected");
            // authentic but unusable is the sender's bug, not a wrong secret
            let kind = match e {
                webhook::WebhookError::BadBody(reason) => ProviderErrorKind::Malformed(reason),
                other => ProviderErrorKind::WebhookRejected(other.to_string()),
            };
            ProviderError::new(connection_id, WEBHOOK, kind)
        };
        webhook::verify(headers, secret).map_err(rejected)?;
        Ok(vec![webhook::parse(body).map_err(rejected)?])
    }
}
