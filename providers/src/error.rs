//! The one error type of the `providers` crate: every failure names the
//! connection and the endpoint it happened on, and says whether a retry could help.

use std::time::Duration;

use uuid::Uuid;

/// What went wrong talking to a POS.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProviderErrorKind {
    /// The POS rejected the credentials (401).
    #[error("the POS rejected the credentials")]
    Unauthorized,
    /// The credentials lack a permission or role (403).
    #[error("the credentials lack a permission: {0}")]
    Forbidden(String),
    /// The record does not exist at the POS (404).
    #[error("not found at the POS: {0}")]
    NotFound(String),
    /// The POS refused the request as invalid (400, 409, 422).
    #[error("the POS refused the request: {0}")]
    Rejected(String),
    /// The POS throttled us (429), after retries were spent.
    #[error("rate limited by the POS; retry after {retry_after:?}")]
    RateLimited {
        /// The POS's `Retry-After`, when it sent one.
        retry_after: Option<Duration>,
    },
    /// The POS failed (5xx) or could not be reached, after retries were spent.
    #[error("the POS is unavailable: {0}")]
    Unavailable(String),
    /// The call timed out, after retries were spent.
    #[error("the POS did not answer in time")]
    Timeout,
    /// The circuit breaker for this connection is open: no call was made.
    #[error("circuit open after repeated failures; retry after {retry_after:?}")]
    CircuitOpen {
        /// When the breaker lets a trial call through.
        retry_after: Duration,
    },
    /// The POS answered (or sent an authentic webhook) with a body Canopy cannot read
    /// (an HTML page, truncated JSON, wrong types).
    #[error("malformed response: {0}")]
    Malformed(String),
    /// The connection's configuration is unusable (bad URL, missing setting).
    #[error("invalid configuration: {0}")]
    Config(String),
    /// The vendor's API has no such operation.
    #[error("not supported by this POS: {0}")]
    Unsupported(&'static str),
    /// A webhook failed verification (bad or missing secret). An authentic webhook
    /// whose body is unusable is [`ProviderErrorKind::Malformed`].
    #[error("webhook rejected: {0}")]
    WebhookRejected(String),
}

impl ProviderErrorKind {
    /// Whether trying the same call later could succeed.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ProviderErrorKind::RateLimited { .. }
                | ProviderErrorKind::Unavailable(_)
                | ProviderErrorKind::Timeout
                | ProviderErrorKind::CircuitOpen { .. }
        )
    }
}

/// A failed POS call: which connection, which endpoint, and what went wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{kind} (connection {connection_id}, {endpoint})")]
pub struct ProviderError {
    /// The provider connection the call was made for.
    pub connection_id: Uuid,
    /// The endpoint, e.g. `GET /inventory`.
    pub endpoint: String,
    /// What went wrong.
    pub kind: ProviderErrorKind,
}

impl ProviderError {
    /// Builds an error for `endpoint` on `connection_id`.
    pub fn new(connection_id: Uuid, endpoint: impl Into<String>, kind: ProviderErrorKind) -> Self {
        ProviderError {
            connection_id,
            endpoint: endpoint.into(),
            kind,
        }
    }

    /// Whether trying the same call later could succeed.
    pub fn is_transient(&self) -> bool {
        self.kind.is_transient()
    }
}

/// Result of a POS call.
pub type ProviderResult<T> = Result<T, ProviderError>;
