//! `products`: Canopy's catalog, with cannabis and alcohol attributes.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::{PotencyUnit, ProductCategory, StrainType, WeightUnit};

/// A sellable item. One product may be known to several POS connections
/// (see `product_external_refs`); its price, listing and per-transaction limit are each
/// store's own (see `stock_levels`).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "products")]
pub struct Model {
    /// Primary key (UUID v7, so id order is creation order: keyset paging uses it).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Display name.
    pub name: String,
    /// Brand name.
    pub brand: Option<String>,
    /// Normalised category.
    pub category: ProductCategory,
    /// The vendor's own category value, as received.
    pub category_raw: Option<String>,
    /// Normalised strain type.
    pub strain_type: Option<StrainType>,
    /// The vendor's own strain type value, as received.
    pub strain_type_raw: Option<String>,
    /// THC content, in `thc_unit`.
    pub thc_value: Option<f64>,
    /// Unit of `thc_value`.
    pub thc_unit: Option<PotencyUnit>,
    /// CBD content, in `cbd_unit`.
    pub cbd_value: Option<f64>,
    /// Unit of `cbd_value`.
    pub cbd_unit: Option<PotencyUnit>,
    /// Net weight or volume as sold, in `net_weight_unit`.
    pub net_weight_value: Option<f64>,
    /// Unit of `net_weight_value`.
    pub net_weight_unit: Option<WeightUnit>,
    /// Grams counted toward purchase limits per unit sold.
    pub flower_equivalent_grams: Option<f64>,
    /// Alcohol by volume, percent (alcohol products).
    pub abv: Option<f64>,
    /// Volume in millilitres (beverages).
    pub volume_ml: Option<f64>,
    /// Sold to medical patients only.
    pub medical_only: bool,
    /// Image URLs (JSON array of strings).
    pub images: Json,
    /// Metrc package tag, where known.
    pub package_tag: Option<String>,
    /// Stock-keeping unit.
    pub sku: Option<String>,
    /// Universal product code (barcode), normalised to a GTIN-14.
    pub upc: Option<String>,
    /// The POS's last-modified time of the record last applied.
    pub pos_modified_at: Option<DateTimeUtc>,
    /// Created.
    pub created_at: DateTimeUtc,
    /// Last changed.
    pub updated_at: DateTimeUtc,
}

/// Relations of a product.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// Stock per location.
    #[sea_orm(has_many = "super::stock_level::Entity")]
    StockLevel,
    /// Ids of this product at each POS.
    #[sea_orm(has_many = "super::product_external_ref::Entity")]
    ProductExternalRef,
    /// Order lines for this product.
    #[sea_orm(has_many = "super::order_line::Entity")]
    OrderLine,
}

impl Related<super::stock_level::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::StockLevel.def()
    }
}

impl Related<super::product_external_ref::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ProductExternalRef.def()
    }
}

impl Related<super::order_line::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::OrderLine.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
