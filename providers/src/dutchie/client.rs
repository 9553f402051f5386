//! [`DutchieProvider`]: the [`PosProvider`] for Dutchie POS, over the shared
//! [`HttpPolicy`]. One provider per location key.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use http::HeaderMap;
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::sync::OnceCell;
use url::Url;
use uuid::Uuid;

use super::decode::ListDecoder;
use super::endpoints::{self as ep, path};
use super::models::{
    CancelPreorderRequest, Customer, CustomerSearchRequest, CustomerSearchResult, LocationIdentity,
    PreOrderStatus,
};
use super::settings::{DutchieAuthMode, DutchieSettings};
use super::{customer_match, mapping, wire_time};
use crate::error::{ProviderError, ProviderErrorKind, ProviderResult};
use crate::http::{Endpoint, HttpPolicy, HttpResponse};
use crate::model::{
    Batch, Capabilities, ConnectionReport, ExternalCustomer, ExternalLocation, ExternalProduct,
    ExternalTransaction, OrderSubmission, PosKind, PosOrderStatus, ReturnReceipt, ReturnRequest,
    StockSnapshot, SubmittedOrder, WebhookEvent,
};
use crate::provider::{ConnectionConfig, PosProvider};

/// The header that scopes Dutchie idempotency keys to an integration.
const CONSUMER_KEY: &str = "ConsumerKey";

/// Lower bound of a full transaction pull: Dutchie's filters are mutually
/// exclusive and a full pull still names one, `FromLastModifiedDateUTC`.
const HISTORY_START: &str = "2000-01-01T00:00:00Z";

/// Talks to one Dutchie location.
#[derive(Debug)]
pub struct DutchieProvider {
    connection_id: Uuid,
    base_url: Url,
    user: SecretString,
    password: Option<SecretString>,
    consumer_key: String,
    settings: DutchieSettings,
    http: HttpPolicy,
    location_id: OnceCell<String>,
}

impl DutchieProvider {
    /// Builds the adapter for a connection. Fails on unusable settings, a
    /// base URL that cannot take paths, or integrator mode without an integrator key.
    pub fn new(config: ConnectionConfig) -> ProviderResult<Self> {
        let config_error = |msg: String| {
            ProviderError::new(
                config.connection_id,
                "configuration",
                ProviderErrorKind::Config(msg),
            )
        };
        let settings = DutchieSettings::from_json(&config.settings)
            .map_err(|e| config_error(format!("Dutchie settings: {e}")))?;
        if config.base_url.cannot_be_a_base() {
            return Err(config_error(format!(
                "{} cannot be a base URL",
                config.base_url
            )));
        }
        let password = match settings.auth_mode {
            DutchieAuthMode::LocationKey => None,
            DutchieAuthMode::IntegratorKey => Some(config.api_secret.clone().ok_or_else(|| {
                config_error("integrator_key mode needs the integrator key as api_secret".into())
            })?),
        };
        let policy = ep::policy_config(&settings, &config.settings)
            .map_err(|e| config_error(format!("http settings: {e}")))?;
        let http = HttpPolicy::new(config.connection_id, policy)?;
        Ok(DutchieProvider {
            connection_id: config.connection_id,
            consumer_key: settings
                .consumer_key
                .unwrap_or(config.connection_id)
                .to_string(),
            base_url: config.base_url,
            user: config.api_key,
            password,
            settings,
            http,
            location_id: OnceCell::new(),
        })
    }

    fn error(&self, endpoint: &Endpoint, kind: ProviderErrorKind) -> ProviderError {
        ProviderError::new(self.connection_id, endpoint.name, kind)
    }

    fn malformed(&self, endpoint: &Endpoint, what: &str) -> ProviderError {
        self.error(endpoint, ProviderErrorKind::Malformed(what.to_owned()))
    }

    fn url(&self, endpoint: &Endpoint) -> Url {
        let mut url = self.base_url.clone();
        if let Ok(mut segments) = url.path_segments_mut() {
            segments
                .pop_if_empty()
                .extend(path(endpoint).trim_start_matches('/').split('/'));
        }
        url
    }

