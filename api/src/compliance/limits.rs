//! Purchase limits as the check applies them, pure: a [`Limit`] read from a rule, the
//! [`Item`]s bought before and in this order, and what each limit makes of them. No
//! database, no clock: the property tests drive this directly.

use chrono::{DateTime, Utc};
use entities::{
    compliance_rule::{self, RuleTerm, WhenUnknown},
    enums::{
        ComplianceMeasure, ComplianceRuleKind, ComplianceWindow, FigureSource, ProductCategory,
        Residency,
    },
};
use uuid::Uuid;

use super::measure::Measures;

/// Tolerance of comparisons of sums of floats (one millionth of the unit).
pub const EPSILON: f64 = 1e-6;

/// A purchase limit, complete and parsed.
#[derive(Clone, Debug, PartialEq)]
pub struct Limit {
    /// The rule's code.
    pub code: String,
    /// The rule's description.
    pub description: String,
    /// The measure of `amount`.
    pub measure: ComplianceMeasure,
    /// How much is allowed in the window.
    pub amount: f64,
    /// The window.
    pub window: ComplianceWindow,
    /// Days of a rolling window.
    pub window_days: Option<i32>,
    /// Residents or non-residents only.
    pub residency: Option<Residency>,
    /// What counts.
    pub terms: Vec<RuleTerm>,
    /// The total this is a sub-limit of.
    pub within: Option<String>,
    /// The regulation cited.
    pub citation: Option<String>,
    /// How well the figure is sourced.
    pub source: Option<FigureSource>,
}

impl Limit {
    /// The limit `rule` sets; `None` for an age rule or an incomplete legacy row.
    pub fn of(rule: &compliance_rule::Model) -> Option<Self> {
        if rule.kind != ComplianceRuleKind::PurchaseLimit {
            return None;
        }
        let terms: Vec<RuleTerm> = serde_json::from_value(rule.terms.clone()?).ok()?;
        Some(Self {
            code: rule.code.clone(),
            description: rule.description.clone(),
            measure: rule.measure?,
            amount: rule.limit_amount?,
            window: rule.window?,
            window_days: rule.window_days,
            residency: rule.residency,
            terms,
            within: rule.within_code.clone(),
            citation: rule.citation.clone(),
            source: rule.source,
        })
    }

    /// How much of this limit's measure `item` counts for; `Err` names the measure the
    /// item lacks when the term that covers it has no way to count it.
    pub fn count(&self, item: &Item) -> Result<f64, ComplianceMeasure> {
        let Some(term) = self
            .terms
            .iter()
            .find(|term| term.categories.contains(&item.category))
        else {
            return Ok(0.0);
        };
        if let Some(value) = item.measures.get(term.count.measure) {
            return Ok(value * term.count.factor);
        }
        if let Some(fallback) = term.fallback
            && let Some(value) = item.measures.get(fallback.measure)
        {
            return Ok(value * fallback.factor);
        }
        match term.when_unknown {
            WhenUnknown::Ignore => Ok(0.0),
            WhenUnknown::Refuse => Err(term.count.measure),
        }
    }
}

/// Something bought (or being bought): a line of an order or a register sale.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Item {
    /// When it was bought.
    pub at: DateTime<Utc>,
    /// The product, when known.
    pub product_id: Option<Uuid>,
    /// Its category.
    pub category: ProductCategory,
    /// The line's quantities (units times the product's measures).
    pub measures: Measures,
}

/// A limit's figures for one order.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tally {
    /// Bought in the window before this order.
    pub used: f64,
    /// In this order.
    pub this_order: f64,
}

impl Tally {
    /// Whether this order takes the window past the limit.
    pub fn exceeds(&self, limit: f64) -> bool {
        self.this_order > 0.0 && self.used + self.this_order > limit + EPSILON
    }
}

/// An item of this order whose needed measure is unknown.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Missing {
    /// The product.
    pub product_id: Option<Uuid>,
    /// The measure it lacks.
    pub measure: ComplianceMeasure,
}

/// `limit`'s figures: `history` bought from `since` on (`None`: a transaction limit,
/// no history) and the `basket`. A past item whose measure is unknown counts nothing
/// (it was sold; a warning says so); an item of this order with an unknown measure is
/// [`Missing`].
pub fn tally(
    limit: &Limit,
    since: Option<DateTime<Utc>>,
    history: &[Item],
    basket: &[Item],
) -> Result<Tally, Missing> {
    let mut used = 0.0;
    if let Some(since) = since {
        for item in history.iter().filter(|item| item.at >= since) {
            match limit.count(item) {
                Ok(amount) => used += amount,
                Err(measure) => tracing::warn!(
                    rule = %limit.code,
                    product = ?item.product_id,
                    ?measure,
                    "a past purchase lacks the measure a limit counts; it counts nothing"
                ),
            }
        }
    }
    let mut this_order = 0.0;
    for item in basket {
        this_order += limit.count(item).map_err(|measure| Missing {
            product_id: item.product_id,
            measure,
        })?;
    }
    Ok(Tally { used, this_order })
}
