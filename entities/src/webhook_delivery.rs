//! `webhook_deliveries`: the durable, de-duplicated queue of POS webhooks received.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::QueueStatus;

/// One webhook as received, stored before it is acknowledged and processed
/// afterwards. `(connection_id, delivery_id)` is unique, so a redelivery is a no-op.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "webhook_deliveries")]
pub struct Model {
    /// Primary key (UUID v7).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The POS connection it arrived for.
    pub connection_id: Uuid,
    /// The vendor's delivery id, or a digest of the body when it has none.
    pub delivery_id: String,
    /// The verified body (JSON).
    pub payload: Json,
    /// Where it is in its life.
    pub status: QueueStatus,
    /// Processing attempts so far.
    pub attempts: i32,
    /// The last attempt's error.
    pub last_error: Option<String>,
    /// Received.
    pub received_at: DateTimeUtc,
    /// Processed.
    pub processed_at: Option<DateTimeUtc>,
}

/// Relations of a webhook delivery.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The POS connection.
    #[sea_orm(
        belongs_to = "super::provider_connection::Entity",
        from = "Column::ConnectionId",
        to = "super::provider_connection::Column::Id",
        on_delete = "Cascade"
    )]
    ProviderConnection,
}

impl Related<super::provider_connection::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ProviderConnection.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
