//! `ComplianceRule`: one sales rule of a jurisdiction and market, as admins see it.

use async_graphql::{ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entities::compliance_rule::{self, RuleTerm};

use super::{
    enums::{
        ComplianceMarket, ComplianceMeasure, ComplianceRuleKind, ComplianceWindow, FigureSource,
        ProductCategory, ProductClass, Residency, WhenUnknown,
    },
    ids::to_id,
};

/// A minimum age or a purchase limit of one jurisdiction and market.
pub struct ComplianceRule(pub compliance_rule::Model);

/// One part of what counts toward a limit: products of `categories`, by `measure`
/// times `factor` (or by `fallbackMeasure` times `fallbackFactor` when that is unknown).
#[derive(SimpleObject)]
pub struct ComplianceTerm {
    /// The categories counted.
    pub categories: Vec<ProductCategory>,
    /// The product measure counted.
    pub measure: ComplianceMeasure,
    /// Units of the rule's measure per unit of `measure`.
    pub factor: f64,
    /// The measure used when `measure` is unknown.
    pub fallback_measure: Option<ComplianceMeasure>,
    /// Its factor.
    pub fallback_factor: Option<f64>,
    /// When neither is known.
    pub when_unknown: WhenUnknown,
}

impl From<RuleTerm> for ComplianceTerm {
    fn from(term: RuleTerm) -> Self {
        Self {
            categories: term.categories,
            measure: term.count.measure.into(),
            factor: term.count.factor,
            fallback_measure: term.fallback.map(|f| f.measure.into()),
            fallback_factor: term.fallback.map(|f| f.factor),
            when_unknown: term.when_unknown.into(),
        }
    }
}

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

    /// The categories an age rule is about (it then applies in every market); null:
    /// the market's general age rule.
    async fn categories(&self) -> Option<Vec<ProductCategory>> {
        compliance_rule::category_names::parse(self.0.categories.as_ref()?)
    }

    /// The measure of `limit` (`PURCHASE_LIMIT`).
    async fn measure(&self) -> Option<ComplianceMeasure> {
        self.0.measure.map(Into::into)
    }

    /// How much of `measure` is allowed in the window (`PURCHASE_LIMIT`).
    async fn limit(&self) -> Option<f64> {
        self.0.limit_amount
    }

    /// The unit of `limit` (`g`, `mg`, `oz`, `fl oz`, `units`, `plants`).
    async fn unit(&self) -> Option<&'static str> {
        self.0.measure.map(|m| m.unit())
    }

    /// What the limit counts over (`PURCHASE_LIMIT`).
    async fn window(&self) -> Option<ComplianceWindow> {
        self.0.window.map(Into::into)
    }

    /// Days of a `ROLLING_DAYS` window.
    async fn window_days(&self) -> Option<i32> {
        self.0.window_days
    }

    /// Residents or non-residents only; null: everyone.
    async fn residency(&self) -> Option<Residency> {
        self.0.residency.map(Into::into)
    }

    /// What counts toward the limit (`PURCHASE_LIMIT`).
    async fn terms(&self) -> Vec<ComplianceTerm> {
        self.0
            .terms
            .clone()
            .and_then(|terms| serde_json::from_value::<Vec<RuleTerm>>(terms).ok())
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect()
    }

    /// The code of the total this rule is a sub-limit of.
    async fn within_code(&self) -> Option<&str> {
        self.0.within_code.as_deref()
    }

    /// The regulation the figure comes from.
    async fn citation(&self) -> Option<&str> {
        self.0.citation.as_deref()
    }

    /// How well the figure is sourced.
    async fn source(&self) -> Option<FigureSource> {
        self.0.source.map(Into::into)
    }

    /// Legacy: the product class limited, for a flower or concentrate gram limit.
    #[graphql(deprecation = "use `measure` and `terms`")]
    async fn product_class(&self) -> Option<ProductClass> {
        use entities::enums::{ComplianceMeasure as M, ProductClass as C};
        match self.0.measure? {
            M::FlowerG => Some(C::NonConcentrate.into()),
            M::ConcentrateG => Some(C::Concentrate.into()),
            _ => None,
        }
    }

    /// Legacy: the limit, when it is in grams.
    #[graphql(deprecation = "use `limit` and `unit`")]
    async fn limit_grams(&self) -> Option<f64> {
        self.0
            .limit_amount
            .filter(|_| self.0.measure.is_some_and(|m| m.unit() == "g"))
    }

    /// Legacy: the window in days (1 for a calendar day).
    #[graphql(deprecation = "use `window` and `windowDays`")]
    async fn period_days(&self) -> Option<i32> {
        use entities::enums::ComplianceWindow as W;
        match self.0.window? {
            W::CalendarDay => Some(1),
            W::RollingDays => self.0.window_days,
            W::Transaction | W::CalendarMonth => None,
        }
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
