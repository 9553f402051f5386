//! Checkout mutations: `placeOrder`, `cancelOrder` and `returnOrder`. Customers act on
//! their own orders, admins on anyone's; the services enforce both.

use async_graphql::{Context, ID, InputObject, Object};

use crate::{
    auth::{RoleGuard, Viewer},
    error::ApiError,
    graphql::{
        app_state,
        types::{
            Order,
            enums::Fulfillment,
            ids::{parse_id, parse_optional_id},
        },
    },
    orders::{
        cancel,
        input::{NewLine, NewOrder},
        place, returns,
    },
    services::orders::OrderScope,
};

/// One product and how many units of it.
#[derive(InputObject)]
pub struct OrderLineInput {
    /// The product.
    pub product_id: ID,
    /// Units (1 to the configured maximum).
    pub quantity: i32,
}

/// An order to place.
#[derive(InputObject)]
pub struct PlaceOrderInput {
    /// The store that fills it.
    pub location_id: ID,
    /// What is ordered; each product once.
    pub lines: Vec<OrderLineInput>,
    /// Pickup or delivery.
    pub fulfillment: Fulfillment,
    /// The client's key for this order (per customer): a replay returns the first
    /// order, never a second one.
    pub idempotency_key: String,
    /// The customer, when an admin places the order (customers order for themselves).
    pub customer_id: Option<ID>,
}

/// Checkout mutations.
#[derive(Default)]
pub struct CheckoutMutation;

#[Object]
impl CheckoutMutation {
    /// Places an order: validates it, checks compliance (`COMPLIANCE_LIMIT` naming the
    /// rule and its figures), reserves the stock (`OUT_OF_STOCK` naming the product and
    /// what is left) and queues it for the POS, all at once or not at all.
    #[graphql(guard = "RoleGuard::customer_or_admin()")]
    async fn place_order(
        &self,
        ctx: &Context<'_>,
        input: PlaceOrderInput,
    ) -> Result<Order, ApiError> {
        let scope = OrderScope::of(Viewer::of(ctx)?)?;
        let order = NewOrder {
            location_id: parse_id("input.locationId", &input.location_id)?,
            lines: order_lines("input.lines", &input.lines)?,
            fulfillment: input.fulfillment,
            idempotency_key: input.idempotency_key,
            customer_id: parse_optional_id("input.customerId", input.customer_id.as_ref())?,
        };
        Ok(Order(place::place(app_state(ctx)?, scope, order).await?))
    }

    /// Cancels an order: its customer until it is ready, an admin until it is
    /// completed. Releases its stock and tells the POS.
    #[graphql(guard = "RoleGuard::customer_or_admin()")]
    async fn cancel_order(
        &self,
        ctx: &Context<'_>,
        id: ID,
        reason: Option<String>,
    ) -> Result<Order, ApiError> {
        let scope = OrderScope::of(Viewer::of(ctx)?)?;
        let id = parse_id("id", &id)?;
        Ok(Order(
            cancel::cancel(app_state(ctx)?, scope, id, reason).await?,
        ))
    }

    /// Asks for units of a COMPLETED or DELIVERED order back (partial returns allowed).
    /// The POS rings the return up; `lines { returnedQuantity }`, `refundedTotal` and
    /// the RETURNED status follow once it confirms.
    #[graphql(guard = "RoleGuard::customer_or_admin()")]
    async fn return_order(
        &self,
        ctx: &Context<'_>,
        id: ID,
        lines: Vec<OrderLineInput>,
        reason: Option<String>,
    ) -> Result<Order, ApiError> {
        let scope = OrderScope::of(Viewer::of(ctx)?)?;
        let id = parse_id("id", &id)?;
        let lines = order_lines("lines", &lines)?;
        Ok(Order(
            returns::request_return(app_state(ctx)?, scope, id, lines, reason).await?,
        ))
    }
}

/// The lines of an input, their ids parsed (fields named under `field`).
pub fn order_lines(field: &str, lines: &[OrderLineInput]) -> Result<Vec<NewLine>, ApiError> {
    lines
        .iter()
        .enumerate()
        .map(|(index, line)| {
            Ok(NewLine {
                product_id: parse_id(&format!("{field}[{index}].productId"), &line.product_id)?,
                quantity: i64::from(line.quantity),
            })
        })
        .collect()
}
