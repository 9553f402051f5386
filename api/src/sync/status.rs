//! How a connection's sync is doing, from its cursors and its last run: what
//! `syncStatus` shows.

use chrono::{DateTime, TimeDelta, Utc};
use entities::provider_connection;
use sea_orm::{ConnectionTrait, DbErr};

use super::{
    cursor::{self, Stream},
    runs::{self, LastRun},
};

/// The sync health of one connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncStatus {
    /// When every polled stream last succeeded (the stalest of them); `None` before
    /// every stream has succeeded once.
    pub last_success_at: Option<DateTime<Utc>>,
    /// Seconds since `last_success_at`.
    pub lag_seconds: Option<i64>,
    /// The first failing stream's error, as `stream: error`.
    pub last_error: Option<String>,
    /// When a run last started.
    pub last_run_at: Option<DateTime<Utc>>,
    /// When the next poll is due (enabled connections only).
    pub next_run_at: Option<DateTime<Utc>>,
    /// The last run that finished, with what each endpoint read, applied and rejected.
    pub last_run: Option<LastRun>,
}

/// The status of `connection` at `now`.
pub async fn status(
    db: &impl ConnectionTrait,
    connection: &provider_connection::Model,
    now: DateTime<Utc>,
) -> Result<SyncStatus, DbErr> {
    let cursors = cursor::all(db, connection.id).await?;
    let last_run = runs::last(db, connection.id).await?;
    let find = |stream: Stream| cursors.iter().find(|c| c.stream == stream.as_str());
    let last_success_at = Stream::ALL[1..]
        .iter()
        .map(|&stream| find(stream).and_then(|c| c.last_success_at))
        .collect::<Option<Vec<_>>>()
        .and_then(|times| times.into_iter().min());
    let last_error = Stream::ALL.iter().find_map(|&stream| {
        find(stream)
            .and_then(|c| c.last_error.as_deref())
            .map(|error| format!("{}: {error}", stream.as_str()))
    });
    let last_run_at = cursors.iter().filter_map(|c| c.last_run_at).max();
    let interval = TimeDelta::seconds(i64::from(connection.poll_interval_secs.max(1)));
    Ok(SyncStatus {
        last_success_at,
        lag_seconds: last_success_at.map(|at| (now - at).num_seconds().max(0)),
        last_error,
        last_run_at,
        next_run_at: connection
            .enabled
            .then(|| last_run_at.map_or(now, |at| at + interval)),
        last_run,
    })
}

/// Publishes `connection`'s sync lag as the `canopy_sync_lag_seconds` gauge (after each
/// poll). A failure to read the cursors is logged: the gauge keeps its last value.
pub async fn record_lag(db: &impl ConnectionTrait, connection: &provider_connection::Model) {
    match status(db, connection, Utc::now()).await {
        Ok(SyncStatus {
            lag_seconds: Some(lag),
            ..
        }) => {
            metrics::gauge!(
                "canopy_sync_lag_seconds",
                "connection" => connection.id.to_string(),
                "kind" => connection.kind.as_str(),
            )
            .set(lag as f64);
        }
        Ok(_) => {}
        Err(error) => {
            tracing::warn!(connection = %connection.id, %error, "could not read the sync status")
        }
    }
}
