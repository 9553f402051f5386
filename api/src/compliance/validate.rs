//! The checks of an admin's rule before anything is written: `BAD_USER_INPUT` naming
//! the field at fault for a bad code or jurisdiction, a negative or non-finite limit, a
//! missing measure, a window that cannot be computed, terms that do not add up (no
//! categories, a category counted twice, a factor that is not a positive number, a
//! rule's own measure scaled, a fallback of the same measure), and a sub-limit of a rule
//! that is not a total it can sit within. A legacy input (`productClass`, `limitGrams`,
//! `periodDays`) is read as the limit it always meant.

use std::collections::HashSet;

use entities::{
    compliance_rule::{self, Conversion, RuleTerm, WhenUnknown},
    enums::{
        ComplianceMeasure, ComplianceRuleKind, ComplianceWindow, ProductCategory, ProductClass,
    },
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::{limits::EPSILON, rules::RuleInput, window::MAX_ROLLING_DAYS};
use crate::error::ApiError;

/// Longest rule code.
const MAX_CODE_LEN: usize = 64;
/// Longest jurisdiction code.
const MAX_JURISDICTION_LEN: usize = 16;
/// The legacy concentrate class's guessed concentrate grams per mg of THC.
const LEGACY_CONCENTRATE_G_PER_THC_MG: f64 = 0.01;

/// `input` checked and normalised (trimmed code, upper-case jurisdiction, the fields
/// of the other kind cleared).
pub fn rule(mut input: RuleInput) -> Result<RuleInput, ApiError> {
    input.code = input.code.trim().to_owned();
    input.jurisdiction = input.jurisdiction.trim().to_ascii_uppercase();
    let code_ok = !input.code.is_empty()
        && input.code.len() <= MAX_CODE_LEN
        && input
            .code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    if !code_ok {
        return Err(ApiError::bad_field(
            "input.code",
            format!("`code` must be 1 to {MAX_CODE_LEN} characters of A-Z, 0-9 and _"),
        ));
    }
    if input.jurisdiction.is_empty() || input.jurisdiction.len() > MAX_JURISDICTION_LEN {
        return Err(ApiError::bad_field(
            "input.jurisdiction",
            format!("`jurisdiction` must be 1 to {MAX_JURISDICTION_LEN} characters"),
        ));
    }
    match input.kind {
        ComplianceRuleKind::MinimumAge => age(input),
        ComplianceRuleKind::PurchaseLimit => limit(legacy(input)?),
    }
}

fn age(mut input: RuleInput) -> Result<RuleInput, ApiError> {
    if !input.min_age.is_some_and(|age| (0..=120).contains(&age)) {
        return Err(ApiError::bad_field(
            "input.minAge",
            "a MINIMUM_AGE rule needs `minAge` between 0 and 120",
        ));
    }
    if input.categories.as_ref().is_some_and(Vec::is_empty) {
        return Err(ApiError::bad_field(
            "input.categories",
            "name at least one category, or leave `categories` out for the market's age rule",
        ));
    }
    input.measure = None;
    input.limit = None;
    input.window = None;
    input.window_days = None;
    input.terms = None;
    input.within_code = None;
    input.residency = None;
    Ok(input)
}

/// A legacy limit (a class, grams, days) as the measure, terms and window it meant.
fn legacy(mut input: RuleInput) -> Result<RuleInput, ApiError> {
    let Some(class) = input.product_class.take() else {
        return Ok(input);
    };
    if input.measure.is_some() || input.terms.is_some() {
        return Err(ApiError::bad_field(
            "input.productClass",
            "`productClass` is the legacy form: give either it or `measure` and `terms`",
        ));
    }
    let grams = input.limit_grams.take();
    if !grams.is_some_and(|g| g.is_finite() && g >= 0.0) {
        return Err(ApiError::bad_field(
            "input.limitGrams",
            "a PURCHASE_LIMIT rule needs `limitGrams`, a number of grams >= 0",
        ));
    }
    let days = input.period_days.take();
    let Some(days) = days.filter(|days| (1..=366).contains(days)) else {
        return Err(ApiError::bad_field(
            "input.periodDays",
            "a PURCHASE_LIMIT rule needs `periodDays` between 1 and 366",
        ));
    };
    let (measure, terms) = legacy_terms(class);
    input.measure = Some(measure);
    input.terms = Some(terms);
    input.limit = grams;
    (input.window, input.window_days) = if days == 1 {
        (Some(ComplianceWindow::CalendarDay), None)
    } else {
        (Some(ComplianceWindow::RollingDays), Some(days))
    };
    Ok(input)
}

/// The measure and terms a legacy class stood for.
pub fn legacy_terms(class: ProductClass) -> (ComplianceMeasure, Vec<RuleTerm>) {
    let term = |categories: &[ProductCategory], measure, fallback| RuleTerm {
        categories: categories.to_vec(),
        count: Conversion {
            measure,
            factor: 1.0,
        },
        fallback,
        when_unknown: WhenUnknown::Refuse,
    };
    match class {
        ProductClass::NonConcentrate => (
            ComplianceMeasure::FlowerG,
            vec![term(
                &[ProductCategory::Flower, ProductCategory::PreRoll],
                ComplianceMeasure::FlowerG,
                None,
            )],
        ),
        ProductClass::Concentrate => (
            ComplianceMeasure::ConcentrateG,
            vec![
                term(
                    &[ProductCategory::Concentrate, ProductCategory::Vape],
                    ComplianceMeasure::ConcentrateG,
                    None,
                ),
                term(
                    &[
                        ProductCategory::Edible,
                        ProductCategory::Tincture,
                        ProductCategory::Topical,
                        ProductCategory::Beverage,
                    ],
                    ComplianceMeasure::ConcentrateG,
                    Some(Conversion {
                        measure: ComplianceMeasure::ThcMg,
                        factor: LEGACY_CONCENTRATE_G_PER_THC_MG,
                    }),
                ),
            ],
        ),
    }
}

fn limit(mut input: RuleInput) -> Result<RuleInput, ApiError> {
    let Some(measure) = input.measure else {
        return Err(ApiError::bad_field(
            "input.measure",
            "a PURCHASE_LIMIT rule needs `measure` (e.g. FLOWER_G, CONCENTRATE_G, THC_MG)",
        ));
    };
    if !input.limit.is_some_and(|l| l.is_finite() && l >= 0.0) {
        return Err(ApiError::bad_field(
            "input.limit",
            "a PURCHASE_LIMIT rule needs `limit`, a finite number >= 0",
        ));
    }
    window(&input)?;
    if input.window != Some(ComplianceWindow::RollingDays) {
        input.window_days = None;
    }
    terms(measure, input.terms.as_deref())?;
    input.min_age = None;
    input.requires_medical_card = false;
    input.categories = None;
    input.within_code = input
        .within_code
        .map(|code| code.trim().to_owned())
        .filter(|code| !code.is_empty());
    if input.within_code.as_deref() == Some(input.code.as_str()) {
        return Err(ApiError::bad_field(
            "input.withinCode",
            "a rule cannot be a sub-limit of itself",
        ));
    }
    Ok(input)
}

fn window(input: &RuleInput) -> Result<(), ApiError> {
    match (input.window, input.window_days) {
        (None, _) => Err(ApiError::bad_field(
            "input.window",
            "a PURCHASE_LIMIT rule needs `window` (TRANSACTION, CALENDAR_DAY, ROLLING_DAYS or CALENDAR_MONTH)",
        )),
        (Some(ComplianceWindow::RollingDays), days)
            if !days.is_some_and(|d| (1..=MAX_ROLLING_DAYS).contains(&d)) =>
        {
            Err(ApiError::bad_field(
                "input.windowDays",
                format!(
                    "a ROLLING_DAYS window needs `windowDays` between 1 and {MAX_ROLLING_DAYS}"
                ),
            ))
        }
        (Some(window), Some(_)) if window != ComplianceWindow::RollingDays => {
            Err(ApiError::bad_field(
                "input.windowDays",
                "only a ROLLING_DAYS window takes `windowDays`",
            ))
        }
        _ => Ok(()),
    }
}

fn positive(factor: f64) -> bool {
    factor.is_finite() && factor > 0.0
}

/// Terms add up: each names categories no other term names, counts a measure by a
/// positive factor (1 for the rule's own measure), and falls back to another measure.
fn terms(measure: ComplianceMeasure, terms: Option<&[RuleTerm]>) -> Result<(), ApiError> {
    let terms = terms.filter(|terms| !terms.is_empty()).ok_or_else(|| {
        ApiError::bad_field(
            "input.terms",
            "a PURCHASE_LIMIT rule needs `terms`: which categories count, by which measure",
        )
    })?;
    let mut seen: HashSet<ProductCategory> = HashSet::new();
    for (index, term) in terms.iter().enumerate() {
        let field = |name: &str| format!("input.terms[{index}].{name}");
        if term.categories.is_empty() {
            return Err(ApiError::bad_field(
                field("categories"),
                "name at least one category",
            ));
        }
        if let Some(twice) = term.categories.iter().find(|c| !seen.insert(**c)) {
            return Err(ApiError::bad_field(
                field("categories"),
                format!("{twice:?} is counted by two terms: each category counts once"),
            ));
        }
        if !positive(term.count.factor) {
            return Err(ApiError::bad_field(
                field("factor"),
                "a factor must be a number > 0",
            ));
        }
        if term.count.measure == measure && (term.count.factor - 1.0).abs() > EPSILON {
            return Err(ApiError::bad_field(
                field("factor"),
                "a term counting the rule's own measure counts it as it is: factor 1",
            ));
        }
        if let Some(fallback) = term.fallback
            && (!positive(fallback.factor) || fallback.measure == term.count.measure)
        {
            return Err(ApiError::bad_field(
                field("fallback"),
                "a fallback counts another measure, by a factor > 0",
            ));
        }
    }
    Ok(())
}

/// A sub-limit sits within a total (enabled or not) of the same jurisdiction and
/// market that counts every category it counts, and is no larger than it when both
/// count the same measure.
pub async fn within(db: &impl ConnectionTrait, input: &RuleInput) -> Result<(), ApiError> {
    let Some(code) = &input.within_code else {
        return Ok(());
    };
    let total = compliance_rule::Entity::find()
        .filter(compliance_rule::Column::Code.eq(code.as_str()))
        .one(db)
        .await?;
    let counted = |terms: &[RuleTerm]| -> HashSet<ProductCategory> {
        terms
            .iter()
            .flat_map(|t| t.categories.iter().copied())
            .collect()
    };
    let part = counted(input.terms.as_deref().unwrap_or_default());
    let fits = total.is_some_and(|total| {
        let whole = total
            .terms
            .clone()
            .and_then(|terms| serde_json::from_value::<Vec<RuleTerm>>(terms).ok())
            .map(|terms| counted(&terms))
            .unwrap_or_default();
        part.is_subset(&whole)
            && total.kind == ComplianceRuleKind::PurchaseLimit
            && total.jurisdiction == input.jurisdiction
            && total.market == input.market
            && (total.measure != input.measure
                || total
                    .limit_amount
                    .zip(input.limit)
                    .is_some_and(|(total, part)| part <= total + EPSILON))
    });
    if fits {
        Ok(())
    } else {
        Err(ApiError::bad_field(
            "input.withinCode",
            "`withinCode` must name a purchase limit of the same jurisdiction and market that counts every category this one counts, and is no smaller",
        ))
    }
}
