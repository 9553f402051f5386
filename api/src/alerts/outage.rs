//! One alert per Redis outage: opened when the Redis circuit opens, resolved by the
//! system when it closes again.
//!
//! Every process watches its own circuit; the alert's dedupe key makes the replicas that
//! notice the same outage count occurrences on one alert rather than open several, and
//! the first to see Redis answer again resolves it.

use std::sync::{Arc, Weak};

use chrono::Utc;
use entities::enums::AlertSeverity;
use sea_orm::DatabaseConnection;
use tokio::sync::watch;
use tokio_util::{sync::CancellationToken, task::TaskTracker};

use super::{NewAlert, SYSTEM, announce, raise, resolve_condition};
use crate::{events::EventBus, state::AppState};

/// The alert's kind and dedupe key.
pub const REDIS_UNAVAILABLE: &str = "redis_unavailable";

/// Raises and resolves the outage alert as the state's Redis circuit opens and closes,
/// until `stop`; nothing without Redis. The bus is held weakly: it owns the circuit, and
/// this watch must not keep it alive.
pub fn watch_redis(state: &AppState, tracker: &TaskTracker, stop: CancellationToken) {
    let Some(circuit) = &state.redis else {
        return;
    };
    let outages = circuit.outages();
    let events = Arc::downgrade(&state.events);
    let db = state.db.clone();
    tracker.spawn(async move {
        tokio::select! {
            () = stop.cancelled() => {}
            () = follow(outages, &db, &events) => {}
        }
    });
}

async fn follow(
    mut outages: watch::Receiver<bool>,
    db: &DatabaseConnection,
    events: &Weak<dyn EventBus>,
) {
    while outages.changed().await.is_ok() {
        let open = *outages.borrow_and_update();
        let outcome = if open {
            opened(db).await
        } else {
            closed(db).await
        };
        match outcome {
            Ok(Some(alert)) => {
                if let Some(events) = events.upgrade() {
                    announce(events.as_ref(), &alert).await;
                }
            }
            Ok(None) => {}
            Err(error) => tracing::warn!(%error, open, "redis outage alert not recorded"),
        }
    }
}

async fn opened(db: &DatabaseConnection) -> Result<Option<entities::alert::Model>, sea_orm::DbErr> {
    let alert = NewAlert {
        severity: AlertSeverity::Critical,
        kind: REDIS_UNAVAILABLE,
        connection_id: None,
        product_id: None,
        location_id: None,
        message: "Redis does not answer: the cache is bypassed and live events are paused \
                  until it is back"
            .to_owned(),
        details: serde_json::json!({}),
        dedupe_key: REDIS_UNAVAILABLE.to_owned(),
    };
    raise(db, &alert, Utc::now()).await
}

async fn closed(db: &DatabaseConnection) -> Result<Option<entities::alert::Model>, sea_orm::DbErr> {
    resolve_condition(db, REDIS_UNAVAILABLE, SYSTEM, Utc::now()).await
}
