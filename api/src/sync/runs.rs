//! Run accounting: every sync run of a connection is a `sync_runs` row, opened when it
//! starts and closed with its outcome and one `sync_run_endpoints` row per endpoint
//! ([`EndpointTally`]). The status reads the last closed run ([`last`]) and whether one
//! is open ([`running`]); only the newest [`KEPT_RUNS`] runs of a connection are kept.

use std::collections::BTreeSet;

use chrono::{DateTime, TimeDelta, Utc};
use entities::{sync_run, sync_run_endpoint};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, SqliteTransactionMode,
    TransactionOptions, TransactionTrait, sea_query::Expr,
};
use uuid::Uuid;

use super::rejections::EndpointTally;

/// Runs kept per connection (older ones are deleted as new ones close).
pub const KEPT_RUNS: u64 = 50;

/// How long an open run counts as running: a run left open longer was cut short (its
/// process died), so it no longer shows as running.
pub const STALE_AFTER: TimeDelta = TimeDelta::minutes(15);

/// A closed run, as the status shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LastRun {
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// When it ended.
    pub finished_at: DateTime<Utc>,
    /// What stopped it (`stream: error`), when it failed.
    pub error: Option<String>,
    /// Each endpoint it meant to read, in sync order.
    pub endpoints: Vec<EndpointTally>,
}

impl LastRun {
    /// Records read, applied and rejected over every endpoint.
    pub fn totals(&self) -> (u64, u64, u64) {
        self.endpoints.iter().fold((0, 0, 0), |(r, a, x), e| {
            (r + e.read, a + e.applied, x + e.rejected)
        })
    }
}

/// Opens a run of `connection_id` in `mode` (`poll` or `reconcile`); returns its id.
pub async fn begin(
    db: &impl ConnectionTrait,
    connection_id: Uuid,
    mode: &str,
    now: DateTime<Utc>,
) -> Result<Uuid, DbErr> {
    let id = Uuid::now_v7();
    sync_run::Model {
        id,
        connection_id,
        mode: mode.to_owned(),
        started_at: now,
        finished_at: None,
        error: None,
    }
    .into_active_model()
    .reset_all()
    .insert(db)
    .await?;
    Ok(id)
}

/// Closes run `id` with its endpoints and error, and deletes the connection's runs
/// beyond the newest [`KEPT_RUNS`]. When that fails the run is still closed, without its
/// endpoints, so it does not show as running (the first error is returned).
pub async fn finish(
    db: &DatabaseConnection,
    id: Uuid,
    endpoints: &[EndpointTally],
    error: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let Err(failure) = record(db, id, endpoints, error, now).await else {
        return Ok(());
    };
    if let Err(error) = close(db, id, error, now).await {
        tracing::warn!(%error, run = %id, "could not close the sync run");
    }
    Err(failure)
}

/// [`finish`] in one transaction.
async fn record(
    db: &DatabaseConnection,
    id: Uuid,
    endpoints: &[EndpointTally],
    error: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    // a write transaction from the start: SQLite cannot upgrade a reader while the
    // connection's other streams or another connection's run write
    let txn = db
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        })
        .await?;
    let Some(run) = sync_run::Entity::find_by_id(id).one(&txn).await? else {
        return Ok(());
    };
    close(&txn, id, error, now).await?;
    let rows: Vec<sync_run_endpoint::ActiveModel> = endpoints
        .iter()
        .map(|tally| {
            sync_run_endpoint::Model {
                id: Uuid::now_v7(),
                run_id: id,
                endpoint: tally.endpoint.clone(),
                read: count(tally.read),
                applied: count(tally.applied),
                rejected: count(tally.rejected),
                skipped: tally.skipped,
                reasons: serde_json::json!(tally.reasons),
            }
            .into_active_model()
            .reset_all()
        })
        .collect();
    if !rows.is_empty() {
        sync_run_endpoint::Entity::insert_many(rows)
            .exec_without_returning(&txn)
            .await?;
    }
    prune(&txn, run.connection_id).await?;
    txn.commit().await
}

