//! [`HttpPolicy`]: how every adapter calls its vendor. One per adapter, it
//! owns the `reqwest` client (connect and request timeouts), the circuit
//! breaker and the retry schedule (exponential backoff with full jitter;
//! `Retry-After` honoured up to a bound), and draws on the per-bucket limiters
//! every policy of its connection in the process shares.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use rand::Rng;
use serde::de::DeserializeOwned;
use tokio::time::Instant;
use tracing::{Instrument, field};
use uuid::Uuid;

use super::breaker::Breaker;
use super::classify;
use super::config::{Endpoint, PolicyConfig};
use super::limiter::Limiters;
use super::shared_limits;
use crate::error::{ProviderError, ProviderErrorKind, ProviderResult};

/// The least wait after a 429 that says nothing of when to come back: one second, the
/// shortest window a vendor's documented limit counts in. Retrying sooner only spends
/// the retries inside the same window.
const UNSTATED_RATE_WINDOW: Duration = Duration::from_secs(1);

/// A successful (2xx) response, body read in full.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    /// The status.
    pub status: StatusCode,
    /// The headers (paging and rate-limit headers live here).
    pub headers: HeaderMap,
    /// The whole body.
    pub body: Bytes,
}

/// The HTTP policy of one provider connection.
#[derive(Debug)]
pub struct HttpPolicy {
    connection_id: Uuid,
    config: PolicyConfig,
    client: reqwest::Client,
    /// Shared with every other policy of the connection in this process.
    limiters: Arc<Limiters>,
    breaker: Breaker,
}

impl HttpPolicy {
    /// A policy for `connection_id`; fails only if the HTTP client cannot be built.
    pub fn new(connection_id: Uuid, config: PolicyConfig) -> ProviderResult<Self> {
        let client = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .user_agent(concat!("canopy/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| {
                ProviderError::new(connection_id, "http client", classify::transport_error(&e))
            })?;
        Ok(HttpPolicy {
            connection_id,
            limiters: shared_limits::for_connection(
                connection_id,
                &config.limits,
                config.low_remaining,
            ),
            breaker: Breaker::new(config.breaker_failure_threshold, config.breaker_open_for),
            client,
            config,
        })
    }

    /// The connection this policy serves.
    pub fn connection_id(&self) -> Uuid {
        self.connection_id
    }

    /// The configuration in force.
    pub fn config(&self) -> &PolicyConfig {
        &self.config
    }

    /// The underlying client, for requests that must bypass the policy.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// Whether the circuit breaker currently refuses calls.
    pub fn breaker_open(&self) -> bool {
        self.breaker.is_open()
    }

    /// An error for `endpoint` on this connection.
    pub fn error(&self, endpoint: &Endpoint, kind: ProviderErrorKind) -> ProviderError {
        ProviderError::new(self.connection_id, endpoint.name, kind)
    }

    /// Sends a request built by `build` (called once per attempt) through the
    /// breaker, the bucket's limiter and bounded retries, and reads the whole
    /// body. Retries 5xx, 408, timeouts, connection failures and bodies cut
    /// short with backoff; 429 waits `Retry-After` when it is at most
    /// [`PolicyConfig::max_retry_after`]. Non-2xx answers map to
    /// 401 `Unauthorized`, 403 `Forbidden`, 404 `NotFound`, other 4xx `Rejected`.
    pub async fn send<F>(&self, endpoint: &Endpoint, build: F) -> ProviderResult<HttpResponse>
    where
        F: Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    {
        let span = tracing::info_span!(
            "pos_call",
            connection_id = %self.connection_id,
            endpoint = endpoint.name,
            attempts = field::Empty,
            status = field::Empty,
            duration_ms = field::Empty,
            outcome = field::Empty,
        );
        let started = Instant::now();
        let attempts = AtomicU32::new(0);
        let result = self
            .send_guarded(endpoint, &build, &attempts)
            .instrument(span.clone())
            .await;
        span.record("attempts", attempts.load(Ordering::Relaxed));
        span.record("duration_ms", started.elapsed().as_millis() as u64);
        match &result {
            Ok(response) => {
                span.record("status", response.status.as_u16());
                span.record("outcome", "ok");
            }
            Err(kind) => {
                span.record("outcome", classify::outcome(kind));
                // Transient failures are the operator's concern; answers such as 404 are the caller's.
                span.in_scope(|| {
                    if kind.is_transient() || *kind == ProviderErrorKind::Unauthorized {
                        tracing::warn!(error = %kind, "POS call failed");
                    } else {
                        tracing::info!(error = %kind, "POS call refused");
                    }
                });
            }
        }
        result.map_err(|kind| self.error(endpoint, kind))
    }

