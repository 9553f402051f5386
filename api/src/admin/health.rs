//! A connection's health in one word, and the state of its sync with its cause, both
//! from the last run ([`crate::sync::runs`]) so they always agree: a connection whose
//! last run rejected every record of an endpoint is `FAILING` in both, never healthy.

use async_graphql::Enum;
use entities::provider_connection::Model;

use crate::sync::{SyncStatus, runs::LastRun};

/// How a connection is doing.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnectionHealth {
    /// The last run read and applied everything.
    Healthy,
    /// The last run rejected some records.
    Degraded,
    /// The last run failed, or rejected every record of an endpoint.
    Failing,
    /// It has never synced.
    Unknown,
    /// Syncing is switched off.
    Disabled,
}

/// The state of a connection's sync, from its last run.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnectionState {
    /// No run has finished yet.
    Pending,
    /// The last run read and applied everything it read.
    Healthy,
    /// The last run rejected some records, or did not get to an endpoint.
    Degraded,
    /// The last run failed, or rejected every record of an endpoint.
    Failing,
}

/// The state of a connection with sync status `status`: that of its last finished run,
/// `PENDING` before one finished (the cursors alone cannot say whether records were
/// rejected, so a run in progress is never taken for a healthy one).
pub fn state(status: &SyncStatus) -> ConnectionState {
    status
        .last_run
        .as_ref()
        .map_or(ConnectionState::Pending, run_state)
}

/// The state `run` leaves a connection in.
pub fn run_state(run: &LastRun) -> ConnectionState {
    if run.error.is_some() || run.endpoints.iter().any(|e| e.all_rejected()) {
        ConnectionState::Failing
    } else if run.endpoints.iter().any(|e| e.rejected > 0 || e.skipped) {
        ConnectionState::Degraded
    } else {
        ConnectionState::Healthy
    }
}

/// Why the connection is not healthy, in one line ("12 of 12 stock records rejected —
/// missing field `quantityAvailable`", or the error that stopped the last run); `None`
/// when it is healthy or pending.
pub fn cause(status: &SyncStatus) -> Option<String> {
    let Some(run) = &status.last_run else {
        return status.last_error.clone();
    };
    let mut parts: Vec<String> = run.error.iter().cloned().collect();
    // endpoints wholly rejected first: they are the outage
    let mut endpoints: Vec<_> = run.endpoints.iter().collect();
    endpoints.sort_by_key(|e| !e.all_rejected());
    parts.extend(endpoints.iter().filter_map(|e| e.describe()));
    if run.error.is_none() {
        parts.extend(
            run.endpoints
                .iter()
                .filter(|e| e.skipped)
                .map(|e| format!("{} was not read", e.endpoint)),
        );
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// The health of `connection` with sync status `status`: its [`state`], or `DISABLED`.
pub fn health(connection: &Model, status: &SyncStatus) -> ConnectionHealth {
    if !connection.enabled {
        return ConnectionHealth::Disabled;
    }
    match state(status) {
        ConnectionState::Pending => ConnectionHealth::Unknown,
        ConnectionState::Healthy => ConnectionHealth::Healthy,
        ConnectionState::Degraded => ConnectionHealth::Degraded,
        ConnectionState::Failing => ConnectionHealth::Failing,
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, TimeZone, Utc};
    use providers::model::RejectedRecord;
    use uuid::Uuid;

    use super::*;
    use crate::sync::rejections::EndpointTally;

    fn connection(enabled: bool) -> Model {
        let at = Utc
            .timestamp_opt(1_700_000_000, 0)
            .single()
            .unwrap_or_default();
        Model {
            id: Uuid::now_v7(),
            kind: providers::registry::KINDS[0].kind,
            name: "x".into(),
            base_url: "https://x".into(),
            api_key_sealed: Vec::new(),
            api_key_hint: String::new(),
            api_secret_sealed: None,
            webhook_secret_sealed: None,
            key_id: String::new(),
            settings: serde_json::json!({}),
            enabled,
            poll_interval_secs: 30,
            full_sync_interval_secs: 3600,
            created_at: at,
            updated_at: at,
        }
    }

    fn status(run: Option<LastRun>, now: DateTime<Utc>) -> SyncStatus {
        SyncStatus {
            last_success_at: run.as_ref().map(|_| now),
            lag_seconds: run.as_ref().map(|_| 0),
            last_error: run.as_ref().and_then(|r| r.error.clone()),
            last_run_at: run.as_ref().map(|_| now),
            next_run_at: None,
            last_run: run,
        }
    }

    fn run(error: Option<&str>, endpoints: Vec<EndpointTally>, now: DateTime<Utc>) -> LastRun {
        LastRun {
            started_at: now,
            finished_at: now,
            error: error.map(str::to_owned),
            endpoints,
        }
    }

    fn stock(read: u64, bad: usize) -> EndpointTally {
        let rejected = vec![
            RejectedRecord {
                endpoint: "GET /inventory".into(),
                external_id: None,
                reason: "missing field `quantityAvailable`".into(),
            };
            bad
        ];
        EndpointTally::new("stock", read, 0, &rejected)
    }

    #[test]
    fn state_and_health_follow_the_last_run() {
        let now = Utc::now();
        let on = connection(true);
        let cases = [
            (None, ConnectionState::Pending, ConnectionHealth::Unknown),
            (
                Some(run(None, vec![stock(12, 0)], now)),
                ConnectionState::Healthy,
                ConnectionHealth::Healthy,
            ),
            (
                Some(run(None, vec![stock(12, 3)], now)),
                ConnectionState::Degraded,
                ConnectionHealth::Degraded,
            ),
            (
                Some(run(None, vec![EndpointTally::skipped("stock")], now)),
                ConnectionState::Degraded,
                ConnectionHealth::Degraded,
            ),
            (
                Some(run(None, vec![stock(12, 12)], now)),
                ConnectionState::Failing,
                ConnectionHealth::Failing,
            ),
            (
                Some(run(Some("stock: the POS is unavailable"), vec![], now)),
                ConnectionState::Failing,
                ConnectionHealth::Failing,
            ),
        ];
        for (last, expected_state, expected_health) in cases {
            let status = status(last, now);
            assert_eq!(state(&status), expected_state, "{status:?}");
            assert_eq!(health(&on, &status), expected_health, "{status:?}");
            assert_eq!(
                health(&connection(false), &status),
                ConnectionHealth::Disabled
            );
            assert_eq!(
                cause(&status).is_some(),
                matches!(
                    expected_state,
                    ConnectionState::Degraded | ConnectionState::Failing
                ),
                "{status:?}"
            );
        }
        let failing = status(Some(run(None, vec![stock(12, 12)], now)), now);
        assert_eq!(
            cause(&failing).as_deref(),
            Some("12 of 12 stock records rejected — missing field `quantityAvailable`")
        );
    }
}
