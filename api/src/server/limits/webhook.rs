//! The largest POS webhook payload: `POST /webhooks/…` bodies over `max_webhook_bytes`
//! are refused with 413 before a handler reads them — at once when `Content-Length` says
//! so, and when the streamed body crosses the limit otherwise.

use axum::{
    Json,
    body::Body,
    extract::{Request, State},
    http::{StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use http_body_util::Limited;

use crate::error::ApiError;

/// Path prefix of the POS webhook routes.
const WEBHOOK_PREFIX: &str = "/webhooks/";

/// The webhook body limit in bytes, as middleware state.
#[derive(Clone, Copy, Debug)]
pub(in crate::server) struct WebhookLimit(pub(in crate::server) usize);

/// Middleware: applies the webhook body limit to `/webhooks/…`; other paths pass.
pub(in crate::server) async fn enforce(
    State(WebhookLimit(max)): State<WebhookLimit>,
    request: Request,
    next: Next,
) -> Response {
    if !request.uri().path().starts_with(WEBHOOK_PREFIX) {
        return next.run(request).await;
    }
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > u64::try_from(max).unwrap_or(u64::MAX)) {
        let error = ApiError::bad_input(format!("the webhook payload is larger than {max} bytes"));
        error.log();
        let body = serde_json::json!({ "errors": [error.to_graphql_error()] });
        return (StatusCode::PAYLOAD_TOO_LARGE, Json(body)).into_response();
    }
    // Axum's body extractors answer 413 when the limited body runs over.
    next.run(request.map(|body| Body::new(Limited::new(body, max))))
        .await
}
