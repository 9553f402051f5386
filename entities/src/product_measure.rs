//! `product_measures`: an admin's per-product figures for what the POS sends too little
//! of; each set figure wins over the one derived from the catalog.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// The overrides of one product's compliance measures, per unit sold.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "product_measures")]
pub struct Model {
    /// The product.
    #[sea_orm(primary_key, auto_increment = false)]
    pub product_id: Uuid,
    /// Grams of non-concentrated cannabis.
    pub flower_g: Option<f64>,
    /// Grams of concentrate (contained).
    pub concentrate_g: Option<f64>,
    /// Milligrams of THC.
    pub thc_mg: Option<f64>,
    /// Ounces of a solid infused product.
    pub solid_oz: Option<f64>,
    /// Fluid ounces of a liquid infused product.
    pub fluid_oz: Option<f64>,
    /// Plants.
    pub plants: Option<f64>,
    /// Who set them last.
    pub updated_by: String,
    /// Last change.
    pub updated_at: DateTimeUtc,
}

/// `product_measures` belongs to `products`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The product.
    #[sea_orm(
        belongs_to = "super::product::Entity",
        from = "Column::ProductId",
        to = "super::product::Column::Id",
        on_delete = "Cascade"
    )]
    Product,
}

impl ActiveModelBehavior for ActiveModel {}
