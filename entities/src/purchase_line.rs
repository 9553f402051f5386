//! `purchase_lines`: what a purchase contained, with the grams compliance counts.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One line of a purchase.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "purchase_lines")]
pub struct Model {
    /// Primary key (UUID v7).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The purchase.
    pub purchase_id: Uuid,
    /// The Canopy product, when the POS product is known.
    pub product_id: Option<Uuid>,
    /// The POS's product id, as reported.
    pub external_product_id: Option<String>,
    /// Units.
    pub quantity: i64,
    /// Line total after discounts, minor units of `currency`.
    pub amount: i64,
    /// ISO 4217 currency.
    pub currency: String,
    /// The line was returned.
    pub returned: bool,
    /// Flower-equivalent grams the line counts toward purchase limits (all units).
    pub flower_equivalent_grams: f64,
    /// The compliance product class (e.g. `non_concentrate`, `concentrate`), when known.
    pub product_class: Option<String>,
    /// Metrc package tag, where known.
    pub package_tag: Option<String>,
}

/// Relations of a purchase line.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The purchase.
    #[sea_orm(
        belongs_to = "super::purchase::Entity",
        from = "Column::PurchaseId",
        to = "super::purchase::Column::Id",
        on_delete = "Cascade"
    )]
    Purchase,
    /// The product.
    #[sea_orm(
        belongs_to = "super::product::Entity",
        from = "Column::ProductId",
        to = "super::product::Column::Id",
        on_delete = "SetNull"
    )]
    Product,
}

impl Related<super::purchase::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Purchase.def()
    }
}

impl Related<super::product::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Product.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
