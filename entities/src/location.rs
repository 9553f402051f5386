//! `locations`: a store, with the jurisdiction facts compliance needs.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A store (dispensary or shop).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "locations")]
pub struct Model {
    /// Primary key (UUID v7).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Display name.
    pub name: String,
    /// Street address.
    pub address: Option<String>,
    /// City.
    pub city: Option<String>,
    /// Jurisdiction: two-letter state or province code, e.g. `CA`.
    pub state: String,
    /// Postal code.
    pub postal_code: Option<String>,
    /// Sells adult-use (recreational).
    pub adult_use: bool,
    /// Sells to medical patients.
    pub medical: bool,
    /// State licence number.
    pub licence_number: Option<String>,
    /// IANA time zone, e.g. `America/Los_Angeles` (compliance periods are local days).
    pub time_zone: String,
    /// Minimum customer age when it differs from the jurisdiction's rule.
    pub min_age_override: Option<i32>,
    /// The POS connection this store is served by.
    pub connection_id: Option<Uuid>,
    /// The POS's id for this store (unique per connection).
    pub external_id: Option<String>,
    /// Created.
    pub created_at: DateTimeUtc,
    /// Last changed.
    pub updated_at: DateTimeUtc,
}

/// Canada's provinces and territories (every other jurisdiction is in the United States).
const CANADIAN: [&str; 13] = [
    "AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT",
];

impl Model {
    /// The ISO 4217 currency the store sells in, by its jurisdiction: `CAD` in a
    /// Canadian province or territory, `USD` elsewhere.
    pub fn currency(&self) -> &'static str {
        if CANADIAN.contains(&self.state.to_ascii_uppercase().as_str()) {
            "CAD"
        } else {
            "USD"
        }
    }
}

/// Relations of a location.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The POS connection serving this store.
    #[sea_orm(
        belongs_to = "super::provider_connection::Entity",
        from = "Column::ConnectionId",
        to = "super::provider_connection::Column::Id",
        on_delete = "SetNull"
    )]
    ProviderConnection,
    /// Stock held at this store.
    #[sea_orm(has_many = "super::stock_level::Entity")]
    StockLevel,
    /// Orders placed at this store.
    #[sea_orm(has_many = "super::order::Entity")]
    Order,
}

impl Related<super::provider_connection::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ProviderConnection.def()
    }
}

impl Related<super::stock_level::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::StockLevel.def()
    }
}

impl Related<super::order::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Order.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
