//! The `webhook_deliveries` queue: store a verified delivery once, claim it for
//! processing, finish or fail it.
//!
//! A claim is one conditional `UPDATE` (`PENDING` → `IN_FLIGHT`), so two workers, on one
//! replica or several, never take the same delivery. While a delivery is in flight its
//! `processed_at` is the time it was claimed; a claim older than the stale limit (its
//! worker died) goes back to `PENDING` on the next sweep. Once done, `processed_at` is
//! when it was applied.

use chrono::{DateTime, TimeDelta, Utc};
use entities::{
    enums::QueueStatus,
    webhook_delivery::{self, Column, Entity, Model},
};
use providers::model::WebhookEvent;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    SqlErr,
    sea_query::{Expr, ExprTrait},
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::text;

/// What storing a delivery did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Enqueued {
    /// Stored as a new pending delivery.
    Stored(Uuid),
    /// Already received (same delivery id); nothing stored.
    Duplicate,
}

/// The id a delivery is de-duplicated by: the vendor's, when the events carry one, else
/// the SHA-256 of the body.
pub fn delivery_id(events: &[WebhookEvent], body: &[u8]) -> String {
    events
        .iter()
        .find_map(|event| match event {
            WebhookEvent::OrderStatus { delivery_id, .. }
            | WebhookEvent::Stock { delivery_id, .. } => delivery_id.clone(),
        })
        .unwrap_or_else(|| format!("sha256:{}", hex::encode(Sha256::digest(body))))
}

/// Stores `events` as a pending delivery of `connection_id`, once per `delivery_id`,
/// with any NUL in their text replaced so that both databases can hold it
/// ([`super::text`]).
pub async fn enqueue(
    db: &impl ConnectionTrait,
    connection_id: Uuid,
    delivery_id: &str,
    events: &[WebhookEvent],
    now: DateTime<Utc>,
) -> Result<Enqueued, DbErr> {
    let mut payload = serde_json::to_value(events).map_err(|e| DbErr::Json(e.to_string()))?;
    text::make_storable(&mut payload);
    let id = Uuid::now_v7();
    let row = Model {
        id,
        connection_id,
        delivery_id: text::storable(delivery_id),
        payload,
        status: QueueStatus::Pending,
        attempts: 0,
        last_error: None,
        received_at: now,
        processed_at: None,
    };
    match Entity::insert(row.into_active_model())
        .exec_without_returning(db)
        .await
    {
        Ok(_) => Ok(Enqueued::Stored(id)),
        Err(error) if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            Ok(Enqueued::Duplicate)
        }
        Err(error) => Err(error),
    }
}

/// The events a stored delivery carries.
pub fn events(delivery: &Model) -> Result<Vec<WebhookEvent>, serde_json::Error> {
    serde_json::from_value(delivery.payload.clone())
}

/// Claims the oldest pending delivery; `None` when none is waiting.
pub async fn claim_next(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<Option<Model>, DbErr> {
    loop {
        let Some(candidate) = Entity::find()
            .filter(Column::Status.eq(QueueStatus::Pending))
            .order_by_asc(Column::ReceivedAt)
            .order_by_asc(Column::Id)
            .one(db)
            .await?
        else {
            return Ok(None);
        };
        let claimed = Entity::update_many()
            .col_expr(Column::Status, Expr::value(QueueStatus::InFlight))
            .col_expr(Column::Attempts, Expr::col(Column::Attempts).add(1))
            .col_expr(Column::ProcessedAt, Expr::value(Some(now)))
            .filter(Column::Id.eq(candidate.id))
            .filter(Column::Status.eq(QueueStatus::Pending))
            .exec(db)
            .await?;
        if claimed.rows_affected == 1 {
            return Ok(Some(Model {
                status: QueueStatus::InFlight,
                attempts: candidate.attempts + 1,
                processed_at: Some(now),
                ..candidate
            }));
        }
        // another worker took it first: try the next one
    }
}

/// Marks a claimed delivery done (call in the transaction that applied it).
pub async fn complete(
    db: &impl ConnectionTrait,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    finish(db, id, QueueStatus::Done, None, now).await
}

/// Records a failed attempt: back to `PENDING` for another try, or `DEAD` when
/// `give_up`.
pub async fn fail(
    db: &impl ConnectionTrait,
    id: Uuid,
    error: &str,
    give_up: bool,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let status = if give_up {
        QueueStatus::Dead
    } else {
        QueueStatus::Pending
    };
    finish(db, id, status, Some(error), now).await
}

async fn finish(
    db: &impl ConnectionTrait,
    id: Uuid,
    status: QueueStatus,
    error: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    Entity::update_many()
        .col_expr(Column::Status, Expr::value(status))
        .col_expr(Column::LastError, Expr::value(error.map(str::to_owned)))
        .col_expr(Column::ProcessedAt, Expr::value(Some(now)))
        .filter(Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Puts deliveries claimed longer than `stale_after` ago (their worker died) back to
/// `PENDING`; returns how many.
pub async fn release_stale(
    db: &impl ConnectionTrait,
    stale_after: TimeDelta,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let result = Entity::update_many()
        .col_expr(Column::Status, Expr::value(QueueStatus::Pending))
        .filter(Column::Status.eq(QueueStatus::InFlight))
        .filter(Column::ProcessedAt.lt(now - stale_after))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// Every delivery of `connection_id`, oldest first (for admins and tests).
pub async fn deliveries(
    db: &impl ConnectionTrait,
    connection_id: Uuid,
) -> Result<Vec<webhook_delivery::Model>, DbErr> {
    Entity::find()
        .filter(Column::ConnectionId.eq(connection_id))
        .order_by_asc(Column::ReceivedAt)
        .order_by_asc(Column::Id)
        .all(db)
        .await
}