    /// A request with Dutchie's Basic credentials.
    fn request(
        &self,
        client: &reqwest::Client,
        method: reqwest::Method,
        endpoint: &Endpoint,
    ) -> reqwest::RequestBuilder {
        client.request(method, self.url(endpoint)).basic_auth(
            self.user.expose_secret(),
            self.password.as_ref().map(|p| p.expose_secret()),
        )
    }

    async fn get(
        &self,
        endpoint: &Endpoint,
        query: &[(&str, String)],
    ) -> ProviderResult<HttpResponse> {
        self.http
            .send(endpoint, |c| {
                self.request(c, reqwest::Method::GET, endpoint).query(query)
            })
            .await
    }

    async fn get_json<T: DeserializeOwned>(
        &self,
        endpoint: &Endpoint,
        query: &[(&str, String)],
    ) -> ProviderResult<T> {
        let response = self.get(endpoint, query).await?;
        self.http.decode(endpoint, &response)
    }

    /// POSTs a JSON body with the `ConsumerKey` header.
    async fn post_json<B: Serialize + Sync, T: DeserializeOwned>(
        &self,
        endpoint: &Endpoint,
        body: &B,
    ) -> ProviderResult<T> {
        self.http
            .send_json(endpoint, |c| {
                self.request(c, reqwest::Method::POST, endpoint)
                    .header(CONSUMER_KEY, &self.consumer_key)
                    .json(body)
            })
            .await
    }

    async fn whoami(&self) -> ProviderResult<LocationIdentity> {
        let identity: LocationIdentity = self.get_json(&ep::WHOAMI, &[]).await?;
        // First answer wins; a key belongs to one location for life.
        let _ = self.location_id.set(identity.location_id.to_string());
        Ok(identity)
    }

    /// The key's location id, from `/whoami` once per provider.
    async fn location_id(&self) -> ProviderResult<&str> {
        self.location_id
            .get_or_try_init(|| async { Ok(self.whoami().await?.location_id.to_string()) })
            .await
            .map(String::as_str)
    }

    /// Reads a whole-array response into `decoder`.
    async fn pull<W: DeserializeOwned, T>(
        &self,
        endpoint: &Endpoint,
        query: &[(&str, String)],
        decoder: &mut ListDecoder<T>,
        map: impl FnMut(W) -> Result<T, String>,
    ) -> ProviderResult<()> {
        let body: serde_json::Value = self.get_json(endpoint, query).await?;
        decoder
            .page(body, map)
            .map(|_| ())
            .ok_or_else(|| self.malformed(endpoint, "expected a JSON array"))
    }

    /// All customers from `customers-paginated`: page numbers from 0 until an empty page.
    async fn all_customers(
        &self,
        decoder: &mut ListDecoder<ExternalCustomer>,
    ) -> ProviderResult<()> {
        let endpoint = &ep::CUSTOMERS_PAGINATED;
        let size = self.settings.customer_page_size.clamp(1, 10_000);
        for page in 0u32.. {
            let query = [
                ("PageNumber", page.to_string()),
                ("PageSize", size.to_string()),
            ];
            let body: serde_json::Value = self.get_json(endpoint, &query).await?;
            let count = decoder
                .page(body, |c: Customer| mapping::customer(c))
                .ok_or_else(|| self.malformed(endpoint, "expected a JSON array"))?;
            if count.len == 0 {
                break;
            }
            if count.new == 0 {
                return Err(self.malformed(endpoint, &format!("page {page} repeats earlier pages")));
            }
        }
        Ok(())
    }

    /// Finds the POS customer for an order: by medical id, e-mail, phone, then last name + birth date.
    async fn resolve_customer(&self, order: &OrderSubmission) -> ProviderResult<i32> {
        let endpoint = &ep::CUSTOMER_SEARCH;
        let c = &order.customer;
        if let Some(id) = &c.external_id {
            return mapping::parse_id(id, "customer id")
                .map_err(|e| self.error(endpoint, ProviderErrorKind::Rejected(e)));
        }
        let request = CustomerSearchRequest {
            last_name: Some(c.last_name.clone()).filter(|s| !s.is_empty()),
            date_of_birth: c.date_of_birth.map(wire_time::from_date),
            phone: c.phone.clone(),
            email_address: c.email.clone(),
            mmjid_number: c.medical_id.clone(),
        };
        let matches: Vec<CustomerSearchResult> = self.post_json(endpoint, &request).await?;
        customer_match::best(&matches).ok_or_else(|| {
            self.error(
                endpoint,
                ProviderErrorKind::Rejected(
                    "no Dutchie customer matches the order's customer".into(),
                ),
            )
        })
    }

