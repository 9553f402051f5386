//! `Product`: a catalog item with its cannabis and alcohol attributes, its stock and
//! each store's offer of it (price, listing, limit; see [`super::offer`]).

use std::collections::HashMap;

use async_graphql::{Context, ID, Lookahead, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entities::{product, stock_level};
use uuid::Uuid;

use super::{
    Money, StockLevel,
    cursor::IdList,
    enums::{PotencyUnit, ProductCategory, StrainType, WeightUnit},
    ids::{parse_optional_id, to_id},
    offer::{self, Offered},
};
use crate::{
    error::ApiError,
    graphql::{
        contained,
        loaders::{Loaders, load_children},
    },
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
    /// The store whose menu listed the product: its offer is the one shown when a field
    /// names no location.
    menu: Option<Uuid>,
}

impl From<product::Model> for Product {
    fn from(model: product::Model) -> Self {
        Self {
            model,
            stock: None,
            menu: None,
        }
    }
}

/// The fields of a product node that read its stock rows (its offers are on them).
const READS_STOCK: [&str; 5] = [
    "stock",
    "price",
    "medicalPrice",
    "maxPerTransaction",
    "active",
];

impl Product {
    /// The stored row.
    pub const fn model(&self) -> &product::Model {
        &self.model
    }

    /// The nodes of a product list, read from the menu of `menu` (a store) or of every
    /// store. When a `selection` of the nodes asks for `stock` (and its `location`) or an
    /// offer (`price` …), the stock of every product (and those locations) is loaded here
    /// with one statement each, so the page costs the same whatever its size.
    pub async fn list(
        ctx: &Context<'_>,
        selections: &[Lookahead<'_>],
        models: Vec<product::Model>,
        menu: Option<Uuid>,
    ) -> Result<Vec<Self>, ApiError> {
        let reads_stock = selections
            .iter()
            .any(|node| READS_STOCK.iter().any(|field| node.field(field).exists()));
        if !reads_stock {
            return Ok(models
                .into_iter()
                .map(|model| Self {
                    menu,
                    ..Self::from(model)
                })
                .collect());
        }
        let with_locations = selections
            .iter()
            .any(|node| node.field("stock").field("location").exists());
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
                    menu,
                }
            })
            .collect())
    }

    /// Every stock row of the product (preloaded by the list, else through the loader).
    async fn levels(&self, ctx: &Context<'_>) -> Result<Vec<stock_level::Model>, ApiError> {
        if let Some(levels) = &self.stock {
            return Ok(levels.iter().map(|level| level.model().clone()).collect());
        }
        load_children(&Loaders::of(ctx)?.stock_by_product, self.model.id).await
    }

    /// The offers the product's fields show: the store named by `location_id` (else by
    /// the menu the product was listed on), or every store that lists it.
    async fn offers(
        &self,
        ctx: &Context<'_>,
        location_id: Option<&ID>,
    ) -> Result<Offered, ApiError> {
        let at = parse_optional_id("locationId", location_id)?.or(self.menu);
        Ok(Offered::of(self.levels(ctx).await?, at))
    }
}

impl IdList for Product {
    const KIND: &'static str = "product";
}

#[Object(cache_control(max_age = 60, public))]
impl Product {
    /// The product's id.
    async fn id(&self, ctx: &Context<'_>) -> ID {
        contained::product(ctx, self.model.id);
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

    /// Unit price at `locationId` (by default the store whose menu listed the product):
    /// the adult-use price, or the medical price for medical-only products. Without a
    /// store, a "from" price: the lowest among the stores that list the product.
    async fn price(
        &self,
        ctx: &Context<'_>,
        location_id: Option<ID>,
    ) -> Result<Option<Money>, ApiError> {
        Ok(self
            .offers(ctx, location_id.as_ref())
            .await?
            .lowest(stock_level::Model::shown_price))
    }

    /// Unit price for medical patients at `locationId` (by default the store whose menu
    /// listed the product), when its POS prices it apart. Without a store, a "from"
    /// price: the lowest among the stores that list the product.
    async fn medical_price(
        &self,
        ctx: &Context<'_>,
        location_id: Option<ID>,
    ) -> Result<Option<Money>, ApiError> {
        Ok(self
            .offers(ctx, location_id.as_ref())
            .await?
            .lowest(|level| level.med_price))
    }

    /// Sold to medical patients only.
    async fn medical_only(&self) -> bool {
        self.model.medical_only
    }

    /// Most units one transaction may contain at `locationId` (by default the store whose
    /// menu listed the product), when its POS limits it. Without a store, the strictest
    /// limit among the stores that list the product.
    async fn max_per_transaction(
        &self,
        ctx: &Context<'_>,
        location_id: Option<ID>,
    ) -> Result<Option<i32>, ApiError> {
        Ok(self
            .offers(ctx, location_id.as_ref())
            .await?
            .strictest_limit())
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

    /// Listed and sellable online at some store (see `StockLevel.listed` per store).
    async fn active(&self, ctx: &Context<'_>) -> Result<bool, ApiError> {
        Ok(offer::listed_anywhere(&self.levels(ctx).await?))
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
