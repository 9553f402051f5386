//! `orders`: online orders placed through Canopy and delivered to a POS.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::{Fulfillment, OrderStatus};

/// An online order. `(customer_id, idempotency_key)` is unique, so a replayed
/// `placeOrder` finds the first order; `(connection_id, external_id)` is unique.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "orders")]
pub struct Model {
    /// Primary key (UUID v7); also the idempotency key sent to the POS.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Who ordered.
    pub customer_id: Uuid,
    /// The store that fills it.
    pub location_id: Uuid,
    /// Current status.
    pub status: OrderStatus,
    /// The vendor's own status string last received, always kept.
    pub vendor_status: Option<String>,
    /// Why the order was cancelled, failed or returned, when known.
    pub status_reason: Option<String>,
    /// Pickup or delivery.
    pub fulfillment: Fulfillment,
    /// Delivery address, for deliveries.
    pub delivery_address: Option<String>,
    /// The client's idempotency key (unique per customer).
    pub idempotency_key: String,
    /// Order total, minor units of `currency`.
    pub total: i64,
    /// Amount refunded by returns, minor units of `currency`.
    pub refunded_total: i64,
    /// ISO 4217 currency.
    pub currency: String,
    /// The POS connection the order goes to.
    pub connection_id: Option<Uuid>,
    /// The POS's order id, once it has taken the order.
    pub external_id: Option<String>,
    /// When the stock reservation lapses if the POS has not taken the order.
    pub reservation_expires_at: Option<DateTimeUtc>,
    /// Created.
    pub created_at: DateTimeUtc,
    /// Last changed.
    pub updated_at: DateTimeUtc,
}

/// Relations of an order.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// Who ordered.
    #[sea_orm(
        belongs_to = "super::customer::Entity",
        from = "Column::CustomerId",
        to = "super::customer::Column::Id",
        on_delete = "Restrict"
    )]
    Customer,
    /// The store.
    #[sea_orm(
        belongs_to = "super::location::Entity",
        from = "Column::LocationId",
        to = "super::location::Column::Id",
        on_delete = "Restrict"
    )]
    Location,
    /// The POS connection.
    #[sea_orm(
        belongs_to = "super::provider_connection::Entity",
        from = "Column::ConnectionId",
        to = "super::provider_connection::Column::Id",
        on_delete = "SetNull"
    )]
    ProviderConnection,
    /// The lines.
    #[sea_orm(has_many = "super::order_line::Entity")]
    OrderLine,
    /// The status history.
    #[sea_orm(has_many = "super::order_event::Entity")]
    OrderEvent,
}

impl Related<super::customer::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Customer.def()
    }
}

impl Related<super::location::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Location.def()
    }
}

impl Related<super::provider_connection::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ProviderConnection.def()
    }
}

impl Related<super::order_line::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::OrderLine.def()
    }
}

impl Related<super::order_event::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::OrderEvent.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
