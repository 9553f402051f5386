//! `compliance_rules`: the sales rules of a jurisdiction and market, kept as data so
//! admins can read and change them (California's are seeded by the migration).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::{ComplianceMarket, ComplianceRuleKind, ProductClass};

/// One rule: a minimum age (optionally requiring a medical card) or a purchase limit.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "compliance_rules")]
pub struct Model {
    /// Primary key (UUID v7).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Stable name shown in refusals, e.g. `CA_ADULT_USE_NON_CONCENTRATE_DAILY` (unique).
    #[sea_orm(unique)]
    pub code: String,
    /// Jurisdiction, as in `locations.state` (e.g. `CA`).
    pub jurisdiction: String,
    /// The market the rule governs.
    pub market: ComplianceMarket,
    /// What the rule constrains.
    pub kind: ComplianceRuleKind,
    /// Minimum age in years (`MINIMUM_AGE` rules).
    pub min_age: Option<i32>,
    /// Buyers need a valid, unexpired medical card (`MINIMUM_AGE` rules).
    pub requires_medical_card: bool,
    /// The product class limited (`PURCHASE_LIMIT` rules).
    pub product_class: Option<ProductClass>,
    /// Flower-equivalent grams allowed per period (`PURCHASE_LIMIT` rules).
    pub limit_grams: Option<f64>,
    /// Length of the period in calendar days of the location's time zone
    /// (`PURCHASE_LIMIT` rules; 1 = per day).
    pub period_days: Option<i32>,
    /// What the rule is and where it comes from.
    pub description: String,
    /// Disabled rules are kept but not enforced.
    pub enabled: bool,
    /// Last change.
    pub updated_at: DateTimeUtc,
}

/// `compliance_rules` has no relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
