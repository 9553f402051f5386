//! `triggerSync`: a sync of one connection now, through the sync engine, audited; and
//! [`sync_soon`], which asks the pollers to sync a new or changed connection at once.
//!
//! The run happens inside the request (bounded by `CANOPY_ON_DEMAND_SYNC_TIMEOUT`) so the answer
//! shows its outcome; a POS failure is recorded on the connection's sync status by the
//! engine, not returned as an error. [`crate::state::RunningSyncs`] remembers which connections this
//! process is syncing on demand, so `syncStatus.running` can say so and a second
//! trigger for the same connection is refused with `CONFLICT` instead of queueing.

use std::time::Instant;

use entities::provider_connection::Model;
use serde_json::json;
use uuid::Uuid;

use super::{
    connections::{change_record, require},
    probe::millis,
};
use crate::{
    audit,
    error::ApiError,
    state::AppState,
    sync::{RunMode, SyncError, Synchronizer},
};

/// Runs a sync of connection `id` now (a full one when due, else incremental) and
/// audits it; the run's failure, if any, shows in the connection's sync status.
pub async fn trigger_sync(state: &AppState, actor: &str, id: Uuid) -> Result<(), ApiError> {
    let row = require(&state.db, id).await?;
    let _guard = state
        .runs
        .start(id)
        .ok_or_else(|| ApiError::Conflict("a sync of this connection is already running".into()))?;
    let sync = Synchronizer::for_state(state);
    let started = Instant::now();
    let mode = match sync.needs_full(&row).await {
        Ok(true) => RunMode::Full,
        Ok(false) => RunMode::Incremental,
        Err(error) => return Err(ApiError::internal(error)),
    };
    let outcome = tokio::time::timeout(
        state.config.admin.sync_timeout,
        sync.sync_connection(id, mode),
    )
    .await;
    let (ok, stock_changes, error) = match outcome {
        Ok(Ok(report)) => (true, report.stock_changes, None),
        Ok(Err(error @ SyncError::Connection(_))) => return Err(ApiError::internal(error)),
        Ok(Err(error)) => {
            tracing::warn!(connection = %id, %error, "on-demand sync failed");
            (false, 0, Some("the sync failed; see syncStatus.lastError"))
        }
        Err(_) => (false, 0, Some("the sync did not finish in time")),
    };
    let outcome = json!({
        "mode": match mode { RunMode::Full => "FULL", RunMode::Incremental => "INCREMENTAL" },
        "ok": ok,
        "stockChanges": stock_changes,
        "error": error,
        "durationMs": millis(started.elapsed()),
    });
    audit::record(
        &state.db,
        change_record(actor, "provider_connection.sync", id, None, Some(outcome)),
    )
    .await?;
    Ok(())
}

/// Asks the pollers to sync `connection` now (created, re-enabled or changed) instead of
/// at their next scan: the trigger reaches the replica that polls it, or makes one scan
/// for it at once. A disabled connection is left alone. Fire and forget: a lost trigger
/// only delays the sync to the next scan, so it is logged, not returned.
pub async fn sync_soon(state: &AppState, connection: &Model) {
    if !connection.enabled {
        return;
    }
    if let Err(error) = state.sync.trigger(connection.id).await {
        tracing::warn!(connection = %connection.id, %error, "could not ask for a first sync");
    }
}
