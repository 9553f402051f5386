//! `purchases`: one customer's purchase history, online orders and register sales alike.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::PurchaseSource;

/// A completed sale, return or void. `(connection_id, external_id)` is unique,
/// so a POS transaction is recorded once however often it is read.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "purchases")]
pub struct Model {
    /// Primary key (UUID v7).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The buyer; `None` for a register sale not (yet) matched to a customer.
    pub customer_id: Option<Uuid>,
    /// Online or in store.
    pub source: PurchaseSource,
    /// The Canopy order this purchase fulfilled, if any.
    pub order_id: Option<Uuid>,
    /// The POS connection that reported it.
    pub connection_id: Option<Uuid>,
    /// The POS's transaction id.
    pub external_id: Option<String>,
    /// For returns: the POS's id of the transaction returned.
    pub return_of_external_id: Option<String>,
    /// The store.
    pub location_id: Uuid,
    /// Transaction total, minor units of `currency` (negative for returns when the POS says so).
    pub total: i64,
    /// ISO 4217 currency.
    pub currency: String,
    /// When the sale happened.
    pub occurred_at: DateTimeUtc,
    /// This transaction returns goods.
    pub is_return: bool,
    /// The transaction was voided (it counts for nothing).
    pub is_void: bool,
    /// Created.
    pub created_at: DateTimeUtc,
    /// Last changed.
    pub updated_at: DateTimeUtc,
}

/// Relations of a purchase.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The buyer.
    #[sea_orm(
        belongs_to = "super::customer::Entity",
        from = "Column::CustomerId",
        to = "super::customer::Column::Id",
        on_delete = "Restrict"
    )]
    Customer,
    /// The online order.
    #[sea_orm(
        belongs_to = "super::order::Entity",
        from = "Column::OrderId",
        to = "super::order::Column::Id",
        on_delete = "SetNull"
    )]
    Order,
    /// The POS connection.
    #[sea_orm(
        belongs_to = "super::provider_connection::Entity",
        from = "Column::ConnectionId",
        to = "super::provider_connection::Column::Id",
        on_delete = "SetNull"
    )]
    ProviderConnection,
    /// The store.
    #[sea_orm(
        belongs_to = "super::location::Entity",
        from = "Column::LocationId",
        to = "super::location::Column::Id",
        on_delete = "Restrict"
    )]
    Location,
    /// The lines.
    #[sea_orm(has_many = "super::purchase_line::Entity")]
    PurchaseLine,
}

impl Related<super::customer::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Customer.def()
    }
}

impl Related<super::order::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Order.def()
    }
}

impl Related<super::provider_connection::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ProviderConnection.def()
    }
}

impl Related<super::location::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Location.def()
    }
}

impl Related<super::purchase_line::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::PurchaseLine.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
