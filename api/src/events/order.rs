//! Order status events: published after every committed change of an order's status
//! (placement, delivery to the POS, the POS's own changes, cancellations, returns), and
//! forwarded by `orderStatusChanged` subscriptions.

use chrono::{DateTime, Utc};
use entities::{
    enums::{ChangeSource, OrderStatus},
    order_event,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Topic;

/// The topic every order status change is published on.
pub const ORDER_TOPIC: Topic<OrderEvent> = Topic::new("order");

/// One committed change of an order's status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderEvent {
    /// The order.
    pub order_id: Uuid,
    /// Whose order it is (subscriptions show customers only their own orders).
    pub customer_id: Uuid,
    /// The status before, `None` for a new order.
    pub from: Option<OrderStatus>,
    /// The status after.
    pub to: OrderStatus,
    /// What caused the change.
    pub source: ChangeSource,
    /// When Canopy recorded it.
    pub at: DateTime<Utc>,
}

impl OrderEvent {
    /// The event announcing a stored order event of `customer_id`'s order.
    pub fn from_row(row: &order_event::Model, customer_id: Uuid) -> Self {
        Self {
            order_id: row.order_id,
            customer_id,
            from: row.from_status,
            to: row.to_status,
            source: row.source,
            at: row.at,
        }
    }
}
