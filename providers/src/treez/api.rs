//! Treez's HTTP surface as the adapter uses it: the endpoints, a freshly signed JWT on
//! every attempt of every call (`super::jwt`), the documented rate limit, the envelope
//! and its failure tokens, and paging by page number. Every call goes through the
//! shared [`HttpPolicy`] (timeouts, bounded retries, the limiter, the breaker).

use std::time::Duration;

use chrono::{DateTime, Utc};
use http::header::AUTHORIZATION;
use http::{HeaderValue, Method};
use secrecy::ExposeSecret;
use serde::de::DeserializeOwned;
use serde_json::Value;
use url::Url;

use super::guesses;
use super::jwt::Signer;
use super::models::{Envelope, FAIL, ProductPage, StockPage, TicketList};
use super::settings::TreezSettings;
use crate::error::{ProviderError, ProviderErrorKind, ProviderResult};
use crate::http::{Endpoint, HttpPolicy, PolicyConfig, RateLimit};
use crate::provider::ConnectionConfig;

/// Treez's one rate-limit bucket.
pub(crate) const BUCKET: &str = "api";
/// Calls allowed per second per dispensary location [doc].
pub(crate) const RATE_LIMIT_CALLS: u32 = 10;
/// The window of [`RATE_LIMIT_CALLS`].
pub(crate) const RATE_LIMIT_WINDOW: Duration = Duration::from_secs(1);
/// A listing longer than this many pages is refused rather than read forever.
const MAX_PAGES: u32 = 100_000;

/// `GET /service/catalog/v3/organization-entity`.
pub(crate) const ENTITIES: Endpoint =
    Endpoint::new("GET /service/catalog/v3/organization-entity", BUCKET);
/// `GET /product/product_list` (and its `lastUpdated/after/{ts}` variant).
pub(crate) const PRODUCTS: Endpoint = Endpoint::new("GET /product/product_list", BUCKET);
/// `GET /stock/getStock`.
pub(crate) const STOCK: Endpoint = Endpoint::new("GET /stock/getStock", BUCKET);
/// `GET /customer/lastUpdated/after/{ts}/page/{page}/pagesize/{pagesize}`.
pub(crate) const CUSTOMERS: Endpoint = Endpoint::new("GET /customer/lastUpdated/after", BUCKET);
/// `GET /customer/{id}`, `/customer/email/{email}`, `/customer/phone/{phone}`.
pub(crate) const CUSTOMER: Endpoint = Endpoint::new("GET /customer/{key}", BUCKET);
/// `POST /customer/detailcustomer`.
pub(crate) const CREATE_CUSTOMER: Endpoint = Endpoint::new("POST /customer/detailcustomer", BUCKET);
/// `PUT /customer/update/{id}` **[guess]**.
pub(crate) const UPDATE_CUSTOMER: Endpoint = Endpoint::new("PUT /customer/update/{id}", BUCKET);
/// `GET /ticket/{ticket_id}`.
pub(crate) const TICKET: Endpoint = Endpoint::new("GET /ticket/{ticket_id}", BUCKET);
/// `GET /ticket/lastUpdated/{date}/page/{page}/pagesize/{pagesize}`.
pub(crate) const TICKETS: Endpoint = Endpoint::new("GET /ticket/lastUpdated", BUCKET);
/// `GET /ticket/customer/{customer_id}/page/{page}/pagesize/{pagesize}`.
pub(crate) const CUSTOMER_TICKETS: Endpoint =
    Endpoint::new("GET /ticket/customer/{customer_id}", BUCKET);
/// `POST /ticket/previewticket`.
pub(crate) const PREVIEW_TICKET: Endpoint = Endpoint::new("POST /ticket/previewticket", BUCKET);
/// `POST /ticket/detailticket`.
pub(crate) const CREATE_TICKET: Endpoint = Endpoint::new("POST /ticket/detailticket", BUCKET);
/// `PUT /ticket/update/{ticket_id}`.
pub(crate) const UPDATE_TICKET: Endpoint = Endpoint::new("PUT /ticket/update/{ticket_id}", BUCKET);

/// Treez's documented rate limits (client and simulator both enforce them).
pub fn rate_limits() -> Vec<RateLimit> {
    vec![RateLimit::new(BUCKET, RATE_LIMIT_CALLS, RATE_LIMIT_WINDOW)]
}

/// A time as Treez takes it in paths and queries: `yyyy-MM-ddTHH:mm:ss.SSSXXX` [doc].
pub(crate) fn timestamp(at: DateTime<Utc>) -> String {
    super::wire_time::format(&at)
}

