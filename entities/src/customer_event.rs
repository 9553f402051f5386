//! `customer_events`: what happened to a customer profile, newest last.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One event of a profile: a POS record merged into it, a Canopy edit, a push to a POS
/// (or a POS keeping the edit out), an identity merge or unmerge, an erasure. Holds the
/// names of the fields concerned, never their values.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "customer_events")]
pub struct Model {
    /// Primary key (UUID v7).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The profile.
    pub customer_id: Uuid,
    /// What happened, e.g. `pos_merged`, `edited`, `pushed`, `kept_in_canopy`, `merged`.
    pub kind: String,
    /// The POS connection concerned, if any.
    pub connection_id: Option<Uuid>,
    /// The other profile of a merge or unmerge.
    pub other_customer_id: Option<Uuid>,
    /// The field names concerned (JSON array of strings).
    pub fields: Json,
    /// Who caused it: `pos`, `customer`, or the admin's token subject.
    pub actor: String,
    /// When.
    pub at: DateTimeUtc,
    /// The `push_customer` outbox row whose outcome at `connection_id` this records.
    pub push_id: Option<Uuid>,
}

/// Relations of a customer event.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The profile.
    #[sea_orm(
        belongs_to = "super::customer::Entity",
        from = "Column::CustomerId",
        to = "super::customer::Column::Id",
        on_delete = "Cascade"
    )]
    Customer,
}

impl Related<super::customer::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Customer.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
