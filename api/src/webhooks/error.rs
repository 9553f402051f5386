//! Why a webhook was refused, and the HTTP answer the POS gets.

use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use sea_orm::DbErr;

use crate::connections::ConnectionError;

/// Why a webhook was refused.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    /// No enabled connection has this id.
    #[error("no enabled provider connection has this id")]
    UnknownConnection,
    /// The connection's POS sends no webhooks.
    #[error("this POS sends no webhooks; its connection is polled")]
    NotSupported,
    /// The connection has no webhook secret to verify deliveries with.
    #[error("webhooks are not configured for this connection (no webhook secret)")]
    NotConfigured,
    /// The signature or secret did not verify.
    #[error("the webhook was not accepted")]
    Rejected,
    /// The delivery is authentic but its body is unusable (not JSON, not the vendor's
    /// shape); the reason is the parser's, shortened.
    #[error("the webhook body is unusable: {0}")]
    BadBody(String),
    /// The connection's adapter could not be built.
    #[error("the connection could not be loaded")]
    Connection(#[from] ConnectionError),
    /// The delivery could not be stored.
    #[error("the delivery could not be stored")]
    Database(#[from] DbErr),
}

/// The longest reason echoed back (a parser's message may quote the offending value).
const MAX_REASON_CHARS: usize = 200;

impl WebhookError {
    /// A [`WebhookError::BadBody`] for `reason`, cut to [`MAX_REASON_CHARS`].
    pub fn bad_body(reason: &str) -> Self {
        let mut chars = reason.chars();
        let mut short: String = chars.by_ref().take(MAX_REASON_CHARS).collect();
        if chars.next().is_some() {
            short.push('…');
        }
        Self::BadBody(short)
    }

    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            Self::UnknownConnection | Self::NotSupported => (StatusCode::NOT_FOUND, "NOT_FOUND"),
            Self::NotConfigured | Self::Rejected => (StatusCode::UNAUTHORIZED, "UNAUTHENTICATED"),
            Self::BadBody(_) => (StatusCode::BAD_REQUEST, "BAD_USER_INPUT"),
            Self::Connection(_) | Self::Database(_) => {
                (StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL")
            }
        }
    }
}

/// Answered as `{"errors":[{message, extensions: {code}}]}`, like the API's other
/// errors; internal causes are logged, never shown.
impl IntoResponse for WebhookError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        match &self {
            Self::Connection(cause) => tracing::error!(error = %cause, "webhook: connection"),
            Self::Database(cause) => tracing::error!(error = %cause, "webhook: database"),
            other => tracing::info!(reason = %other, "webhook refused"),
        }
        let body = serde_json::json!({
            "errors": [{ "message": self.to_string(), "extensions": { "code": code } }]
        });
        (status, Json(body)).into_response()
    }
}
