//! Order delivery mutations: an admin's retry of a dead-lettered delivery.

use async_graphql::{Context, ID, Object};

use crate::{
    auth::RoleGuard,
    error::ApiError,
    graphql::{app_state, types::Order, types::ids::parse_id},
    outbox::{delivery::Delivery, retry},
};

/// Delivery mutations (admins).
#[derive(Default)]
pub struct DeliveryMutation;

#[Object]
impl DeliveryMutation {
    /// Delivers a FAILED order to its POS again: its stock is reserved again
    /// (`OUT_OF_STOCK` when that is no longer possible), it returns to PENDING and its
    /// dead-lettered outbox rows are retried with fresh attempts. `CONFLICT` when the
    /// order is not FAILED.
    #[graphql(guard = "RoleGuard::admin()")]
    async fn retry_order_delivery(&self, ctx: &Context<'_>, id: ID) -> Result<Order, ApiError> {
        let order_id = parse_id("id", &id)?;
        let delivery = Delivery::for_state(app_state(ctx)?);
        Ok(Order(
            retry::retry_delivery(&delivery.applier, order_id).await?,
        ))
    }
}
