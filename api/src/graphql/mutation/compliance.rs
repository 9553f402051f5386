//! Compliance rule changes and per-product measures (admins, audited).

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use entities::compliance_rule::{Conversion, RuleTerm};

use super::admin::admin_call;
use crate::{
    auth::RoleGuard,
    compliance::{
        overrides::{self, MeasureInput},
        rules::{self, RuleInput},
    },
    error::ApiError,
    graphql::{
        app_state,
        types::{
            ComplianceRule,
            enums::{
                ComplianceMarket, ComplianceMeasure, ComplianceRuleKind, ComplianceWindow,
                FigureSource, ProductCategory, ProductClass, Residency, WhenUnknown,
            },
            ids::parse_id,
        },
    },
};

/// One part of what counts toward a limit.
#[derive(InputObject)]
pub struct ComplianceTermInput {
    /// The categories counted (each in one term only).
    pub categories: Vec<ProductCategory>,
    /// The product measure counted.
    pub measure: ComplianceMeasure,
    /// Units of the rule's measure per unit of `measure` (> 0; 1 for the rule's own).
    #[graphql(default = 1.0)]
    pub factor: f64,
    /// The measure used when `measure` is unknown.
    pub fallback_measure: Option<ComplianceMeasure>,
    /// Its factor (> 0; required with `fallbackMeasure`).
    pub fallback_factor: Option<f64>,
    /// When neither is known: REFUSE the order (default) or IGNORE the product.
    #[graphql(default_with = "WhenUnknown::Refuse")]
    pub when_unknown: WhenUnknown,
}

impl ComplianceTermInput {
    fn into_term(self, index: usize) -> Result<RuleTerm, ApiError> {
        let fallback = match (self.fallback_measure, self.fallback_factor) {
            (None, None) => None,
            (Some(measure), Some(factor)) => Some(Conversion {
                measure: measure.into(),
                factor,
            }),
            _ => {
                return Err(ApiError::bad_field(
                    format!("input.terms[{index}].fallback"),
                    "give both `fallbackMeasure` and `fallbackFactor`, or neither",
                ));
            }
        };
        Ok(RuleTerm {
            categories: self.categories,
            count: Conversion {
                measure: self.measure.into(),
                factor: self.factor,
            },
            fallback,
            when_unknown: self.when_unknown.into(),
        })
    }
}

/// A compliance rule to create, or to replace when its `code` exists.
#[derive(InputObject)]
pub struct ComplianceRuleInput {
    /// Stable code (A-Z, 0-9, _), the key of the upsert.
    pub code: String,
    /// Jurisdiction, as in a location's `state` (e.g. `CA`).
    pub jurisdiction: String,
    /// The market governed.
    pub market: ComplianceMarket,
    /// What the rule constrains.
    pub kind: ComplianceRuleKind,
    /// Minimum age in years (required for `MINIMUM_AGE`).
    pub min_age: Option<i32>,
    /// Whether buyers need a valid medical card (`MINIMUM_AGE`).
    #[graphql(default)]
    pub requires_medical_card: bool,
    /// The categories an age rule is about (`MINIMUM_AGE`; it then applies in every
    /// market when an order holds one); leave out for the market's age rule.
    pub categories: Option<Vec<ProductCategory>>,
    /// The measure of `limit` (required for `PURCHASE_LIMIT`).
    pub measure: Option<ComplianceMeasure>,
    /// How much of `measure` is allowed per window (required for `PURCHASE_LIMIT`, >= 0).
    pub limit: Option<f64>,
    /// The window (required for `PURCHASE_LIMIT`).
    pub window: Option<ComplianceWindow>,
    /// Days of a `ROLLING_DAYS` window (1 to 3660).
    pub window_days: Option<i32>,
    /// Residents or non-residents only; leave out for everyone.
    pub residency: Option<Residency>,
    /// What counts toward the limit (required for `PURCHASE_LIMIT`).
    pub terms: Option<Vec<ComplianceTermInput>>,
    /// The code of the total this rule is a sub-limit of.
    pub within_code: Option<String>,
    /// The regulation the figure comes from.
    pub citation: Option<String>,
    /// How well the figure is sourced.
    pub source: Option<FigureSource>,
    /// Legacy form of a gram limit: the class limited (with `limitGrams`, `periodDays`).
    #[graphql(deprecation = "use `measure` and `terms`")]
    pub product_class: Option<ProductClass>,
    /// Legacy: grams per period.
    #[graphql(deprecation = "use `limit`")]
    pub limit_grams: Option<f64>,
    /// Legacy: period in days (1 = per day).
    #[graphql(deprecation = "use `window` and `windowDays`")]
    pub period_days: Option<i32>,
    /// What the rule is and where it comes from.
    #[graphql(default)]
    pub description: String,
    /// Whether it is enforced.
    #[graphql(default = true)]
    pub enabled: bool,
}

