//! The one error type of the API and its client-facing codes.
//!
//! Every failure a client can see is an [`ApiError`]. Its `Display` text is what the client
//! reads, so variants that wrap an internal cause show a generic message; the cause itself
//! is logged once, where the error leaves the server ([`ApiError::log`]), never sent.
//! A `COMPLIANCE_LIMIT` error carries a [`Refusal`] ([`refusal`]), which the compliance
//! rules build.

pub mod refusal;
mod unavailable;

use std::time::Duration;

use async_graphql::{ErrorExtensionValues, ErrorExtensions};
use axum::{
    Json,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

pub use self::{
    refusal::{Figures, Refusal},
    unavailable::{DATABASE_RETRY_AFTER, database_unavailable},
};
use crate::{cache::CacheError, events::EventError};

/// Boxed cause of an internal or upstream failure.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The `extensions.code` values of the public contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// No valid credentials.
    Unauthenticated,
    /// Valid credentials, wrong role or owner.
    Forbidden,
    /// The request or one of its inputs is invalid.
    BadUserInput,
    /// The requested object does not exist (or is not visible to the caller).
    NotFound,
    /// Not enough stock to reserve.
    OutOfStock,
    /// A compliance rule refuses the operation.
    ComplianceLimit,
    /// The operation conflicts with the current state.
    Conflict,
    /// A POS or another upstream system cannot be reached.
    UpstreamUnavailable,
    /// Too many requests; retry later.
    RateLimited,
    /// A persisted query's hash is unknown: send the document with it.
    PersistedQueryNotFound,
    /// The server takes no persisted queries: send the document.
    PersistedQueryNotSupported,
    /// In safelist mode, a hash that names no registered document.
    PersistedQueryNotInList,
    /// In safelist mode, a document nobody registered.
    QueryNotInSafelist,
    /// A fault on our side.
    Internal,
}

