//! `Order` and `OrderLine`: online orders as the customer and the store see them.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entities::{order, order_line};

use super::{
    Customer, Location, Money, Product,
    cursor::IdList,
    enums::{Fulfillment, OrderStatus},
    ids::to_id,
};
use crate::{
    error::ApiError,
    graphql::loaders::{Loaders, load_children, load_required},
};

/// An online order. Readable by its customer and by admins.
pub struct Order(pub order::Model);

impl IdList for Order {
    const KIND: &'static str = "order";
}

#[Object(cache_control(private))]
impl Order {
    /// The order's id (also the idempotency key sent to the POS).
    async fn id(&self) -> ID {
        to_id(self.0.id)
    }

    /// Current status.
    async fn status(&self) -> OrderStatus {
        self.0.status
    }

    /// The POS's own status text, as last received.
    async fn vendor_status(&self) -> Option<&str> {
        self.0.vendor_status.as_deref()
    }

    /// Why the order was cancelled, failed or returned, when known.
    async fn status_reason(&self) -> Option<&str> {
        self.0.status_reason.as_deref()
    }

    /// Pickup or delivery.
    async fn fulfillment(&self) -> Fulfillment {
        self.0.fulfillment
    }

    /// Delivery address, for deliveries.
    async fn delivery_address(&self) -> Option<&str> {
        self.0.delivery_address.as_deref()
    }

    /// Order total.
    async fn total(&self) -> Money {
        Money::new(self.0.total, &self.0.currency)
    }

    /// Amount refunded by returns.
    async fn refunded_total(&self) -> Money {
        Money::new(self.0.refunded_total, &self.0.currency)
    }

    /// The POS's id for the order, once the POS has taken it.
    async fn external_id(&self) -> Option<&str> {
        self.0.external_id.as_deref()
    }

    /// When the stock held for the order is released if the POS has not taken it.
    async fn reservation_expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.reservation_expires_at
    }

    /// When the order was placed.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When the order last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// The store that fills the order.
    async fn location(&self, ctx: &Context<'_>) -> Result<Location, ApiError> {
        let loaders = Loaders::of(ctx)?;
        Ok(Location(
            load_required(&loaders.locations, self.0.location_id).await?,
        ))
    }

    /// Who ordered.
    async fn customer(&self, ctx: &Context<'_>) -> Result<Customer, ApiError> {
        let loaders = Loaders::of(ctx)?;
        Ok(Customer(
            load_required(&loaders.customers, self.0.customer_id).await?,
        ))
    }

    /// What was ordered.
    async fn lines(&self, ctx: &Context<'_>) -> Result<Vec<OrderLine>, ApiError> {
        let loaders = Loaders::of(ctx)?;
        let lines = load_children(&loaders.lines_by_order, self.0.id).await?;
        Ok(lines.into_iter().map(OrderLine).collect())
    }
}

/// One product on an order.
pub struct OrderLine(pub order_line::Model);

#[Object(cache_control(private))]
impl OrderLine {
    /// The line's id.
    async fn id(&self) -> ID {
        to_id(self.0.id)
    }

    /// The product ordered.
    async fn product(&self, ctx: &Context<'_>) -> Result<Product, ApiError> {
        let loaders = Loaders::of(ctx)?;
        Ok(load_required(&loaders.products, self.0.product_id)
            .await?
            .into())
    }

    /// Units ordered.
    async fn quantity(&self) -> i64 {
        self.0.quantity
    }

    /// Units returned so far.
    async fn returned_quantity(&self) -> i64 {
        self.0.returned_quantity
    }

    /// Unit price quoted when the order was placed.
    async fn unit_price(&self) -> Money {
        Money::new(self.0.unit_price, &self.0.currency)
    }

    /// Metrc package tag the POS filled the line from, where known.
    async fn package_tag(&self) -> Option<&str> {
        self.0.package_tag.as_deref()
    }
}
