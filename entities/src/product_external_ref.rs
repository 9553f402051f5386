//! `product_external_refs`: a product's id at one POS connection.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// The id a POS uses for a Canopy product. `(connection_id, external_id)` is unique.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "product_external_refs")]
pub struct Model {
    /// Primary key (UUID v7).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The Canopy product.
    pub product_id: Uuid,
    /// The POS connection.
    pub connection_id: Uuid,
    /// The POS's product id.
    pub external_id: String,
    /// The POS location the record came from, when the vendor scopes catalogs by location.
    pub external_location_id: Option<String>,
    /// The record's SKU, as last applied (the first matching rule).
    pub sku: Option<String>,
    /// The record's barcode as a GTIN-14 (the second rule).
    pub upc: Option<String>,
    /// `brand|name|measure|category`, normalised (the third rule); null when a part is missing.
    pub match_key: Option<String>,
    /// Net weight (`mg:…`) or volume (`ul:…`) in whole milligrams or microlitres.
    pub measure: Option<String>,
    /// Created.
    pub created_at: DateTimeUtc,
}

/// Relations of a product reference.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The Canopy product.
    #[sea_orm(
        belongs_to = "super::product::Entity",
        from = "Column::ProductId",
        to = "super::product::Column::Id",
        on_delete = "Cascade"
    )]
    Product,
    /// The POS connection.
    #[sea_orm(
        belongs_to = "super::provider_connection::Entity",
        from = "Column::ConnectionId",
        to = "super::provider_connection::Column::Id",
        on_delete = "Cascade"
    )]
    ProviderConnection,
}

impl Related<super::product::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Product.def()
    }
}

impl Related<super::provider_connection::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ProviderConnection.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