/// The policy defaults for Treez: its documented limit, then the connection's overrides.
fn policy_config(
    config: &ConnectionConfig,
    settings: &TreezSettings,
) -> Result<PolicyConfig, String> {
    let mut policy = PolicyConfig {
        limits: rate_limits(),
        ..PolicyConfig::default()
    };
    if let Some(ms) = settings.common.connect_timeout_ms {
        policy.connect_timeout = Duration::from_millis(ms);
    }
    if let Some(ms) = settings.common.request_timeout_ms {
        policy.request_timeout = Duration::from_millis(ms);
    }
    policy
        .with_settings(&config.settings)
        .map_err(|e| format!("Treez settings: http: {e}"))
}

/// The error a failure envelope stands for: a missing record's token is `NotFound`,
/// every other token (`TICKET_FORMAT_ERROR`, `INVALID_TICKET_STATUS`,
/// `INVALID_DATE_FORMAT`, `RESPONSE_LIMIT_EXCEEDS`, …) `Rejected`; `None` for a success.
pub(crate) fn failure(body: &Value) -> Option<ProviderErrorKind> {
    if body.get("resultCode").and_then(Value::as_str) != Some(FAIL) {
        return None;
    }
    let text = |field: &str| body.get(field).and_then(Value::as_str).unwrap_or_default();
    let reason = text("resultReason");
    Some(match reason {
        "CUSTOMER_DOESNT_EXIST" | "TICKET_NOT_FOUND" | "PRODUCT_NOT_FOUND" => {
            ProviderErrorKind::NotFound(reason.to_owned())
        }
        _ => ProviderErrorKind::Rejected(format!("{reason}: {}", text("resultDetail"))),
    })
}

/// The records of one list page, by the kind of list.
pub(crate) mod records {
    use super::*;

    /// `data.product_list`.
    pub(crate) fn products(body: Value) -> Option<Vec<Value>> {
        Some(
            serde_json::from_value::<Envelope<ProductPage>>(body)
                .ok()?
                .data?
                .product_list,
        )
    }

    /// `data.stock`.
    pub(crate) fn stock(body: Value) -> Option<Vec<Value>> {
        Some(
            serde_json::from_value::<Envelope<StockPage>>(body)
                .ok()?
                .data?
                .stock,
        )
    }

    /// `data` (a list of customers).
    pub(crate) fn customers(body: Value) -> Option<Vec<Value>> {
        serde_json::from_value::<Envelope<Vec<Value>>>(body)
            .ok()?
            .data
            .or(Some(Vec::new()))
    }

    /// `ticketList`.
    pub(crate) fn tickets(body: Value) -> Option<Vec<Value>> {
        Some(serde_json::from_value::<TicketList>(body).ok()?.ticket_list)
    }
}

/// One connection's view of the Treez API.
#[derive(Debug)]
pub(crate) struct TreezApi {
    policy: HttpPolicy,
    base_url: Url,
    signer: Signer,
    page_size: u32,
}

impl TreezApi {
    /// Checks the base URL and key, and builds the connection's policy.
    pub(crate) fn new(config: &ConnectionConfig, settings: &TreezSettings) -> ProviderResult<Self> {
        let config_error = |msg: String| {
            ProviderError::new(
                config.connection_id,
                "configure",
                ProviderErrorKind::Config(msg),
            )
        };
        if config.base_url.cannot_be_a_base()
            || !matches!(config.base_url.scheme(), "http" | "https")
        {
            return Err(config_error(format!(
                "base URL {} is not an http(s) URL",
                config.base_url
            )));
        }
        let signer = Signer::new(
            config.api_key.expose_secret(),
            &settings.certificate_id,
            &settings.organization_id,
        )
        .map_err(config_error)?;
        let policy = HttpPolicy::new(
            config.connection_id,
            policy_config(config, settings).map_err(config_error)?,
        )?;
        Ok(TreezApi {
            policy,
            base_url: config.base_url.clone(),
            signer,
            page_size: settings.page_size,
        })
    }

    /// An error for `endpoint` on this connection.
    pub(crate) fn error(&self, endpoint: &Endpoint, kind: ProviderErrorKind) -> ProviderError {
        self.policy.error(endpoint, kind)
    }

    /// An error of an operation that is no call (a webhook, an unsupported operation).
    pub(crate) fn refusal(&self, operation: &str, kind: ProviderErrorKind) -> ProviderError {
        ProviderError::new(self.policy.connection_id(), operation, kind)
    }

    /// An `Unsupported` error for an operation Treez does not offer.
    pub(crate) fn unsupported(&self, operation: &str, why: &'static str) -> ProviderError {
        self.refusal(operation, ProviderErrorKind::Unsupported(why))
    }

    /// The page size lists are read with.
    pub(crate) fn page_size(&self) -> u32 {
        self.page_size
    }

    fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.base_url.clone();
        // `new` checked the base can take path segments.
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }

    /// `{base}/dispensary/v3/{dispensary}/{segments…}`.
    pub(crate) fn dispensary_url(&self, dispensary: &str, segments: &[&str]) -> Url {
        let mut all = vec!["dispensary", "v3", dispensary];
        all.extend_from_slice(segments);
        self.url(&all)
    }

    /// `{base}/service/catalog/v3/organization-entity`.
    pub(crate) fn entities_url(&self) -> Url {
        self.url(&["service", "catalog", "v3", "organization-entity"])
    }

    /// Sends a request with a token signed for its exact URL (again on every attempt,
    /// the token living 30 s) and reads the JSON answer; a failure envelope is an error.
    pub(crate) async fn send(
        &self,
        endpoint: &Endpoint,
        method: Method,
        url: Url,
        body: Option<&Value>,
    ) -> ProviderResult<Value> {
        let response = self
            .policy
            .send(endpoint, |client| {
                // `new` proved the key signs; were it to fail now, the empty token is
                // refused by Treez as any bad token is.
                let token = self.signer.sign(url.as_str()).unwrap_or_default();
                let mut bearer = HeaderValue::from_str(&format!("Bearer {token}"))
                    .unwrap_or_else(|_| HeaderValue::from_static("Bearer"));
                bearer.set_sensitive(true);
                let request = client
                    .request(method.clone(), url.clone())
                    .header(AUTHORIZATION, bearer);
                match body {
                    Some(body) => request.json(body),
                    None => request,
                }
            })
            .await?;
        let value: Value = self.policy.decode(endpoint, &response)?;
        match failure(&value) {
            Some(kind) => Err(self.error(endpoint, kind)),
            None => Ok(value),
        }
    }

    /// A call answering an envelope, read as its `data`.
    pub(crate) async fn data<T: DeserializeOwned>(
        &self,
        endpoint: &Endpoint,
        method: Method,
        url: Url,
        body: Option<&Value>,
    ) -> ProviderResult<T> {
        let value = self.send(endpoint, method, url, body).await?;
        serde_json::from_value::<Envelope<T>>(value)
            .map_err(|e| e.to_string())
            .and_then(|envelope| envelope.data.ok_or_else(|| "no data".to_owned()))
            .map_err(|e| self.error(endpoint, ProviderErrorKind::Malformed(e)))
    }

    /// Reads every page of a list, numbered from the first (see `guesses`), until a
    /// page comes back short, handing each page's records to `push`.
    pub(crate) async fn pages(
        &self,
        endpoint: &Endpoint,
        url_of: impl Fn(u32) -> Url,
        records_of: fn(Value) -> Option<Vec<Value>>,
        mut push: impl FnMut(Vec<Value>),
    ) -> ProviderResult<()> {
        let mut page = guesses::FIRST_PAGE;
        loop {
            let body = self.send(endpoint, Method::GET, url_of(page), None).await?;
            let records = records_of(body).ok_or_else(|| {
                self.error(
                    endpoint,
                    ProviderErrorKind::Malformed("not a list page".to_owned()),
                )
            })?;
            let read = records.len();
            push(records);
            if read < self.page_size as usize {
                return Ok(());
            }
            page += 1;
            if page >= guesses::FIRST_PAGE + MAX_PAGES {
                return Err(self.error(
                    endpoint,
                    ProviderErrorKind::Malformed(format!("more than {MAX_PAGES} pages")),
                ));
            }
        }
    }
}

/// The `after` time of a full read: every record changed since the epoch.
pub(crate) fn since_or_epoch(since: Option<DateTime<Utc>>) -> String {
    timestamp(since.unwrap_or(DateTime::<Utc>::UNIX_EPOCH))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn failure_tokens_map_to_error_kinds() {
        assert_eq!(failure(&json!({"resultCode": "SUCCESS", "data": {}})), None);
        assert_eq!(
            failure(&json!({"resultCode": "FAIL", "resultReason": "TICKET_NOT_FOUND"})),
            Some(ProviderErrorKind::NotFound("TICKET_NOT_FOUND".to_owned()))
        );
        assert!(matches!(
            failure(&json!({"resultCode": "FAIL", "resultReason": "RESPONSE_LIMIT_EXCEEDS",
                "resultDetail": "page too large"})),
            Some(ProviderErrorKind::Rejected(m)) if m.starts_with("RESPONSE_LIMIT_EXCEEDS")
        ));
    }

    #[test]
    fn timestamps_carry_milliseconds_and_an_offset() {
        let at = DateTime::parse_from_rfc3339("2026-07-14T17:55:58Z")
            .unwrap_or_default()
            .with_timezone(&Utc);
        assert_eq!(timestamp(at), "2026-07-14T17:55:58.000+00:00");
    }
}
