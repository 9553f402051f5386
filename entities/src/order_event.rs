//! `order_events`: every status change of an order, with where it came from.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::{ChangeSource, OrderStatus};

/// One status change (or a notable non-change, such as a reservation expiring).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "order_events")]
pub struct Model {
    /// Primary key (UUID v7).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The order.
    pub order_id: Uuid,
    /// Status before; `None` for the order's creation.
    pub from_status: Option<OrderStatus>,
    /// Status after.
    pub to_status: OrderStatus,
    /// What caused the change.
    pub source: ChangeSource,
    /// The vendor's own status string, when the change came from the POS.
    pub vendor_status: Option<String>,
    /// Free-form detail (JSON: reason, POS transaction id, ...).
    pub detail: Option<Json>,
    /// When it happened.
    pub at: DateTimeUtc,
}

/// Relations of an order event.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The order.
    #[sea_orm(
        belongs_to = "super::order::Entity",
        from = "Column::OrderId",
        to = "super::order::Column::Id",
        on_delete = "Cascade"
    )]
    Order,
}

impl Related<super::order::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Order.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
