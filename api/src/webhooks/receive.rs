//! The `POST /webhooks/{connection_id}` handler: verify, store once, acknowledge.

use std::{sync::Arc, time::Instant};

use axum::{
    Json, Router,
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    routing::post,
};
use chrono::Utc;
use providers::ProviderErrorKind;
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use super::{
    WebhookError,
    queue::{self, Enqueued},
};
use crate::{
    connections::{self, Adapters, ConnectionError},
    secrets::Keyring,
    state::AppState,
    state::SyncControl,
};

/// The webhook route, with its own state (merge it into the server's router).
pub fn router(app: &AppState) -> Router {
    Router::new()
        .route("/webhooks/{connection_id}", post(receive))
        .with_state(Receiver {
            db: app.db.clone(),
            control: app.sync.clone(),
            adapters: Adapters::new(Arc::new(Keyring::new(&app.master_key))),
        })
}

/// What the handler needs.
#[derive(Clone)]
struct Receiver {
    db: DatabaseConnection,
    control: SyncControl,
    /// Built once per version of each connection row.
    adapters: Adapters,
}

/// Verifies the delivery with the connection's adapter, stores it (once) and answers
/// 202 `{"status": "accepted" | "duplicate"}`; the worker applies it afterwards. A wrong
/// secret answers 401, an authentic but unusable body 400 with the reason.
async fn receive(
    State(receiver): State<Receiver>,
    Path(connection_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<serde_json::Value>), WebhookError> {
    let started = Instant::now();
    let id = Uuid::parse_str(&connection_id).map_err(|_| WebhookError::UnknownConnection)?;
    let row = match connections::find(&receiver.db, id).await {
        Ok(row) if row.enabled => row,
        Ok(_) | Err(ConnectionError::NotFound(_)) => return Err(WebhookError::UnknownConnection),
        Err(error) => return Err(error.into()),
    };
    let kind = row.kind.as_str();
    let outcome = |outcome: &'static str| {
        metrics::counter!("canopy_webhook_deliveries_total", "kind" => kind, "outcome" => outcome)
            .increment(1);
    };
    let events = receiver
        .adapters
        .get(&row)?
        .parse_webhook(&headers, &body)
        .map_err(|error| {
            let refused = match error.kind {
                ProviderErrorKind::Unsupported(_) => WebhookError::NotSupported,
                ProviderErrorKind::Config(_) => WebhookError::NotConfigured,
                ProviderErrorKind::Malformed(reason) => WebhookError::bad_body(&reason),
                _ => WebhookError::Rejected,
            };
            outcome(match refused {
                WebhookError::BadBody(_) => "unusable",
                _ => "refused",
            });
            refused
        })?;
    let delivery_id = queue::delivery_id(&events, &body);
    let enqueued = queue::enqueue(&receiver.db, id, &delivery_id, &events, Utc::now()).await?;
    let status = match enqueued {
        Enqueued::Stored(_) => {
            receiver.control.webhook_stored();
            "accepted"
        }
        Enqueued::Duplicate => "duplicate",
    };
    outcome(status);
    metrics::histogram!("canopy_webhook_receive_seconds", "kind" => kind)
        .record(started.elapsed().as_secs_f64());
    Ok((
        StatusCode::ACCEPTED,
        Json(serde_json::json!({ "status": status })),
    ))
}