impl ComplianceRuleInput {
    fn into_rule(self) -> Result<RuleInput, ApiError> {
        let terms = self
            .terms
            .map(|terms| {
                terms
                    .into_iter()
                    .enumerate()
                    .map(|(index, term)| term.into_term(index))
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?;
        Ok(RuleInput {
            code: self.code,
            jurisdiction: self.jurisdiction,
            market: self.market.into(),
            kind: self.kind.into(),
            min_age: self.min_age,
            requires_medical_card: self.requires_medical_card,
            categories: self.categories,
            measure: self.measure.map(Into::into),
            limit: self.limit,
            window: self.window.map(Into::into),
            window_days: self.window_days,
            residency: self.residency.map(Into::into),
            terms,
            within_code: self.within_code,
            citation: self.citation,
            source: self.source.map(Into::into),
            product_class: self.product_class.map(Into::into),
            limit_grams: self.limit_grams,
            period_days: self.period_days,
            description: self.description,
            enabled: self.enabled,
        })
    }
}

/// An admin's measures of one product, per unit; each left out is derived from the
/// catalog. All left out: the overrides are cleared.
#[derive(InputObject, Default)]
pub struct ProductMeasuresInput {
    /// Grams of non-concentrated cannabis.
    pub flower_g: Option<f64>,
    /// Grams of concentrate it contains.
    pub concentrate_g: Option<f64>,
    /// Milligrams of THC.
    pub thc_mg: Option<f64>,
    /// Ounces of a solid infused product.
    pub solid_oz: Option<f64>,
    /// Fluid ounces of a liquid infused product.
    pub fluid_oz: Option<f64>,
    /// Plants.
    pub plants: Option<f64>,
}

/// A product's measure overrides as stored.
#[derive(SimpleObject)]
pub struct ProductMeasures {
    /// The product.
    pub product_id: ID,
    /// Grams of non-concentrated cannabis.
    pub flower_g: Option<f64>,
    /// Grams of concentrate it contains.
    pub concentrate_g: Option<f64>,
    /// Milligrams of THC.
    pub thc_mg: Option<f64>,
    /// Ounces of a solid infused product.
    pub solid_oz: Option<f64>,
    /// Fluid ounces of a liquid infused product.
    pub fluid_oz: Option<f64>,
    /// Plants.
    pub plants: Option<f64>,
}

/// Compliance mutations.
#[derive(Default)]
pub struct ComplianceMutation;

#[Object]
impl ComplianceMutation {
    /// Creates the rule `input.code` names, or replaces it. Audited. Bad input is
    /// `BAD_USER_INPUT` naming the field and changes nothing; a change leaving a
    /// jurisdiction with stores without an enabled purchase limit raises an alert.
    #[graphql(guard = "RoleGuard::admin()")]
    async fn upsert_compliance_rule(
        &self,
        ctx: &Context<'_>,
        input: ComplianceRuleInput,
    ) -> Result<ComplianceRule, ApiError> {
        let actor = admin_call(ctx)?.1;
        let input = input.into_rule()?;
        let db = &app_state(ctx)?.db;
        Ok(ComplianceRule(rules::upsert(db, actor, input).await?))
    }

    /// Sets the measures of a product the POS sends too little for (the concentrate an
    /// edible contains, a clone's plants); null when all are cleared. Audited.
    #[graphql(guard = "RoleGuard::admin()")]
    async fn set_product_measures(
        &self,
        ctx: &Context<'_>,
        product_id: ID,
        input: ProductMeasuresInput,
    ) -> Result<Option<ProductMeasures>, ApiError> {
        let actor = admin_call(ctx)?.1;
        let product = parse_id("productId", &product_id)?;
        let input = MeasureInput {
            flower_g: input.flower_g,
            concentrate_g: input.concentrate_g,
            thc_mg: input.thc_mg,
            solid_oz: input.solid_oz,
            fluid_oz: input.fluid_oz,
            plants: input.plants,
        };
        let db = &app_state(ctx)?.db;
        Ok(overrides::set(db, actor, product, input)
            .await?
            .map(|row| ProductMeasures {
                product_id: product_id.clone(),
                flower_g: row.flower_g,
                concentrate_g: row.concentrate_g,
                thc_mg: row.thc_mg,
                solid_oz: row.solid_oz,
                fluid_oz: row.fluid_oz,
                plants: row.plants,
            }))
    }
}
