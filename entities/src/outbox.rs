//! `outbox`: work to deliver to a POS, written in the same transaction as its cause.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::QueueStatus;

/// One message for the outbox sender (e.g. `submit_order`, `cancel_order`).
/// Workers claim due rows by `(status, next_attempt_at)`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    /// Primary key (UUID v7).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// What to do, e.g. `submit_order`.
    pub kind: String,
    /// The row it concerns (an order id, a customer id, ...).
    pub aggregate_id: Uuid,
    /// What the sender needs (JSON).
    pub payload: Json,
    /// Where it is in its life.
    pub status: QueueStatus,
    /// Attempts made so far.
    pub attempts: i32,
    /// When it may next be tried.
    pub next_attempt_at: DateTimeUtc,
    /// The last attempt's error (never contains secrets).
    pub last_error: Option<String>,
    /// Created.
    pub created_at: DateTimeUtc,
    /// Last changed.
    pub updated_at: DateTimeUtc,
}

/// The outbox has no foreign keys: it outlives what it points at on purpose.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
