//! `SyncRun` and `SyncRunEndpoint`: what the last sync run of a connection read,
//! applied and rejected, per endpoint.

use async_graphql::SimpleObject;
use chrono::{DateTime, Utc};

use crate::sync::{rejections::EndpointTally, runs::LastRun};

/// A finished sync run.
#[derive(SimpleObject)]
pub struct SyncRun {
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// When it ended.
    pub finished_at: DateTime<Utc>,
    /// Records read over every endpoint (returned or kept apart by the POS adapter).
    pub read: u64,
    /// Records applied over every endpoint.
    pub applied: u64,
    /// Records rejected over every endpoint.
    pub rejected: u64,
    /// What stopped it, as `stream: error`, when it failed.
    pub error: Option<String>,
    /// Each endpoint it meant to read, in sync order (those the POS does not offer are
    /// left out).
    pub endpoints: Vec<SyncRunEndpoint>,
}

/// What one endpoint of a run read. `read - applied - rejected` records wait for a
/// later run (they name something not synced yet).
#[derive(SimpleObject)]
pub struct SyncRunEndpoint {
    /// The endpoint (`locations`, `catalog`, `stock`, `customers`, `transactions`).
    pub endpoint: String,
    /// Records read.
    pub read: u64,
    /// Records applied.
    pub applied: u64,
    /// Records rejected.
    pub rejected: u64,
    /// Whether the run did not get through it (it failed there or before).
    pub skipped: bool,
    /// The distinct rejection reasons: field names and kinds of fault, never values.
    pub reasons: Vec<String>,
}

impl From<LastRun> for SyncRun {
    fn from(run: LastRun) -> Self {
        let (read, applied, rejected) = run.totals();
        Self {
            started_at: run.started_at,
            finished_at: run.finished_at,
            read,
            applied,
            rejected,
            error: run.error,
            endpoints: run
                .endpoints
                .into_iter()
                .map(SyncRunEndpoint::from)
                .collect(),
        }
    }
}

impl From<EndpointTally> for SyncRunEndpoint {
    fn from(tally: EndpointTally) -> Self {
        Self {
            endpoint: tally.endpoint,
            read: tally.read,
            applied: tally.applied,
            rejected: tally.rejected,
            skipped: tally.skipped,
            reasons: tally.reasons.into_iter().collect(),
        }
    }
}
