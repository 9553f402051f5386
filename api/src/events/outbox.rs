//! Writing outbox rows: the changes a POS must hear about (orders placed, cancelled or
//! returned, customer profile edits), written in the same transaction as the change
//! (kinds and payloads per `ORDERS_CONTRACT.md`). Unlike the bus's events they are
//! durable; the `outbox` module delivers them.

use chrono::{DateTime, Utc};
use entities::{enums::QueueStatus, outbox};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};
use serde_json::Value;
use uuid::Uuid;

/// The kinds of outbox rows the sender delivers (see `ORDERS_CONTRACT.md`).
pub mod kinds {
    /// Hand a placed order to its POS.
    pub const SUBMIT_ORDER: &str = "submit_order";
    /// Cancel an order at its POS.
    pub const CANCEL_ORDER: &str = "cancel_order";
    /// Record a return of some lines at the POS.
    pub const RETURN_ORDER: &str = "return_order";
    /// Push a Canopy profile edit to the POS systems holding the customer (the
    /// aggregate is the customer).
    pub const PUSH_CUSTOMER: &str = "push_customer";
    /// Every kind the sender claims.
    pub const ALL: [&str; 4] = [SUBMIT_ORDER, CANCEL_ORDER, RETURN_ORDER, PUSH_CUSTOMER];
}

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
