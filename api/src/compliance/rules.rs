//! The `compliance_rules` table: reading a jurisdiction's rules, and an admin's audited
//! change of one rule (created or replaced by its code).

use chrono::Utc;
use entities::{
    compliance_rule::{self, Column, Entity, Model},
    enums::{ComplianceMarket, ComplianceRuleKind, ProductClass},
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};
use uuid::Uuid;

use crate::{
    audit::{self, AuditRecord},
    error::ApiError,
};

/// Longest rule code.
const MAX_CODE_LEN: usize = 64;
/// Longest jurisdiction code.
const MAX_JURISDICTION_LEN: usize = 16;

/// The enabled rules of `jurisdiction` (as in `locations.state`), by code.
pub async fn enabled_for(
    db: &impl ConnectionTrait,
    jurisdiction: &str,
) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::Jurisdiction.eq(jurisdiction))
        .filter(Column::Enabled.eq(true))
        .order_by_asc(Column::Code)
        .all(db)
        .await
}

/// Every rule, or those of one jurisdiction, by jurisdiction and code.
pub async fn list(
    db: &DatabaseConnection,
    jurisdiction: Option<&str>,
) -> Result<Vec<Model>, DbErr> {
    let mut query = Entity::find();
    if let Some(jurisdiction) = jurisdiction {
        query = query.filter(Column::Jurisdiction.eq(jurisdiction.trim().to_ascii_uppercase()));
    }
    query
        .order_by_asc(Column::Jurisdiction)
        .order_by_asc(Column::Code)
        .all(db)
        .await
}

/// A rule as an admin writes it.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleInput {
    /// Stable code (`A-Z`, `0-9`, `_`), the key of the upsert.
    pub code: String,
    /// Jurisdiction code, e.g. `CA`.
    pub jurisdiction: String,
    /// Market governed.
    pub market: ComplianceMarket,
    /// What it constrains.
    pub kind: ComplianceRuleKind,
    /// Minimum age (`MINIMUM_AGE`).
    pub min_age: Option<i32>,
    /// Whether a valid medical card is required (`MINIMUM_AGE`).
    pub requires_medical_card: bool,
    /// Class limited (`PURCHASE_LIMIT`).
    pub product_class: Option<ProductClass>,
    /// Grams per period (`PURCHASE_LIMIT`).
    pub limit_grams: Option<f64>,
    /// Period in days (`PURCHASE_LIMIT`).
    pub period_days: Option<i32>,
    /// Description.
    pub description: String,
    /// Whether it is enforced.
    pub enabled: bool,
}

impl RuleInput {
    /// Checks the fields that belong together; `BAD_USER_INPUT` names the field at fault.
    fn validate(mut self) -> Result<Self, ApiError> {
        self.code = self.code.trim().to_owned();
        self.jurisdiction = self.jurisdiction.trim().to_ascii_uppercase();
        let code_ok = !self.code.is_empty()
            && self.code.len() <= MAX_CODE_LEN
            && self
                .code
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
        if !code_ok {
            return Err(ApiError::bad_field(
                "input.code",
                format!("`code` must be 1 to {MAX_CODE_LEN} characters of A-Z, 0-9 and _"),
            ));
        }
        if self.jurisdiction.is_empty() || self.jurisdiction.len() > MAX_JURISDICTION_LEN {
            return Err(ApiError::bad_field(
                "input.jurisdiction",
                format!("`jurisdiction` must be 1 to {MAX_JURISDICTION_LEN} characters"),
            ));
        }
        match self.kind {
            ComplianceRuleKind::MinimumAge => {
                if !self.min_age.is_some_and(|age| (0..=120).contains(&age)) {
                    return Err(ApiError::bad_field(
                        "input.minAge",
                        "a MINIMUM_AGE rule needs `minAge` between 0 and 120",
                    ));
                }
                self.product_class = None;
                self.limit_grams = None;
                self.period_days = None;
            }
            ComplianceRuleKind::PurchaseLimit => {
                if self.product_class.is_none() {
                    return Err(ApiError::bad_field(
                        "input.productClass",
                        "a PURCHASE_LIMIT rule needs `productClass`",
                    ));
                }
                if !self
                    .limit_grams
                    .is_some_and(|grams| grams.is_finite() && grams >= 0.0)
                {
                    return Err(ApiError::bad_field(
                        "input.limitGrams",
                        "a PURCHASE_LIMIT rule needs `limitGrams`, a number of grams >= 0",
                    ));
                }
                if !self
                    .period_days
                    .is_some_and(|days| (1..=366).contains(&days))
                {
                    return Err(ApiError::bad_field(
                        "input.periodDays",
                        "a PURCHASE_LIMIT rule needs `periodDays` between 1 and 366",
                    ));
                }
                self.min_age = None;
                self.requires_medical_card = false;
            }
        }
        Ok(self)
    }
}

/// Creates the rule `input.code` names, or replaces it; audited as `actor` in the same
/// transaction.
pub async fn upsert(
    db: &DatabaseConnection,
    actor: &str,
    input: RuleInput,
) -> Result<Model, ApiError> {
    let input = input.validate()?;
    let txn = db.begin().await?;
    let before = Entity::find()
        .filter(Column::Code.eq(input.code.as_str()))
        .one(&txn)
        .await?;
    let row = compliance_rule::ActiveModel {
        id: Set(before.as_ref().map_or_else(Uuid::now_v7, |row| row.id)),
        code: Set(input.code),
        jurisdiction: Set(input.jurisdiction),
        market: Set(input.market),
        kind: Set(input.kind),
        min_age: Set(input.min_age),
        requires_medical_card: Set(input.requires_medical_card),
        product_class: Set(input.product_class),
        limit_grams: Set(input.limit_grams),
        period_days: Set(input.period_days),
        description: Set(input.description),
        enabled: Set(input.enabled),
        updated_at: Set(Utc::now()),
    };
    let after = match &before {
        Some(_) => row.update(&txn).await?,
        None => Entity::insert(row).exec_with_returning(&txn).await?,
    };
    audit::record(
        &txn,
        AuditRecord {
            actor: actor.to_owned(),
            action: "compliance_rule.upsert",
            target_type: "ComplianceRule",
            target_id: Some(after.id.to_string()),
            before: before.map(|row| snapshot(&row)),
            after: Some(snapshot(&after)),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

fn snapshot(row: &Model) -> serde_json::Value {
    serde_json::to_value(row).unwrap_or_default()
}