/// Sets run `id`'s end and error.
async fn close(
    db: &impl ConnectionTrait,
    id: Uuid,
    error: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    sync_run::Entity::update_many()
        .col_expr(sync_run::Column::FinishedAt, Expr::value(now))
        .col_expr(
            sync_run::Column::Error,
            Expr::value(error.map(str::to_owned)),
        )
        .filter(sync_run::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Records a run of `connection_id` that failed before it read anything (say, its
/// adapter could not be built).
pub async fn failed(
    db: &DatabaseConnection,
    connection_id: Uuid,
    mode: &str,
    error: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let id = begin(db, connection_id, mode, now).await?;
    finish(db, id, &[], Some(error), now).await
}

/// The last closed run of `connection_id`, if any.
pub async fn last(
    db: &impl ConnectionTrait,
    connection_id: Uuid,
) -> Result<Option<LastRun>, DbErr> {
    let Some(run) = sync_run::Entity::find()
        .filter(sync_run::Column::ConnectionId.eq(connection_id))
        .filter(sync_run::Column::FinishedAt.is_not_null())
        .order_by_desc(sync_run::Column::FinishedAt)
        .order_by_desc(sync_run::Column::Id)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let rows = sync_run_endpoint::Entity::find()
        .filter(sync_run_endpoint::Column::RunId.eq(run.id))
        .order_by_asc(sync_run_endpoint::Column::Id)
        .all(db)
        .await?;
    Ok(Some(LastRun {
        started_at: run.started_at,
        finished_at: run.finished_at.unwrap_or(run.started_at),
        error: run.error,
        endpoints: rows.into_iter().map(tally).collect(),
    }))
}

/// Whether a run of `connection_id` is open and started within [`STALE_AFTER`] of `now`.
pub async fn running(
    db: &impl ConnectionTrait,
    connection_id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let open = sync_run::Entity::find()
        .filter(sync_run::Column::ConnectionId.eq(connection_id))
        .filter(sync_run::Column::FinishedAt.is_null())
        .filter(sync_run::Column::StartedAt.gt(now - STALE_AFTER))
        .count(db)
        .await?;
    Ok(open > 0)
}

/// Deletes the runs of `connection_id` beyond the newest [`KEPT_RUNS`] (their
/// endpoints first, whatever the backend's foreign-key enforcement).
async fn prune(db: &impl ConnectionTrait, connection_id: Uuid) -> Result<(), DbErr> {
    // pruned on every close, so there are rarely more than KEPT_RUNS + 1 to read
    let ids: Vec<Uuid> = sync_run::Entity::find()
        .select_only()
        .column(sync_run::Column::Id)
        .filter(sync_run::Column::ConnectionId.eq(connection_id))
        .order_by_desc(sync_run::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let old = ids
        .get(usize::try_from(KEPT_RUNS).unwrap_or(usize::MAX)..)
        .unwrap_or_default();
    if old.is_empty() {
        return Ok(());
    }
    for chunk in old.chunks(crate::db::CHUNK) {
        sync_run_endpoint::Entity::delete_many()
            .filter(sync_run_endpoint::Column::RunId.is_in(chunk.iter().copied()))
            .exec(db)
            .await?;
        sync_run::Entity::delete_many()
            .filter(sync_run::Column::Id.is_in(chunk.iter().copied()))
            .exec(db)
            .await?;
    }
    Ok(())
}

fn tally(row: sync_run_endpoint::Model) -> EndpointTally {
    let reasons: BTreeSet<String> = serde_json::from_value(row.reasons).unwrap_or_default();
    EndpointTally {
        endpoint: row.endpoint,
        read: row.read.unsigned_abs(),
        applied: row.applied.unsigned_abs(),
        rejected: row.rejected.unsigned_abs(),
        skipped: row.skipped,
        reasons,
    }
}

fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
