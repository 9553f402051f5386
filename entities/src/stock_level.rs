//! `stock_levels`: on-hand (the POS's) and reserved (Canopy's) units per product and
//! location, and the store's offer of the product (its price, listing and limit there).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Stock of one product at one location, and the location's offer of it (what the
/// store's POS catalog says: price, listing, limit). `(product_id, location_id)` is
/// unique; `on_hand >= 0`, `reserved >= 0` and prices `>= 0` are checked by the database.
/// A product a connection sells has a row at each of its stores, stocked or not.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "stock_levels")]
pub struct Model {
    /// Primary key (UUID v7).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The product.
    pub product_id: Uuid,
    /// The location.
    pub location_id: Uuid,
    /// Units on hand at the register, as the POS last said.
    pub on_hand: i64,
    /// Units held for online orders the POS has not yet taken.
    pub reserved: i64,
    /// The POS's time of the last change applied (older changes are ignored).
    pub pos_updated_at: Option<DateTimeUtc>,
    /// The POS's version of the last change applied, when the vendor has one.
    pub pos_version: Option<i64>,
    /// Metrc package tag of the stock, where known.
    pub package_tag: Option<String>,
    /// When Canopy last changed this row.
    pub updated_at: DateTimeUtc,
    /// Adult-use unit price at this store, minor units of `currency`.
    pub price: Option<i64>,
    /// Medical unit price at this store, minor units of `currency`.
    pub med_price: Option<i64>,
    /// ISO 4217 currency of the prices (the store's).
    pub currency: String,
    /// Listed and sellable online at this store.
    pub listed: bool,
    /// The store's POS maximum units per transaction.
    pub max_per_transaction: Option<i32>,
    /// The POS's last-modified time of the catalog record the offer came from.
    pub offer_modified_at: Option<DateTimeUtc>,
}

impl Model {
    /// Units that can still be sold online: `max(0, on_hand - reserved)`.
    pub fn available(&self) -> i64 {
        self.on_hand.saturating_sub(self.reserved).max(0)
    }

    /// The unit price shown to everyone: the adult-use price, or the medical price for a
    /// product the store prices for patients only.
    pub fn shown_price(&self) -> Option<i64> {
        self.price.or(self.med_price)
    }
}

/// Relations of a stock level.
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
    /// The location.
    #[sea_orm(
        belongs_to = "super::location::Entity",
        from = "Column::LocationId",
        to = "super::location::Column::Id",
        on_delete = "Cascade"
    )]
    Location,
}

impl Related<super::product::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Product.def()
    }
}

impl Related<super::location::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Location.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
