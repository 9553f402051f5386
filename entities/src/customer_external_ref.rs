//! `customer_external_refs`: a customer's id at one POS connection.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// The id a POS uses for a Canopy customer. `(connection_id, external_id)` is unique.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "customer_external_refs")]
pub struct Model {
    /// Primary key (UUID v7).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The Canopy customer.
    pub customer_id: Uuid,
    /// The POS connection.
    pub connection_id: Uuid,
    /// The POS's customer id.
    pub external_id: String,
    /// The POS's last-modified time of the profile last merged.
    pub pos_modified_at: Option<DateTimeUtc>,
    /// A digest of each profile field as this POS last sent it, by field name: a
    /// later record changes only the fields whose digest differs.
    pub field_hashes: Option<Json>,
    /// Created.
    pub created_at: DateTimeUtc,
}

/// Relations of a customer reference.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The Canopy customer.
    #[sea_orm(
        belongs_to = "super::customer::Entity",
        from = "Column::CustomerId",
        to = "super::customer::Column::Id",
        on_delete = "Cascade"
    )]
    Customer,
    /// The POS connection.
    #[sea_orm(
        belongs_to = "super::provider_connection::Entity",
        from = "Column::ConnectionId",
        to = "super::provider_connection::Column::Id",
        on_delete = "Cascade"
    )]
    ProviderConnection,
}

impl Related<super::customer::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Customer.def()
    }
}

impl Related<super::provider_connection::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ProviderConnection.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
