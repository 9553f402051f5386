//! A connection's health in one word, from its sync status.

use async_graphql::Enum;
use chrono::{DateTime, TimeDelta, Utc};
use entities::provider_connection::Model;

use crate::sync::SyncStatus;

/// Poll intervals a connection may go without a success before a failing run makes it
/// `FAILING` rather than `DEGRADED`.
const GRACE_INTERVALS: i32 = 3;

/// How a connection is doing.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnectionHealth {
    /// The last run succeeded.
    Healthy,
    /// The last run failed, but one succeeded within three poll intervals.
    Degraded,
    /// Runs have been failing for longer than three poll intervals.
    Failing,
    /// It has never synced.
    Unknown,
    /// Syncing is switched off.
    Disabled,
}

/// The health of `connection` with sync status `status` at `now`.
pub fn health(connection: &Model, status: &SyncStatus, now: DateTime<Utc>) -> ConnectionHealth {
    if !connection.enabled {
        return ConnectionHealth::Disabled;
    }
    let grace = TimeDelta::seconds(i64::from(
        connection
            .poll_interval_secs
            .max(1)
            .saturating_mul(GRACE_INTERVALS),
    ));
    match (&status.last_error, status.last_success_at) {
        (None, Some(_)) => ConnectionHealth::Healthy,
        (None, None) if status.last_run_at.is_none() => ConnectionHealth::Unknown,
        (Some(_), Some(success)) if now - success <= grace => ConnectionHealth::Degraded,
        (None, None) | (Some(_), _) => ConnectionHealth::Failing,
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use uuid::Uuid;

    use super::*;

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

    fn status(success_ago: Option<i64>, error: bool, ran: bool, now: DateTime<Utc>) -> SyncStatus {
        let last_success_at = success_ago.map(|ago| now - TimeDelta::seconds(ago));
        SyncStatus {
            last_success_at,
            lag_seconds: success_ago,
            last_error: error.then(|| "stock: the POS is unavailable".to_owned()),
            last_run_at: ran.then_some(now),
            next_run_at: None,
        }
    }

    #[test]
    fn health_follows_the_contract() {
        let now = Utc::now();
        let on = connection(true);
        assert_eq!(
            health(&connection(false), &status(Some(1), false, true, now), now),
            ConnectionHealth::Disabled
        );
        assert_eq!(
            health(&on, &status(None, false, false, now), now),
            ConnectionHealth::Unknown
        );
        assert_eq!(
            health(&on, &status(Some(5), false, true, now), now),
            ConnectionHealth::Healthy
        );
        assert_eq!(
            health(&on, &status(Some(60), true, true, now), now),
            ConnectionHealth::Degraded
        );
        assert_eq!(
            health(&on, &status(Some(91), true, true, now), now),
            ConnectionHealth::Failing
        );
        assert_eq!(
            health(&on, &status(None, true, true, now), now),
            ConnectionHealth::Failing
        );
    }
}
