//! Compliance rule changes (admins, audited).

use async_graphql::{Context, InputObject, Object};

use crate::{
    auth::{RoleGuard, Viewer},
    compliance::rules::{self, RuleInput},
    error::ApiError,
    graphql::{
        app_state,
        types::{
            ComplianceRule,
            enums::{ComplianceMarket, ComplianceRuleKind, ProductClass},
        },
    },
};

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
    /// The product class limited (required for `PURCHASE_LIMIT`).
    pub product_class: Option<ProductClass>,
    /// Grams per period (required for `PURCHASE_LIMIT`).
    pub limit_grams: Option<f64>,
    /// Period in days (required for `PURCHASE_LIMIT`; 1 = per day).
    pub period_days: Option<i32>,
    /// What the rule is and where it comes from.
    #[graphql(default)]
    pub description: String,
    /// Whether it is enforced.
    #[graphql(default = true)]
    pub enabled: bool,
}

/// Compliance mutations.
#[derive(Default)]
pub struct ComplianceMutation;

#[Object]
impl ComplianceMutation {
    /// Creates the rule `input.code` names, or replaces it. Audited.
    #[graphql(guard = "RoleGuard::admin()")]
    async fn upsert_compliance_rule(
        &self,
        ctx: &Context<'_>,
        input: ComplianceRuleInput,
    ) -> Result<ComplianceRule, ApiError> {
        let actor = Viewer::of(ctx)?
            .admin_subject()
            .ok_or_else(|| ApiError::Forbidden("admin token required".into()))?;
        let input = RuleInput {
            code: input.code,
            jurisdiction: input.jurisdiction,
            market: input.market.into(),
            kind: input.kind.into(),
            min_age: input.min_age,
            requires_medical_card: input.requires_medical_card,
            product_class: input.product_class.map(Into::into),
            limit_grams: input.limit_grams,
            period_days: input.period_days,
            description: input.description,
            enabled: input.enabled,
        };
        let db = &app_state(ctx)?.db;
        Ok(ComplianceRule(rules::upsert(db, actor, input).await?))
    }
}