impl ErrorCode {
    /// The wire name, as in `extensions.code`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::Forbidden => "FORBIDDEN",
            Self::BadUserInput => "BAD_USER_INPUT",
            Self::NotFound => "NOT_FOUND",
            Self::OutOfStock => "OUT_OF_STOCK",
            Self::ComplianceLimit => "COMPLIANCE_LIMIT",
            Self::Conflict => "CONFLICT",
            Self::UpstreamUnavailable => "UPSTREAM_UNAVAILABLE",
            Self::RateLimited => "RATE_LIMITED",
            Self::PersistedQueryNotFound => "PERSISTED_QUERY_NOT_FOUND",
            Self::PersistedQueryNotSupported => "PERSISTED_QUERY_NOT_SUPPORTED",
            Self::PersistedQueryNotInList => "PERSISTED_QUERY_NOT_IN_LIST",
            Self::QueryNotInSafelist => "QUERY_NOT_IN_SAFELIST",
            Self::Internal => "INTERNAL",
        }
    }

    /// The HTTP status used when the error ends a request outside GraphQL execution.
    pub const fn status(self) -> StatusCode {
        match self {
            Self::Unauthenticated => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::BadUserInput
            | Self::PersistedQueryNotSupported
            | Self::PersistedQueryNotInList
            | Self::QueryNotInSafelist => StatusCode::BAD_REQUEST,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::OutOfStock | Self::Conflict => StatusCode::CONFLICT,
            Self::ComplianceLimit => StatusCode::UNPROCESSABLE_ENTITY,
            Self::UpstreamUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            Self::PersistedQueryNotFound => StatusCode::OK,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// Every error a client of the API can receive.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Missing, malformed, expired or forged credentials.
    #[error("{0}")]
    Unauthenticated(String),
    /// The caller may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// Invalid request or input; `field` names the offending input when known.
    #[error("{message}")]
    BadUserInput {
        /// What is wrong, for the client.
        message: String,
        /// The input field at fault, for example `input.lines[0].quantity`.
        field: Option<String>,
    },
    /// No such object.
    #[error("{entity} {id} not found")]
    NotFound {
        /// The kind of object, for example `Product`.
        entity: &'static str,
        /// The id the client asked for.
        id: String,
    },
    /// Not enough available stock.
    #[error("product {product_id} has only {available} available")]
    OutOfStock {
        /// The product that ran out.
        product_id: String,
        /// Units still available.
        available: i64,
    },
    /// A compliance rule refuses the operation: the rule and its figures.
    #[error("{}", .0.message)]
    ComplianceLimit(Box<Refusal>),
    /// The operation conflicts with the current state.
    #[error("{0}")]
    Conflict(String),
    /// An upstream system failed; the cause is logged, not shown.
    #[error("{upstream} is unavailable")]
    UpstreamUnavailable {
        /// The system that failed, for example `Dutchie`.
        upstream: String,
        /// Why, for the logs.
        #[source]
        source: BoxError,
    },
    /// Too many requests.
    #[error("rate limit exceeded, retry in {} s", retry_after.as_secs().max(1))]
    RateLimited {
        /// When the client may try again.
        retry_after: Duration,
    },
    /// A persisted query's hash is not known (Apollo's message, which clients look for).
    #[error("PersistedQueryNotFound")]
    PersistedQueryNotFound,
    /// Persisted queries are off (Apollo's message, which clients look for).
    #[error("PersistedQueryNotSupported")]
    PersistedQueryNotSupported,
    /// In safelist mode, a hash no registered document has.
    #[error("no registered operation has this sha256Hash")]
    PersistedQueryNotInList,
    /// In safelist mode, a document nobody registered.
    #[error("this server runs only registered operations, and this document is not one")]
    QueryNotInSafelist,
    /// A database failure.
    #[error("internal server error")]
    Database(#[from] sea_orm::DbErr),
    /// A cache failure.
    #[error("internal server error")]
    Cache(#[from] CacheError),
    /// An event bus failure.
    #[error("internal server error")]
    Events(#[from] EventError),
    /// Any other fault on our side.
    #[error("internal server error")]
    Internal(#[source] BoxError),
}

impl ApiError {
    /// An invalid request or input, not tied to one field.
    pub fn bad_input(message: impl Into<String>) -> Self {
        Self::BadUserInput {
            message: message.into(),
            field: None,
        }
    }

    /// An invalid input field.
    pub fn bad_field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::BadUserInput {
            message: message.into(),
            field: Some(field.into()),
        }
    }

    /// A fault on our side with its cause (logged, never shown).
    pub fn internal(cause: impl Into<BoxError>) -> Self {
        Self::Internal(cause.into())
    }

    /// The database is known not to answer ([`crate::db::DbCircuit`] is open): what the
    /// pool's acquire would end in, said at once (`UPSTREAM_UNAVAILABLE`, `Retry-After`).
    pub fn database_unreachable() -> Self {
        Self::Database(sea_orm::DbErr::ConnectionAcquire(
            sea_orm::ConnAcquireErr::Timeout,
        ))
    }

    /// The client-facing code. A database that does not answer is an upstream outage,
    /// not a fault of ours.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Unauthenticated(_) => ErrorCode::Unauthenticated,
            Self::Forbidden(_) => ErrorCode::Forbidden,
            Self::BadUserInput { .. } => ErrorCode::BadUserInput,
            Self::NotFound { .. } => ErrorCode::NotFound,
            Self::OutOfStock { .. } => ErrorCode::OutOfStock,
            Self::ComplianceLimit(_) => ErrorCode::ComplianceLimit,
            Self::Conflict(_) => ErrorCode::Conflict,
            Self::UpstreamUnavailable { .. } => ErrorCode::UpstreamUnavailable,
            Self::RateLimited { .. } => ErrorCode::RateLimited,
            Self::PersistedQueryNotFound => ErrorCode::PersistedQueryNotFound,
            Self::PersistedQueryNotSupported => ErrorCode::PersistedQueryNotSupported,
            Self::PersistedQueryNotInList => ErrorCode::PersistedQueryNotInList,
            Self::QueryNotInSafelist => ErrorCode::QueryNotInSafelist,
            Self::Database(error) if database_unavailable(error) => ErrorCode::UpstreamUnavailable,
            Self::Database(_) | Self::Cache(_) | Self::Events(_) | Self::Internal(_) => {
                ErrorCode::Internal
            }
        }
    }

    /// When the client may try again: a rate limit's wait, or a short pause while the
    /// database is unreachable.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::RateLimited { retry_after } => Some(*retry_after),
            Self::Database(error) if database_unavailable(error) => Some(DATABASE_RETRY_AFTER),
            _ => None,
        }
    }

    /// Logs the hidden cause of internal and upstream failures; other errors are the
    /// client's and are not logged above debug level.
    pub fn log(&self) {
        match self {
            Self::UpstreamUnavailable { upstream, source } => {
                tracing::warn!(upstream = %upstream, error = %error_chain(source.as_ref()), "upstream unavailable");
            }
            Self::Database(e) if database_unavailable(e) => {
                tracing::warn!(error = %error_chain(e), "database unavailable");
            }
            Self::Database(e) => tracing::error!(error = %error_chain(e), "database error"),
            Self::Cache(e) => tracing::error!(error = %error_chain(e), "cache error"),
            Self::Events(e) => tracing::error!(error = %error_chain(e), "event bus error"),
            Self::Internal(e) => {
                tracing::error!(error = %error_chain(e.as_ref()), "internal error");
            }
            other => tracing::debug!(code = other.code().as_str(), error = %other, "client error"),
        }
    }

    /// Writes `code` and the variant's structured details into GraphQL error extensions.
    pub fn write_extensions(&self, extensions: &mut ErrorExtensionValues) {
        extensions.set("code", self.code().as_str());
        match self {
            Self::BadUserInput {
                field: Some(field), ..
            } => extensions.set("field", field.as_str()),
            Self::NotFound { entity, .. } => extensions.set("entity", *entity),
            Self::OutOfStock {
                product_id,
                available,
            } => {
                extensions.set("productId", product_id.as_str());
                extensions.set("available", *available);
            }
            Self::ComplianceLimit(refusal) => refusal.write_extensions(extensions),
            _ => {}
        }
        if let Some(wait) = self.retry_after() {
            extensions.set("retryAfter", wait.as_secs().max(1));
        }
    }

    /// The error as one GraphQL error object: `{ message, extensions { code … } }`.
    pub fn to_graphql_error(&self) -> async_graphql::Error {
        async_graphql::Error::new(self.to_string())
            .extend_with(|_, extensions| self.write_extensions(extensions))
    }
}

/// The UUID a client-supplied id `text` names; anything else is `BAD_USER_INPUT` on
/// `field`.
pub fn parse_uuid(field: &str, text: &str) -> Result<uuid::Uuid, ApiError> {
    uuid::Uuid::try_parse(text)
        .map_err(|_| ApiError::bad_field(field, format!("`{field}` is not a valid id")))
}

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> Self {
        Self::ComplianceLimit(Box::new(refusal))
    }
}

impl ErrorExtensions for ApiError {
    fn extend(&self) -> async_graphql::Error {
        self.log();
        self.to_graphql_error()
    }
}

/// Outside GraphQL execution (malformed requests, bad credentials) an error is answered
/// with its HTTP status and a GraphQL-shaped body: `{"errors":[{message, extensions}]}`.
impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.log();
        let status = self.code().status();
        let body = serde_json::json!({ "errors": [self.to_graphql_error()] });
        let mut response = (status, Json(body)).into_response();
        let headers = response.headers_mut();
        if let Self::Unauthenticated(_) = self {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(wait) = self.retry_after() {
            headers.insert(
                header::RETRY_AFTER,
                HeaderValue::from(wait.as_secs().max(1)),
            );
        }
        response
    }
}

/// `error: cause: cause…`, for one log field.
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
