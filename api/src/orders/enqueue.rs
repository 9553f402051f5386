//! Writing outbox rows: the order changes the POS must hear about, written in the same
//! transaction as the change (kinds and payloads per `ORDERS_CONTRACT.md`); the outbox
//! sender delivers them.

use chrono::{DateTime, Utc};
use entities::{enums::QueueStatus, outbox};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};
use serde_json::Value;
use uuid::Uuid;

/// Queues `kind` for order `order_id` with `payload`, due at once.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    kind: &str,
    order_id: Uuid,
    payload: Value,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let row = outbox::ActiveModel {
        id: Set(Uuid::now_v7()),
        kind: Set(kind.to_owned()),
        aggregate_id: Set(order_id),
        payload: Set(payload),
        status: Set(QueueStatus::Pending),
        attempts: Set(0),
        next_attempt_at: Set(now),
        last_error: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    };
    outbox::Entity::insert(row)
        .exec_without_returning(db)
        .await?;
    Ok(())
}