    /// [`HttpPolicy::send`], then decodes the body as JSON; a body that is not
    /// the expected JSON (an HTML page, truncated JSON, wrong types) is `Malformed`.
    pub async fn send_json<T, F>(&self, endpoint: &Endpoint, build: F) -> ProviderResult<T>
    where
        T: DeserializeOwned,
        F: Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    {
        let response = self.send(endpoint, build).await?;
        self.decode(endpoint, &response)
    }

    /// Decodes a response body as JSON; failures are `Malformed` for `endpoint`.
    pub fn decode<T: DeserializeOwned>(
        &self,
        endpoint: &Endpoint,
        response: &HttpResponse,
    ) -> ProviderResult<T> {
        serde_json::from_slice(&response.body).map_err(|e| {
            let content_type = response
                .headers
                .get(http::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("no content type");
            self.error(
                endpoint,
                ProviderErrorKind::Malformed(format!(
                    "{e} ({content_type}, {} bytes)",
                    response.body.len()
                )),
            )
        })
    }

    async fn send_guarded<F>(
        &self,
        endpoint: &Endpoint,
        build: &F,
        attempts: &AtomicU32,
    ) -> Result<HttpResponse, ProviderErrorKind>
    where
        F: Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    {
        let permit = self
            .breaker
            .acquire()
            .map_err(|retry_after| ProviderErrorKind::CircuitOpen { retry_after })?;
        let backoff = ExponentialBuilder::default()
            .with_min_delay(self.config.base_backoff)
            .with_max_delay(self.config.max_backoff)
            .with_factor(2.0)
            .with_max_times(self.config.max_retries as usize);
        let result = (|| {
            attempts.fetch_add(1, Ordering::Relaxed);
            self.attempt(endpoint, build)
        })
        .retry(backoff)
        .when(classify::is_retryable)
        .adjust(|kind, delay| self.next_delay(kind, delay))
        .notify(|kind, delay| {
            tracing::debug!(error = %kind, delay_ms = delay.as_millis() as u64, "retrying POS call");
        })
        .await;
        self.breaker.record(
            permit,
            result
                .as_ref()
                .err()
                .is_some_and(classify::is_breaker_failure),
        );
        result
    }

    /// The wait before the next attempt: the server's `Retry-After` for a 429
    /// (giving up when it exceeds the bound), at least [`UNSTATED_RATE_WINDOW`] for a 429
    /// without one, else the backoff fully jittered. `None` ends the retries.
    fn next_delay(&self, kind: &ProviderErrorKind, backoff: Option<Duration>) -> Option<Duration> {
        let backoff = backoff?;
        let jittered = backoff.mul_f64(rand::rng().random_range(0.0..=1.0));
        match kind {
            ProviderErrorKind::RateLimited {
                retry_after: Some(wait),
            } => (*wait <= self.config.max_retry_after).then_some(*wait),
            ProviderErrorKind::RateLimited { retry_after: None } => {
                Some(jittered.max(UNSTATED_RATE_WINDOW))
            }
            _ => Some(jittered),
        }
    }

    async fn attempt<F>(
        &self,
        endpoint: &Endpoint,
        build: &F,
    ) -> Result<HttpResponse, ProviderErrorKind>
    where
        F: Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    {
        self.limiters.acquire(endpoint.bucket).await;
        let response = build(&self.client)
            .send()
            .await
            .map_err(|e| classify::transport_error(&e))?;
        let status = response.status();
        let headers = response.headers().clone();
        if let Some(remaining) = classify::rate_limit_remaining(&headers) {
            self.limiters.observe_remaining(endpoint.bucket, remaining);
        }
        let body = response
            .bytes()
            .await
            .map_err(|e| classify::transport_error(&e))?;
        match classify::status_error(status, &headers, &body) {
            Some(kind) => Err(kind),
            None => Ok(HttpResponse {
                status,
                headers,
                body,
            }),
        }
    }
}
