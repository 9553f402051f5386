//! `Purchase`: one entry of a customer's purchase history.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entities::purchase;

use super::{Location, Money, Order, enums::PurchaseSource, ids::to_id};
use crate::{
    error::ApiError,
    graphql::loaders::{Loaders, load_one, load_required},
};

/// A completed sale, return or void, online or in store.
pub struct Purchase(pub purchase::Model);

#[Object(cache_control(private))]
impl Purchase {
    /// The purchase's id.
    async fn id(&self) -> ID {
        to_id(self.0.id)
    }

    /// Online or in store.
    async fn source(&self) -> PurchaseSource {
        self.0.source.into()
    }

    /// Transaction total.
    async fn total(&self) -> Money {
        Money::new(self.0.total, &self.0.currency)
    }

    /// When the sale happened.
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.0.occurred_at
    }

    /// This transaction returns goods.
    async fn is_return(&self) -> bool {
        self.0.is_return
    }

    /// The transaction was voided and counts for nothing.
    async fn is_void(&self) -> bool {
        self.0.is_void
    }

    /// The store.
    async fn location(&self, ctx: &Context<'_>) -> Result<Location, ApiError> {
        let loaders = Loaders::of(ctx)?;
        Ok(Location(
            load_required(&loaders.locations, self.0.location_id).await?,
        ))
    }

    /// The online order this purchase fulfilled, if any.
    async fn order(&self, ctx: &Context<'_>) -> Result<Option<Order>, ApiError> {
        let Some(order_id) = self.0.order_id else {
            return Ok(None);
        };
        let loaders = Loaders::of(ctx)?;
        Ok(load_one(&loaders.orders, order_id).await?.map(Order))
    }
}
