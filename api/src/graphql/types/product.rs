//! `Product`: a catalog item with its cannabis and alcohol attributes and its stock.

use std::collections::HashMap;

use async_graphql::{Context, ID, Lookahead, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entities::product;

use super::{
    Money, StockLevel,
    cursor::IdList,
    enums::{PotencyUnit, ProductCategory, StrainType, WeightUnit},
    ids::{parse_optional_id, to_id},
};
use crate::{
    error::ApiError,
    graphql::loaders::{Loaders, load_children},
};

/// A cannabinoid content (THC or CBD).
#[derive(Clone, Copy, Debug, PartialEq, SimpleObject)]
pub struct Potency {
    /// The amount, in `unit`.
    pub value: f64,
    /// The unit of `value`.
    pub unit: PotencyUnit,
}

/// A net weight or volume.
#[derive(Clone, Copy, Debug, PartialEq, SimpleObject)]
pub struct Measure {
    /// The amount, in `unit`.
    pub value: f64,
    /// The unit of `value`.
    pub unit: WeightUnit,
}

/// A sellable item of the catalog.
pub struct Product {
    model: product::Model,
    /// Every stock level of the product, when the list that produced it loaded them.
    stock: Option<Vec<StockLevel>>,
}

impl From<product::Model> for Product {
    fn from(model: product::Model) -> Self {
        Self { model, stock: None }
    }
}

impl Product {
    /// The stored row.
    pub const fn model(&self) -> &product::Model {
        &self.model
    }

    /// The nodes of a product list. When a `selection` of the nodes asks for `stock` (and
    /// its `location`), the stock of every product (and those locations) is loaded here
    /// with one statement each, so the page costs the same whatever its size.
    pub async fn list(
        ctx: &Context<'_>,
        selections: &[Lookahead<'_>],
        models: Vec<product::Model>,
    ) -> Result<Vec<Self>, ApiError> {
        let stock = selections.iter().map(|node| node.field("stock"));
        if !stock.clone().any(|stock| stock.exists()) {
            return Ok(models.into_iter().map(Self::from).collect());
        }
        let with_locations = stock
            .into_iter()
            .any(|stock| stock.field("location").exists());
        let loaders = Loaders::of(ctx)?;
        let mut levels = loaders
            .stock_by_product
            .load_many(models.iter().map(|model| model.id))
            .await?;
        let locations = if with_locations {
            let ids = levels.values().flatten().map(|level| level.location_id);
            loaders.locations.load_many(ids).await?
        } else {
            HashMap::new()
        };
        Ok(models
            .into_iter()
            .map(|model| {
                let stock = levels
                    .remove(&model.id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|level| {
                        let location = locations.get(&level.location_id).cloned();
                        StockLevel::with_location(level, location)
                    })
                    .collect();
                Self {
                    model,
                    stock: Some(stock),
                }
            })
            .collect())
    }
}

impl IdList for Product {
    const KIND: &'static str = "product";
}

#[Object(cache_control(max_age = 60, public))]
impl Product {
    /// The product's id.
    async fn id(&self) -> ID {
        to_id(self.model.id)
    }

    /// Display name.
    async fn name(&self) -> &str {
        &self.model.name
    }

    /// Brand name.
    async fn brand(&self) -> Option<&str> {
        self.model.brand.as_deref()
    }

    /// Category.
    async fn category(&self) -> ProductCategory {
        self.model.category
    }

    /// Strain type, for cannabis products.
    async fn strain_type(&self) -> Option<StrainType> {
        self.model.strain_type
    }

    /// THC content.
    async fn thc(&self) -> Option<Potency> {
        potency(self.model.thc_value, self.model.thc_unit)
    }

    /// CBD content.
    async fn cbd(&self) -> Option<Potency> {
        potency(self.model.cbd_value, self.model.cbd_unit)
    }

    /// Net weight or volume as sold.
    async fn net_weight(&self) -> Option<Measure> {
        Some(Measure {
            value: self.model.net_weight_value?,
            unit: self.model.net_weight_unit?,
        })
    }

    /// Grams of flower each unit counts for against purchase limits.
    async fn flower_equivalent_grams(&self) -> Option<f64> {
        self.model.flower_equivalent_grams
    }

    /// Alcohol by volume, in percent (alcohol products).
    async fn abv(&self) -> Option<f64> {
        self.model.abv
    }

    /// Volume in millilitres (beverages).
    async fn volume_ml(&self) -> Option<f64> {
        self.model.volume_ml
    }

    /// Unit price: the adult-use price, or the medical price for medical-only products.
    async fn price(&self) -> Option<Money> {
        self.model
            .rec_price
            .or(self.model.med_price)
            .map(|amount| Money::new(amount, &self.model.currency))
    }

    /// Unit price for medical patients, when it differs in the POS.
    async fn medical_price(&self) -> Option<Money> {
        self.model
            .med_price
            .map(|amount| Money::new(amount, &self.model.currency))
    }

    /// Sold to medical patients only.
    async fn medical_only(&self) -> bool {
        self.model.medical_only
    }

    /// Most units one transaction may contain, when the POS limits it.
    async fn max_per_transaction(&self) -> Option<i32> {
        self.model.max_per_transaction
    }

    /// Image URLs.
    async fn images(&self) -> Vec<&str> {
        self.model
            .images
            .as_array()
            .map(|images| images.iter().filter_map(|url| url.as_str()).collect())
            .unwrap_or_default()
    }

    /// Metrc package tag, where known.
    async fn package_tag(&self) -> Option<&str> {
        self.model.package_tag.as_deref()
    }

    /// Stock-keeping unit.
    async fn sku(&self) -> Option<&str> {
        self.model.sku.as_deref()
    }

    /// Universal product code (barcode).
    async fn upc(&self) -> Option<&str> {
        self.model.upc.as_deref()
    }

    /// Listed and sellable online.
    async fn active(&self) -> bool {
        self.model.active
    }

    /// When the product last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.model.updated_at
    }

    /// Stock at every location carrying the product, or at `locationId` only.
    async fn stock(
        &self,
        ctx: &Context<'_>,
        location_id: Option<ID>,
    ) -> Result<Vec<StockLevel>, ApiError> {
        let location_id = parse_optional_id("locationId", location_id.as_ref())?;
        let at_location =
            |level: &StockLevel| location_id.is_none_or(|id| level.model().location_id == id);
        if let Some(levels) = &self.stock {
            return Ok(levels
                .iter()
                .filter(|level| at_location(level))
                .cloned()
                .collect());
        }
        let loaders = Loaders::of(ctx)?;
        let levels = load_children(&loaders.stock_by_product, self.model.id).await?;
        Ok(levels
            .into_iter()
            .map(StockLevel::new)
            .filter(at_location)
            .collect())
    }
}

fn potency(value: Option<f64>, unit: Option<entities::enums::PotencyUnit>) -> Option<Potency> {
    Some(Potency {
        value: value?,
        unit: unit?,
    })
}
