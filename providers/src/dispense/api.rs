//! Dispense's HTTP surface as the adapter uses it: the endpoints, the key
//! header, the documented rate limit, and `skip`/`limit` paging driven by
//! the envelope's `count`. Every call goes through the shared [`HttpPolicy`].

use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use http::HeaderValue;
use secrecy::ExposeSecret;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use url::Url;

use super::guesses;
use super::models::ListEnvelope;
use super::settings::DispenseSettings;
use crate::error::{ProviderError, ProviderErrorKind, ProviderResult};
use crate::http::{Endpoint, HttpPolicy, PolicyConfig, RateLimit};
use crate::listing::RecordDecoder;
use crate::provider::ConnectionConfig;

/// Dispense's one rate-limit bucket.
pub(crate) const BUCKET: &str = "api";
/// Calls allowed per [`RATE_LIMIT_WINDOW`] per key (documented).
pub(crate) const RATE_LIMIT_CALLS: u32 = 500;
/// The window of [`RATE_LIMIT_CALLS`] (documented: 5 minutes).
pub(crate) const RATE_LIMIT_WINDOW: Duration = Duration::from_secs(300);

/// `GET /venues/{id}`.
pub(crate) const VENUE: Endpoint = Endpoint::new("GET /venues/{id}", BUCKET);
/// `GET /products`.
pub(crate) const PRODUCTS: Endpoint = Endpoint::new("GET /products", BUCKET);
/// `GET /orders`.
pub(crate) const ORDERS: Endpoint = Endpoint::new("GET /orders", BUCKET);
/// `GET /orders/{id}` **[guess]**.
pub(crate) const ORDER: Endpoint = Endpoint::new("GET /orders/{id}", BUCKET);
/// `POST /carts`.
pub(crate) const CREATE_CART: Endpoint = Endpoint::new("POST /carts", BUCKET);
/// `POST /orders` **[guess]**.
pub(crate) const CREATE_ORDER: Endpoint = Endpoint::new("POST /orders", BUCKET);
/// `POST /orders/{id}/cancel` **[guess]**.
pub(crate) const CANCEL_ORDER: Endpoint = Endpoint::new("POST /orders/{id}/cancel", BUCKET);

/// Dispense's documented rate limits (client and simulator both enforce them).
pub fn rate_limits() -> Vec<RateLimit> {
    vec![RateLimit::new(BUCKET, RATE_LIMIT_CALLS, RATE_LIMIT_WINDOW)]
}

/// The policy defaults for Dispense: its documented limit, then the connection's overrides.
pub(crate) fn policy_config(
    config: &ConnectionConfig,
    settings: &DispenseSettings,
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
        .map_err(|e| format!("Dispense settings: http: {e}"))
}

/// The `modifiedStart` value for a high-water mark.
pub(crate) fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// One connection's view of the Dispense API.
#[derive(Debug)]
pub(crate) struct DispenseApi {
    policy: HttpPolicy,
    base_url: Url,
    key_header: &'static str,
    key: HeaderValue,
    page_size: u32,
}

impl DispenseApi {
    /// Checks the base URL and key, and builds the connection's policy.
    pub(crate) fn new(
        config: &ConnectionConfig,
        settings: &DispenseSettings,
    ) -> ProviderResult<Self> {
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
        let mut key = HeaderValue::from_str(config.api_key.expose_secret())
            .map_err(|_| config_error("the API key is not a valid header value".to_owned()))?;
        key.set_sensitive(true);
        let policy = HttpPolicy::new(
            config.connection_id,
            policy_config(config, settings).map_err(config_error)?,
        )?;
        Ok(DispenseApi {
            policy,
            base_url: config.base_url.clone(),
            key_header: settings.api_mode.key_header(),
            key,
            page_size: settings.page_size,
        })
    }

    /// An error for `endpoint` on this connection.
    pub(crate) fn error(&self, endpoint: &Endpoint, kind: ProviderErrorKind) -> ProviderError {
        self.policy.error(endpoint, kind)
    }

    /// An `Unsupported` error for an operation Dispense does not offer.
    pub(crate) fn unsupported(&self, operation: &str, why: &'static str) -> ProviderError {
        ProviderError::new(
            self.policy.connection_id(),
            operation,
            ProviderErrorKind::Unsupported(why),
        )
    }

    fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.base_url.clone();
        // `new` checked the base can take path segments.
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }

    /// `GET` a JSON document.
    pub(crate) async fn get<T: DeserializeOwned>(
        &self,
        endpoint: &Endpoint,
        segments: &[&str],
        query: &[(&str, String)],
    ) -> ProviderResult<T> {
        let url = self.url(segments);
        self.policy
            .send_json(endpoint, |client| {
                client
                    .get(url.clone())
                    .header(self.key_header, self.key.clone())
                    .query(query)
            })
            .await
    }

    /// `POST` a JSON body, reading a JSON answer.
    pub(crate) async fn post<B: Serialize + Sync, T: DeserializeOwned>(
        &self,
        endpoint: &Endpoint,
        segments: &[&str],
        body: &B,
    ) -> ProviderResult<T> {
        let url = self.url(segments);
        self.policy
            .send_json(endpoint, |client| {
                client
                    .post(url.clone())
                    .header(self.key_header, self.key.clone())
                    .json(body)
            })
            .await
    }

    /// Reads every page of a list (`skip`/`limit`, until `count` records have
    /// been read or a page comes back empty) into `decoder`, record by record.
    pub(crate) async fn list<T: DeserializeOwned>(
        &self,
        endpoint: &Endpoint,
        path: &str,
        query: &[(&str, String)],
        mut decoder: RecordDecoder<T>,
    ) -> ProviderResult<RecordDecoder<T>> {
        let mut skip: u64 = 0;
        loop {
            let mut page_query = query.to_vec();
            page_query.push(("skip", skip.to_string()));
            page_query.push(("limit", self.page_size.to_string()));
            let page: ListEnvelope<Value> = self.get(endpoint, &[path], &page_query).await?;
            let read = page.data.len() as u64;
            decoder.push_page(page.data);
            skip += read;
            if read == 0 || skip >= page.count {
                return Ok(decoder);
            }
        }
    }
}

/// Query parameters of a venue-scoped list, incremental when `since` is given.
pub(crate) fn venue_query(
    venue: &str,
    since: Option<DateTime<Utc>>,
) -> Vec<(&'static str, String)> {
    let mut query = vec![("venueId", venue.to_owned())];
    if let Some(since) = since {
        query.push(("modifiedStart", timestamp(since)));
    }
    query
}

/// The path segments of one order, optionally followed by an action.
pub(crate) fn order_path<'a>(id: &'a str, action: Option<&'a str>) -> Vec<&'a str> {
    let mut path = vec![guesses::ORDER_PATH, id];
    path.extend(action);
    path
}