    fn pre_order_id(&self, endpoint: &Endpoint, external_id: &str) -> ProviderResult<i32> {
        mapping::parse_id(external_id, "pre-order id")
            .map_err(|e| self.error(endpoint, ProviderErrorKind::NotFound(e)))
    }
}

fn high_water_mark<T>(
    items: &[T],
    modified: impl Fn(&T) -> Option<DateTime<Utc>>,
) -> Option<DateTime<Utc>> {
    items.iter().filter_map(modified).max()
}

#[async_trait]
impl PosProvider for DutchieProvider {
    fn kind(&self) -> PosKind {
        PosKind::Dutchie
    }

    fn capabilities(&self) -> Capabilities {
        super::KIND.capabilities
    }

    async fn test_connection(&self) -> ProviderResult<ConnectionReport> {
        let identity = self.whoami().await?;
        let location = mapping::location(&identity, &self.settings);
        Ok(ConnectionReport {
            identity: match &identity.lsp_name {
                Some(lsp) => format!("{lsp} / {}", location.name),
                None => location.name.clone(),
            },
            locations: vec![location],
            // `/whoami` does not list the key's roles; a missing one shows as 403 later.
            permissions: Vec::new(),
        })
    }

    async fn locations(&self) -> ProviderResult<Vec<ExternalLocation>> {
        let identity = self.whoami().await?;
        Ok(vec![mapping::location(&identity, &self.settings)])
    }

    async fn catalog(
        &self,
        since: Option<DateTime<Utc>>,
    ) -> ProviderResult<Batch<ExternalProduct>> {
        let query: Vec<_> = since
            .map(|t| ("fromLastModifiedDateUTC", wire_time::format(&t)))
            .into_iter()
            .collect();
        let mut decoder = ListDecoder::products();
        let currency = &self.settings.currency;
        self.pull(&ep::PRODUCTS, &query, &mut decoder, |p| {
            mapping::product(p, currency)
        })
        .await?;
        Ok(Batch {
            high_water_mark: high_water_mark(&decoder.items, |p| p.modified_at),
            items: decoder.items,
            rejected: decoder.rejected,
        })
    }

    /// Dutchie has no changed-since for stock: always a full snapshot, which
    /// lists only packages with stock (`complete`: absent means zero).
    async fn stock(&self, _since: Option<DateTime<Utc>>) -> ProviderResult<StockSnapshot> {
        let location_id = self.location_id().await?.to_owned();
        let read_at = Utc::now();
        let mut decoder = ListDecoder::inventory();
        let rooms = self.settings.sellable_rooms.as_deref();
        // The per-room breakdown only when some rooms alone are sellable.
        let query: Vec<_> = rooms
            .map(|_| ("includeRoomQuantities", "true".to_owned()))
            .into_iter()
            .collect();
        self.pull(&ep::INVENTORY, &query, &mut decoder, |item| {
            mapping::stock_item(&item, &location_id, read_at, rooms)
        })
        .await?;
        Ok(StockSnapshot {
            records: mapping::stock_per_product(decoder.items),
            complete: true,
            rejected: decoder.rejected,
        })
    }

    async fn customers(
        &self,
        since: Option<DateTime<Utc>>,
    ) -> ProviderResult<Batch<ExternalCustomer>> {
        let mut decoder;
        match since {
            Some(t) => {
                decoder = ListDecoder::customers(&ep::CUSTOMERS);
                let query = [("fromLastModifiedDateUTC", wire_time::format(&t))];
                self.pull(&ep::CUSTOMERS, &query, &mut decoder, mapping::customer)
                    .await?;
            }
            None => {
                decoder = ListDecoder::customers(&ep::CUSTOMERS_PAGINATED);
                self.all_customers(&mut decoder).await?;
            }
        }
        Ok(Batch {
            high_water_mark: high_water_mark(&decoder.items, |c| c.modified_at),
            items: decoder.items,
            rejected: decoder.rejected,
        })
    }

