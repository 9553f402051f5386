//! The outbox table as a work queue: claiming due rows, and recording what became of
//! each attempt.
//!
//! A claim is one `UPDATE … WHERE id IN (SELECT … LIMIT n) RETURNING *` that flips due
//! rows to IN_FLIGHT, counts the attempt and moves `next_attempt_at` to the end of a
//! lease. On PostgreSQL the inner select takes `FOR UPDATE SKIP LOCKED`, so replicas
//! claiming at once take disjoint rows without waiting on each other; on SQLite writes
//! are serialised, so the one statement is atomic by itself. A row whose sender died
//! mid-send is due again when its lease runs out, and is claimed ahead of the rows merely
//! due (its `next_attempt_at`, the end of its lease, is later than theirs).

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use entities::{
    enums::QueueStatus,
    outbox::{self, Column, Entity},
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait, LockBehavior, LockType, Query},
};
use uuid::Uuid;

use crate::events::outbox::kinds;

/// Claims up to `limit` due rows for one attempt each, leased for `lease`: rows whose
/// lease expired first, then the others by `next_attempt_at` and age.
pub async fn claim(
    db: &impl ConnectionTrait,
    limit: u32,
    lease: Duration,
    now: DateTime<Utc>,
) -> Result<Vec<outbox::Model>, DbErr> {
    let mut due = Query::select();
    due.column(Column::Id)
        .from(Entity)
        .cond_where(
            Condition::all()
                .add(Column::Kind.is_in(kinds::ALL))
                .add(Column::Status.is_in([QueueStatus::Pending, QueueStatus::InFlight]))
                .add(Column::NextAttemptAt.lte(now)),
        )
        // expired leases first: their rows were sent, or nearly, before a sender died,
        // and must not wait behind every row written since
        .order_by_expr(
            Expr::case(Column::Status.eq(QueueStatus::InFlight), 0)
                .finally(1)
                .into(),
            sea_orm::Order::Asc,
        )
        .order_by(Column::NextAttemptAt, sea_orm::Order::Asc)
        .order_by(Column::CreatedAt, sea_orm::Order::Asc)
        .limit(u64::from(limit));
    if db.get_database_backend() == DbBackend::Postgres {
        due.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    Entity::update_many()
        .col_expr(Column::Status, Expr::value(QueueStatus::InFlight))
        .col_expr(Column::Attempts, Expr::col(Column::Attempts).add(1))
        .col_expr(Column::NextAttemptAt, Expr::value(now + delta(lease)))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .filter(Column::Id.in_subquery(due))
        .exec_with_returning(db)
        .await
}

/// Marks a row delivered. Only the claim holder may (the row is still IN_FLIGHT with
/// this attempt count), so a sender whose lease ran out cannot overwrite a newer claim.
pub async fn done(
    db: &impl ConnectionTrait,
    row: &outbox::Model,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    settle(db, row, QueueStatus::Done, now, None, now).await
}

/// Schedules the next attempt of a row after a transient failure.
pub async fn retry_at(
    db: &impl ConnectionTrait,
    row: &outbox::Model,
    next: DateTime<Utc>,
    error: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    settle(db, row, QueueStatus::Pending, next, Some(error), now).await
}

/// Dead-letters a row: no further attempts until an admin retries it.
pub async fn dead(
    db: &impl ConnectionTrait,
    row: &outbox::Model,
    error: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    settle(db, row, QueueStatus::Dead, now, Some(error), now).await
}

async fn settle(
    db: &impl ConnectionTrait,
    row: &outbox::Model,
    status: QueueStatus,
    next: DateTime<Utc>,
    error: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let mut update = Entity::update_many()
        .col_expr(Column::Status, Expr::value(status))
        .col_expr(Column::NextAttemptAt, Expr::value(next))
        .col_expr(Column::UpdatedAt, Expr::value(now));
    if let Some(error) = error {
        update = update.col_expr(Column::LastError, Expr::value(error.to_owned()));
    }
    let result = update
        .filter(Column::Id.eq(row.id))
        .filter(Column::Status.eq(QueueStatus::InFlight))
        .filter(Column::Attempts.eq(row.attempts))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Puts an order's dead-lettered rows back in the queue with fresh attempts; returns
/// how many.
pub async fn revive(
    db: &impl ConnectionTrait,
    order_id: Uuid,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let result = Entity::update_many()
        .col_expr(Column::Status, Expr::value(QueueStatus::Pending))
        .col_expr(Column::Attempts, Expr::value(0))
        .col_expr(Column::NextAttemptAt, Expr::value(now))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .filter(Column::AggregateId.eq(order_id))
        .filter(Column::Status.eq(QueueStatus::Dead))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// Whether any row is waiting or in flight (for tests and the benchmark's drain rate).
pub async fn pending(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    Entity::find()
        .filter(Column::Status.is_in([QueueStatus::Pending, QueueStatus::InFlight]))
        .count(db)
        .await
}

fn delta(duration: Duration) -> TimeDelta {
    TimeDelta::from_std(duration).unwrap_or(TimeDelta::MAX)
}
