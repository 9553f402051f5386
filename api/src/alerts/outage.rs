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
    watch_condition(state, circuit.outages(), outage, tracker, stop);
}

/// Raises `alert` whenever `condition` turns `true` and resolves it (by its dedupe key)
/// when it turns `false` again, on `tracker` until `stop` or until the sender is gone.
/// Shared with the other conditions a process watches ([`super::edge_purge`]).
pub(super) fn watch_condition(
    state: &AppState,
    condition: watch::Receiver<bool>,
    alert: fn() -> NewAlert,
    tracker: &TaskTracker,
    stop: CancellationToken,
) {
    let events = Arc::downgrade(&state.events);
    let db = state.db.clone();
    tracker.spawn(async move {
        tokio::select! {
            () = stop.cancelled() => {}
            () = follow(condition, &db, &events, alert) => {}
        }
    });
}

async fn follow(
    mut condition: watch::Receiver<bool>,
    db: &DatabaseConnection,
    events: &Weak<dyn EventBus>,
    alert: impl Fn() -> NewAlert,
) {
    while condition.changed().await.is_ok() {
        let holds = *condition.borrow_and_update();
        let outcome = if holds {
            raise(db, &alert(), Utc::now()).await
        } else {
            resolve_condition(db, &alert().dedupe_key, SYSTEM, Utc::now()).await
        };
        match outcome {
            Ok(Some(alert)) => {
                if let Some(events) = events.upgrade() {
                    announce(events.as_ref(), &alert).await;
                }
            }
            Ok(None) => {}
            Err(error) => tracing::warn!(%error, holds, "condition alert not recorded"),
        }
    }
}

fn outage() -> NewAlert {
    NewAlert {
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
    }
}
