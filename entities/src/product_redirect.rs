//! `product_redirects`: the id of a product merged into another, kept so links to it
//! (a gateway's cached key, a storefront URL) still resolve to the survivor.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A merged-away product id and what a split needs to bring it back.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "product_redirects")]
pub struct Model {
    /// The id merged away.
    #[sea_orm(primary_key, auto_increment = false)]
    pub from_id: Uuid,
    /// The surviving product.
    pub to_id: Uuid,
    /// The connections whose records the merged-away product carried (JSON array of ids).
    pub connections: Json,
    /// The merged-away product's row and measures as they were (JSON).
    pub snapshot: Json,
    /// When it was merged.
    pub created_at: DateTimeUtc,
}

/// A redirect belongs to its surviving product.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The survivor.
    #[sea_orm(
        belongs_to = "super::product::Entity",
        from = "Column::ToId",
        to = "super::product::Column::Id",
        on_delete = "Cascade"
    )]
    Product,
}

impl Related<super::product::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Product.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
