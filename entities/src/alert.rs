//! `alerts`: discrepancies and failures that admins must see.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::AlertSeverity;

/// An alert. Open while `resolved_at` is null; at most one open alert per
/// `dedupe_key` (a partial unique index), so a repeated condition bumps
/// `occurrences` and `last_seen_at` instead of opening a duplicate.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "alerts")]
pub struct Model {
    /// Primary key (UUID v7).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// How bad it is.
    pub severity: AlertSeverity,
    /// What kind of condition, e.g. `stock_below_reserved`, `outbox_dead_letter`.
    pub kind: String,
    /// The POS connection concerned.
    pub connection_id: Option<Uuid>,
    /// The product concerned.
    pub product_id: Option<Uuid>,
    /// The location concerned.
    pub location_id: Option<Uuid>,
    /// The order concerned.
    pub order_id: Option<Uuid>,
    /// Human-readable summary (no personal data, no secrets).
    pub message: String,
    /// Details (JSON, e.g. `{ "before": …, "after": … }`).
    pub details: Json,
    /// Identifies the condition, so it is not raised twice while open.
    pub dedupe_key: String,
    /// How many times the condition was seen while open.
    pub occurrences: i32,
    /// Raised.
    pub created_at: DateTimeUtc,
    /// Last seen.
    pub last_seen_at: DateTimeUtc,
    /// Resolved; `None` while open.
    pub resolved_at: Option<DateTimeUtc>,
    /// Who resolved it (the admin's subject).
    pub resolved_by: Option<String>,
}

impl Model {
    /// Whether the alert is still open.
    pub fn is_open(&self) -> bool {
        self.resolved_at.is_none()
    }
}

/// Relations of an alert.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The POS connection.
    #[sea_orm(
        belongs_to = "super::provider_connection::Entity",
        from = "Column::ConnectionId",
        to = "super::provider_connection::Column::Id",
        on_delete = "SetNull"
    )]
    ProviderConnection,
    /// The product.
    #[sea_orm(
        belongs_to = "super::product::Entity",
        from = "Column::ProductId",
        to = "super::product::Column::Id",
        on_delete = "SetNull"
    )]
    Product,
    /// The location.
    #[sea_orm(
        belongs_to = "super::location::Entity",
        from = "Column::LocationId",
        to = "super::location::Column::Id",
        on_delete = "SetNull"
    )]
    Location,
    /// The order.
    #[sea_orm(
        belongs_to = "super::order::Entity",
        from = "Column::OrderId",
        to = "super::order::Column::Id",
        on_delete = "SetNull"
    )]
    Order,
}

impl Related<super::provider_connection::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ProviderConnection.def()
    }
}

impl Related<super::product::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Product.def()
    }
}

impl Related<super::location::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Location.def()
    }
}

impl Related<super::order::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Order.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
