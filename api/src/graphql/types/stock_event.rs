//! `StockEvent`: a product's stock at a location right after a change, as
//! `stockChanged` subscriptions deliver it.

use async_graphql::{Context, Object};
use chrono::{DateTime, Utc};

use super::{Location, Product, enums::ChangeSource};
use crate::{
    error::ApiError,
    events::stock,
    graphql::loaders::{Loaders, load_required},
};

/// The stock of one product at one location right after a committed change.
pub struct StockEvent(pub stock::StockEvent);

#[Object]
impl StockEvent {
    /// The product.
    async fn product(&self, ctx: &Context<'_>) -> Result<Product, ApiError> {
        let loaders = Loaders::of(ctx)?;
        Ok(load_required(&loaders.products, self.0.product_id)
            .await?
            .into())
    }

    /// The location.
    async fn location(&self, ctx: &Context<'_>) -> Result<Location, ApiError> {
        let loaders = Loaders::of(ctx)?;
        Ok(Location(
            load_required(&loaders.locations, self.0.location_id).await?,
        ))
    }

    /// Units on hand at the register, as the POS last reported.
    async fn on_hand(&self) -> i64 {
        self.0.on_hand
    }

    /// Units held for online orders the POS has not yet taken.
    async fn reserved(&self) -> i64 {
        self.0.reserved
    }

    /// Units that can still be ordered online: `max(0, onHand - reserved)`.
    async fn available(&self) -> i64 {
        self.0.available
    }

    /// What caused the change. `SYSTEM` when the subscriber fell behind and this is the
    /// stock level as re-read from the database.
    async fn source(&self) -> ChangeSource {
        self.0.source.into()
    }

    /// When Canopy applied the change.
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
}
