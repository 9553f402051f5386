//! `orderStatusChanged`: order status changes as they are committed. A customer sees
//! only their own orders' events, an admin every order's.

use async_graphql::{Context, ID, Subscription};
use futures::{Stream, StreamExt};

use crate::{
    auth::{RoleGuard, Viewer},
    error::ApiError,
    events::{EventBusExt, Received, order::ORDER_TOPIC},
    graphql::{app_state, types::OrderEvent, types::ids::parse_optional_id},
    services::orders::{OrderScope, find_order},
};

/// Order subscriptions.
#[derive(Default)]
pub struct OrdersSubscription;

#[Subscription]
impl OrdersSubscription {
    /// Every status change of order `orderId` (or of every order the caller may read),
    /// from now on. Events are signals: a client that reconnects refetches the order.
    #[graphql(guard = "RoleGuard::customer_or_admin()")]
    async fn order_status_changed(
        &self,
        ctx: &Context<'_>,
        order_id: Option<ID>,
    ) -> Result<impl Stream<Item = OrderEvent> + use<>, ApiError> {
        let scope = OrderScope::of(Viewer::of(ctx)?)?;
        let order_id = parse_optional_id("orderId", order_id.as_ref())?;
        let state = app_state(ctx)?;
        if let Some(id) = order_id {
            let visible = find_order(&state.db, id)
                .await?
                .is_some_and(|order| scope.allows(&order));
            if !visible {
                return Err(ApiError::NotFound {
                    entity: "Order",
                    id: id.to_string(),
                });
            }
        }
        let events = state.events.subscribe_events(&ORDER_TOPIC);
        Ok(events.filter_map(move |received| {
            let event = match received {
                Received::Event(event)
                    if order_id.is_none_or(|id| id == event.order_id)
                        && match scope {
                            OrderScope::All => true,
                            OrderScope::Customer(customer) => customer == event.customer_id,
                        } =>
                {
                    Some(OrderEvent(event))
                }
                _ => None,
            };
            async move { event }
        }))
    }
}
