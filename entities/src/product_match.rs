//! `product_matches`: how a product record from one connection was matched to a product
//! another connection brought, or why it was kept apart.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::{MatchRule, MatchStatus};

/// One match decision, for the admin's review.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "product_matches")]
pub struct Model {
    /// Primary key (UUID v7).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The product the record was matched into (or, kept apart, the one it resembled).
    pub product_id: Uuid,
    /// The other product: the record's own when it was kept apart, the merged-away one
    /// after an admin merge.
    pub other_product_id: Option<Uuid>,
    /// The connection whose record was matched (none for an admin merge).
    pub connection_id: Option<Uuid>,
    /// The record's POS id.
    pub external_id: Option<String>,
    /// The rule applied.
    pub rule: MatchRule,
    /// The values the rule compared.
    pub evidence: Json,
    /// Where it stands in review.
    pub status: MatchStatus,
    /// Whether the evidence contradicts itself (such records are never merged).
    pub conflict: bool,
    /// `sync`, or the admin who decided last.
    pub decided_by: String,
    /// Created.
    pub created_at: DateTimeUtc,
    /// Last changed.
    pub updated_at: DateTimeUtc,
}

/// Match decisions stand alone (their products may be merged away).
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
