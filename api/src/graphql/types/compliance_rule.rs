//! `ComplianceRule`: one sales rule of a jurisdiction and market, as admins see it.

use async_graphql::{ID, Object};
use chrono::{DateTime, Utc};
use entities::compliance_rule;

use super::{
    enums::{ComplianceMarket, ComplianceRuleKind, ProductClass},
    ids::to_id,
};

/// A minimum age or a purchase limit of one jurisdiction and market.
pub struct ComplianceRule(pub compliance_rule::Model);

#[Object(cache_control(private))]
impl ComplianceRule {
    /// The rule's id.
    async fn id(&self) -> ID {
        to_id(self.0.id)
    }

    /// Stable code, named in `COMPLIANCE_LIMIT` errors (`extensions.rule`).
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Jurisdiction, as in a location's `state` (e.g. `CA`).
    async fn jurisdiction(&self) -> &str {
        &self.0.jurisdiction
    }

    /// The market governed.
    async fn market(&self) -> ComplianceMarket {
        self.0.market.into()
    }

    /// What the rule constrains.
    async fn kind(&self) -> ComplianceRuleKind {
        self.0.kind.into()
    }

    /// Minimum age in years (`MINIMUM_AGE`).
    async fn min_age(&self) -> Option<i32> {
        self.0.min_age
    }

    /// Whether buyers need a valid medical card (`MINIMUM_AGE`).
    async fn requires_medical_card(&self) -> bool {
        self.0.requires_medical_card
    }

    /// The product class limited (`PURCHASE_LIMIT`).
    async fn product_class(&self) -> Option<ProductClass> {
        self.0.product_class.map(Into::into)
    }

    /// Flower-equivalent grams allowed per period (`PURCHASE_LIMIT`).
    async fn limit_grams(&self) -> Option<f64> {
        self.0.limit_grams
    }

    /// Period length in calendar days of the location's time zone (`PURCHASE_LIMIT`).
    async fn period_days(&self) -> Option<i32> {
        self.0.period_days
    }

    /// What the rule is and where it comes from.
    async fn description(&self) -> &str {
        &self.0.description
    }

    /// Whether the rule is enforced.
    async fn enabled(&self) -> bool {
        self.0.enabled
    }

    /// Last change.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}
