//! The `compliance_rules` table: reading a jurisdiction's rules, and an admin's audited
//! change of one rule (created or replaced by its code). A change is checked whole
//! before anything is written ([`validate`]); one that leaves a jurisdiction with
//! locations without an enabled purchase limit raises an alert ([`alert_uncovered`]).

use std::collections::BTreeSet;

use chrono::Utc;
use entities::{
    compliance_rule::{self, Column, Entity, Model, RuleTerm, category_names},
    enums::{
        AlertSeverity, ComplianceMarket, ComplianceMeasure, ComplianceRuleKind, ComplianceWindow,
        FigureSource, ProductCategory, ProductClass, Residency,
    },
    location,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use uuid::Uuid;

use super::validate;
use crate::{
    alerts::{self, NewAlert},
    audit::{self, AuditRecord},
    error::ApiError,
};

/// The alert kind of a jurisdiction left without purchase limits.
pub const UNCOVERED_ALERT: &str = "compliance_rules_missing";

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
    /// The categories an age rule is about (`MINIMUM_AGE`; none: the market's rule).
    pub categories: Option<Vec<ProductCategory>>,
    /// The measure of `limit` (`PURCHASE_LIMIT`).
    pub measure: Option<ComplianceMeasure>,
    /// How much is allowed in the window (`PURCHASE_LIMIT`).
    pub limit: Option<f64>,
    /// The window (`PURCHASE_LIMIT`).
    pub window: Option<ComplianceWindow>,
    /// Days of a `ROLLING_DAYS` window.
    pub window_days: Option<i32>,
    /// Residents or non-residents only.
    pub residency: Option<Residency>,
    /// What counts (`PURCHASE_LIMIT`).
    pub terms: Option<Vec<RuleTerm>>,
    /// The code of the total this is a sub-limit of.
    pub within_code: Option<String>,
    /// The regulation cited.
    pub citation: Option<String>,
    /// How well the figure is sourced.
    pub source: Option<FigureSource>,
    /// Legacy: the class limited, in flower grams or concentrate grams.
    pub product_class: Option<ProductClass>,
    /// Legacy: grams per period.
    pub limit_grams: Option<f64>,
    /// Legacy: period in days.
    pub period_days: Option<i32>,
    /// Description.
    pub description: String,
    /// Whether it is enforced.
    pub enabled: bool,
}

/// Creates the rule `input.code` names, or replaces it; audited as `actor` in the same
/// transaction. Bad input is `BAD_USER_INPUT` naming the field, and changes nothing.
pub async fn upsert(
    db: &DatabaseConnection,
    actor: &str,
    input: RuleInput,
) -> Result<Model, ApiError> {
    let input = validate::rule(input)?;
    validate::within(db, &input).await?;
    let txn = db.begin().await?;
    let before = Entity::find()
        .filter(Column::Code.eq(input.code.as_str()))
        .one(&txn)
        .await?;
    let now = Utc::now();
    let row = compliance_rule::ActiveModel {
        id: Set(before.as_ref().map_or_else(Uuid::now_v7, |row| row.id)),
        code: Set(input.code),
        jurisdiction: Set(input.jurisdiction),
        market: Set(input.market),
        kind: Set(input.kind),
        min_age: Set(input.min_age),
        requires_medical_card: Set(input.requires_medical_card),
        product_class: Set(None),
        limit_grams: Set(None),
        period_days: Set(None),
        description: Set(input.description),
        enabled: Set(input.enabled),
        updated_at: Set(now),
        measure: Set(input.measure),
        limit_amount: Set(input.limit),
        window: Set(input.window),
        window_days: Set(input.window_days),
        residency: Set(input.residency),
        terms: Set(input.terms.map(|terms| serde_json::json!(terms))),
        categories: Set(input.categories.as_deref().map(category_names::to_json)),
        within_code: Set(input.within_code),
        citation: Set(input.citation),
        source: Set(input.source),
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
            before: before.as_ref().map(snapshot),
            after: Some(snapshot(&after)),
        },
    )
    .await?;
    txn.commit().await?;
    let touched = before
        .iter()
        .map(|row| row.jurisdiction.clone())
        .chain([after.jurisdiction.clone()])
        .collect();
    alert_uncovered(db, Some(touched)).await?;
    Ok(after)
}

/// Raises an alert for each jurisdiction (of `only`, or all) where a location sells
/// but no purchase limit is enabled: orders there are checked for age only. Returns the
/// jurisdictions found uncovered.
pub async fn alert_uncovered(
    db: &impl ConnectionTrait,
    only: Option<BTreeSet<String>>,
) -> Result<Vec<String>, DbErr> {
    let sold_in: BTreeSet<String> = location::Entity::find()
        .select_only()
        .column(location::Column::State)
        .distinct()
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .filter(|state| only.as_ref().is_none_or(|only| only.contains(state)))
        .collect();
    let covered: BTreeSet<String> = Entity::find()
        .select_only()
        .column(Column::Jurisdiction)
        .filter(Column::Enabled.eq(true))
        .filter(Column::Kind.eq(ComplianceRuleKind::PurchaseLimit))
        .distinct()
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let uncovered: Vec<String> = sold_in.difference(&covered).cloned().collect();
    for jurisdiction in &uncovered {
        tracing::warn!(%jurisdiction, "no enabled purchase limit for a jurisdiction with stores");
        alerts::raise(
            db,
            &NewAlert {
                severity: AlertSeverity::Critical,
                kind: UNCOVERED_ALERT,
                connection_id: None,
                product_id: None,
                location_id: None,
                message: format!(
                    "jurisdiction {jurisdiction} has stores but no enabled purchase limit: its orders are checked for age only"
                ),
                details: serde_json::json!({ "jurisdiction": jurisdiction }),
                dedupe_key: format!("{UNCOVERED_ALERT}:{jurisdiction}"),
            },
            Utc::now(),
        )
        .await?;
    }
    Ok(uncovered)
}

fn snapshot(row: &Model) -> serde_json::Value {
    serde_json::to_value(row).unwrap_or_default()
}
