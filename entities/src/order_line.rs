//! `order_lines`: what an order contains, and how much of it came back.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One product on an order. The database checks `quantity > 0` and
/// `0 <= returned_quantity <= quantity`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "order_lines")]
pub struct Model {
    /// Primary key (UUID v7).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The order.
    pub order_id: Uuid,
    /// The product.
    pub product_id: Uuid,
    /// Units ordered.
    pub quantity: i64,
    /// Units returned so far.
    pub returned_quantity: i64,
    /// Unit price quoted, minor units of `currency`.
    pub unit_price: i64,
    /// ISO 4217 currency.
    pub currency: String,
    /// Metrc package tag the POS filled it from, where known.
    pub package_tag: Option<String>,
}

/// Relations of an order line.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The order.
    #[sea_orm(
        belongs_to = "super::order::Entity",
        from = "Column::OrderId",
        to = "super::order::Column::Id",
        on_delete = "Cascade"
    )]
    Order,
    /// The product.
    #[sea_orm(
        belongs_to = "super::product::Entity",
        from = "Column::ProductId",
        to = "super::product::Column::Id",
        on_delete = "Restrict"
    )]
    Product,
}

impl Related<super::order::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Order.def()
    }
}

impl Related<super::product::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Product.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
