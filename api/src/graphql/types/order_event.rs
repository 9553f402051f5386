//! `OrderEvent`: one change of an order's status, as `orderStatusChanged` delivers it.

use async_graphql::{Context, Object};
use chrono::{DateTime, Utc};

use super::{
    Order,
    enums::{ChangeSource, OrderStatus},
};
use crate::{error::ApiError, events, graphql::app_state, services::orders::find_order};

/// A committed change of an order's status.
pub struct OrderEvent(pub events::order::OrderEvent);

#[Object]
impl OrderEvent {
    /// The order as it stands now (read fresh from the database).
    async fn order(&self, ctx: &Context<'_>) -> Result<Order, ApiError> {
        let db = &app_state(ctx)?.db;
        find_order(db, self.0.order_id)
            .await?
            .map(Order)
            .ok_or_else(|| ApiError::NotFound {
                entity: "Order",
                id: self.0.order_id.to_string(),
            })
    }

    /// The status before the change; null for a new order.
    async fn from(&self) -> Option<OrderStatus> {
        self.0.from
    }

    /// The status after the change.
    async fn to(&self) -> OrderStatus {
        self.0.to
    }

    /// What caused it: `API` (the customer), `ADMIN`, `OUTBOX` (the POS's answer to a
    /// delivery), `POLL` or `WEBHOOK` (the POS's own change), `SYSTEM` (expiry).
    async fn source(&self) -> ChangeSource {
        self.0.source.into()
    }

    /// When Canopy recorded it.
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
}