    async fn upsert_customer(&self, customer: &ExternalCustomer) -> ProviderResult<String> {
        let endpoint = &ep::CUSTOMER_UPSERT;
        // One key per call, reused by the policy's retries of this call.
        let body = mapping::customer_edit(customer, &self.settings, Uuid::new_v4().to_string())
            .map_err(|e| self.error(endpoint, ProviderErrorKind::Rejected(e)))?;
        let saved: Customer = self.post_json(endpoint, &body).await?;
        Ok(saved.customer_id.to_string())
    }

    async fn transactions(
        &self,
        since: Option<DateTime<Utc>>,
    ) -> ProviderResult<Batch<ExternalTransaction>> {
        let location_id = self.location_id().await?.to_owned();
        // FromLastModifiedDateUTC only: TransactionId, FromDateUTC/ToDateUTC and
        // the last-modified range are mutually exclusive (more than one is a 400).
        let from = since.map_or_else(|| HISTORY_START.to_owned(), |t| wire_time::format(&t));
        let query = [
            ("FromLastModifiedDateUTC", from),
            ("IncludeDetail", "true".to_owned()),
            ("IncludeOrderIds", "true".to_owned()),
        ];
        let mut decoder = ListDecoder::transactions();
        let currency = &self.settings.currency;
        self.pull(&ep::TRANSACTIONS, &query, &mut decoder, |t| {
            mapping::transaction(t, &location_id, currency)
        })
        .await?;
        Ok(Batch {
            high_water_mark: high_water_mark(&decoder.items, |t| t.modified_at),
            items: decoder.items,
            rejected: decoder.rejected,
        })
    }

    async fn submit_order(&self, order: &OrderSubmission) -> ProviderResult<SubmittedOrder> {
        let endpoint = &ep::PREORDER_SUBMIT;
        let customer_id = self.resolve_customer(order).await?;
        let body = mapping::pre_order(order, customer_id, &self.settings)
            .map_err(|e| self.error(endpoint, ProviderErrorKind::Rejected(e)))?;
        let pre_order_id: i32 = self.post_json(endpoint, &body).await?;
        let status = self.order_status(&pre_order_id.to_string()).await?;
        Ok(SubmittedOrder {
            external_id: status.external_id.clone(),
            status,
        })
    }

    async fn order_status(&self, external_id: &str) -> ProviderResult<PosOrderStatus> {
        let endpoint = &ep::PREORDER_STATUS;
        let id = self.pre_order_id(endpoint, external_id)?;
        let query = [
            ("PreOrderId", id.to_string()),
            ("includeLineItems", "false".to_owned()),
        ];
        let status: PreOrderStatus = self.get_json(endpoint, &query).await?;
        if status.pre_order_id != id {
            return Err(self.malformed(endpoint, "status answered for a different pre-order"));
        }
        Ok(mapping::order_status(status))
    }

    async fn cancel_order(
        &self,
        external_id: &str,
        reason: &str,
    ) -> ProviderResult<PosOrderStatus> {
        let endpoint = &ep::PREORDER_CANCEL;
        let id = self.pre_order_id(endpoint, external_id)?;
        let body = CancelPreorderRequest {
            order_id: id,
            cancellation_reason: Some(reason.to_owned()),
        };
        let _cancelled: i32 = self.post_json(endpoint, &body).await?;
        self.order_status(external_id).await
    }

    async fn submit_return(&self, _request: &ReturnRequest) -> ProviderResult<ReturnReceipt> {
        Err(ProviderError::new(
            self.connection_id,
            "submit_return",
            ProviderErrorKind::Unsupported(
                "Dutchie's API has no return submission; returns are rung up at the register",
            ),
        ))
    }

    fn parse_webhook(
        &self,
        _headers: &HeaderMap,
        _body: &[u8],
    ) -> ProviderResult<Vec<WebhookEvent>> {
        Err(ProviderError::new(
            self.connection_id,
            "webhook",
            ProviderErrorKind::Unsupported("Dutchie sends no webhooks; Canopy polls"),
        ))
    }
}
