//! `StockLevel`: units of one product at one location, and the location's offer of it.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entities::{location, stock_level};

use super::{Location, Money, Product, ids::to_id};
use crate::{
    error::ApiError,
    graphql::loaders::{Loaders, load_required},
};

/// Stock of one product at one location, and what the location asks for it.
/// `available = max(0, onHand - reserved)`.
#[derive(Clone)]
pub struct StockLevel {
    model: stock_level::Model,
    /// The location, when the list that produced this level loaded it already.
    location: Option<location::Model>,
}

impl StockLevel {
    /// A stock level whose location is loaded on demand.
    pub const fn new(model: stock_level::Model) -> Self {
        Self {
            model,
            location: None,
        }
    }

    /// A stock level with its location already loaded.
    pub const fn with_location(
        model: stock_level::Model,
        location: Option<location::Model>,
    ) -> Self {
        Self { model, location }
    }

    /// The stored row.
    pub const fn model(&self) -> &stock_level::Model {
        &self.model
    }
}

#[Object(cache_control(max_age = 10, public))]
impl StockLevel {
    /// The stock row's id.
    async fn id(&self) -> ID {
        to_id(self.model.id)
    }

    /// The product.
    async fn product(&self, ctx: &Context<'_>) -> Result<Product, ApiError> {
        let loaders = Loaders::of(ctx)?;
        Ok(load_required(&loaders.products, self.model.product_id)
            .await?
            .into())
    }

    /// The location holding the stock.
    async fn location(&self, ctx: &Context<'_>) -> Result<Location, ApiError> {
        if let Some(location) = &self.location {
            return Ok(Location(location.clone()));
        }
        let loaders = Loaders::of(ctx)?;
        Ok(Location(
            load_required(&loaders.locations, self.model.location_id).await?,
        ))
    }

    /// Units on hand at the register, as the POS last reported.
    async fn on_hand(&self) -> i64 {
        self.model.on_hand
    }

    /// Units held for online orders the POS has not yet taken.
    async fn reserved(&self) -> i64 {
        self.model.reserved
    }

    /// Units that can still be ordered online.
    async fn available(&self) -> i64 {
        self.model.available()
    }

    /// When Canopy last changed this stock level.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.model.updated_at
    }

    /// The POS's time of the last change applied, when it gives one.
    async fn pos_updated_at(&self) -> Option<DateTime<Utc>> {
        self.model.pos_updated_at
    }

    /// Unit price at this location: the adult-use price, or the medical price for
    /// medical-only products.
    async fn price(&self) -> Option<Money> {
        self.model
            .shown_price()
            .map(|amount| Money::new(amount, &self.model.currency))
    }

    /// Unit price for medical patients at this location, when its POS prices it apart.
    async fn medical_price(&self) -> Option<Money> {
        self.model
            .med_price
            .map(|amount| Money::new(amount, &self.model.currency))
    }

    /// Listed and sellable online at this location.
    async fn listed(&self) -> bool {
        self.model.listed
    }

    /// Most units one transaction may contain at this location, when its POS limits it.
    async fn max_per_transaction(&self) -> Option<i32> {
        self.model.max_per_transaction
    }
}
