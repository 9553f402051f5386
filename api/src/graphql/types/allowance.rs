//! `Allowances` and `CartCheck`: what a storefront shows before checkout.

use async_graphql::{ID, SimpleObject};
use chrono::{DateTime, Utc};

use super::enums::{
    ComplianceMarket, ComplianceMeasure, ComplianceWindow, FigureSource, Residency,
};
use crate::{
    compliance::{
        Figures, Refusal, Review,
        allowances::{Allowance as Standing, Allowances as Standings},
    },
    error::refusal::round_grams,
};

/// A customer's allowances at a location.
#[derive(SimpleObject)]
pub struct Allowances {
    /// The market they buy under there; null: the store cannot sell to them.
    pub market: Option<ComplianceMarket>,
    /// Their residency; null when unknown (the stricter non-resident limits apply).
    pub residency: Option<Residency>,
    /// Fallbacks made (an expired medical card, an unknown residency).
    pub notes: Vec<String>,
    /// Each purchase limit that applies, by rule code.
    pub limits: Vec<Allowance>,
}

/// One purchase limit's standing ("12.5 of 28.5 g today, 16 g left").
#[derive(SimpleObject)]
pub struct Allowance {
    /// The rule's code.
    pub rule_code: String,
    /// What the rule is and where it comes from.
    pub description: String,
    /// The regulation cited.
    pub citation: Option<String>,
    /// How well the figure is sourced.
    pub source: Option<FigureSource>,
    /// The measure counted.
    pub measure: ComplianceMeasure,
    /// Its unit (`g`, `mg`, `oz`, `fl oz`, `units`, `plants`).
    pub unit: String,
    /// The window.
    pub window: ComplianceWindow,
    /// Days of a rolling window.
    pub window_days: Option<i32>,
    /// The total this is a sub-limit of.
    pub within_code: Option<String>,
    /// Bought in the current window, online and in store (0 per transaction).
    pub used: f64,
    /// The limit.
    pub limit: f64,
    /// What is left.
    pub remaining: f64,
    /// When the window started; null per transaction.
    pub window_start: Option<DateTime<Utc>>,
    /// When the window (or its oldest day) rolls over; null per transaction.
    pub window_end: Option<DateTime<Utc>>,
}

impl From<Standing> for Allowance {
    fn from(a: Standing) -> Self {
        Self {
            rule_code: a.limit.code,
            description: a.limit.description,
            citation: a.limit.citation,
            source: a.limit.source.map(Into::into),
            measure: a.limit.measure.into(),
            unit: a.limit.measure.unit().to_owned(),
            window: a.limit.window.into(),
            window_days: a.limit.window_days,
            within_code: a.limit.within,
            used: round_grams(a.used),
            limit: a.limit.amount,
            remaining: round_grams(a.remaining),
            window_start: a.window_start,
            window_end: a.window_end,
        }
    }
}

impl From<Standings> for Allowances {
    fn from(a: Standings) -> Self {
        Self {
            market: a.market.map(Into::into),
            residency: a.residency.map(Into::into),
            notes: a.notes,
            limits: a.limits.into_iter().map(Into::into).collect(),
        }
    }
}

/// What `placeOrder` would make of a cart, nothing reserved.
#[derive(SimpleObject)]
pub struct CartCheck {
    /// Whether the compliance check lets it through.
    pub allowed: bool,
    /// The market the sale would fall under.
    pub market: Option<ComplianceMarket>,
    /// The buyer's residency; null when unknown.
    pub residency: Option<Residency>,
    /// Fallbacks made (an expired medical card, an unknown residency).
    pub notes: Vec<String>,
    /// Every rule the cart breaks; `placeOrder` names the first.
    pub refusals: Vec<ComplianceRefusal>,
}

/// A rule a cart breaks, with its figures.
#[derive(SimpleObject)]
pub struct ComplianceRefusal {
    /// The rule's code (as `placeOrder`'s `extensions.rule`).
    pub rule: String,
    /// What is wrong, for the customer.
    pub message: String,
    /// The measure of a purchase limit (or the one a product lacks).
    pub measure: Option<ComplianceMeasure>,
    /// Its unit.
    pub unit: Option<String>,
    /// The limit (a purchase limit, units per transaction, or a minimum age).
    pub limit: Option<f64>,
    /// Already bought in the window.
    pub used: Option<f64>,
    /// In this cart.
    pub this_order: Option<f64>,
    /// Left before this cart.
    pub remaining: Option<f64>,
    /// The regulation cited.
    pub citation: Option<String>,
    /// The product concerned.
    pub product_id: Option<ID>,
}

impl From<Refusal> for ComplianceRefusal {
    fn from(refusal: Refusal) -> Self {
        let mut out = Self {
            rule: refusal.rule,
            message: refusal.message,
            measure: None,
            unit: None,
            limit: None,
            used: None,
            this_order: None,
            remaining: None,
            citation: None,
            product_id: None,
        };
        match refusal.figures {
            Figures::Limit {
                measure,
                limit,
                used,
                this_order,
                citation,
                ..
            } => {
                out.measure = Some(measure.into());
                out.unit = Some(measure.unit().to_owned());
                out.limit = Some(round_grams(limit));
                out.used = Some(round_grams(used));
                out.this_order = Some(round_grams(this_order));
                out.remaining = Some(round_grams((limit - used).max(0.0)));
                out.citation = citation;
            }
            Figures::MissingMeasure {
                product_id,
                measure,
            } => {
                out.measure = Some(measure.into());
                out.unit = Some(measure.unit().to_owned());
                out.product_id = product_id.map(|id| ID(id.to_string()));
            }
            Figures::Age { minimum, .. } => out.limit = Some(f64::from(minimum)),
            Figures::MedicalCard { product_id, .. } => {
                out.product_id = product_id.map(|id| ID(id.to_string()));
            }
            Figures::Units {
                product_id,
                limit,
                this_order,
            } => {
                out.unit = Some("units".to_owned());
                // unit counts are small: exact in f64
                #[allow(clippy::cast_precision_loss)]
                {
                    out.limit = Some(limit as f64);
                    out.this_order = Some(this_order as f64);
                }
                out.product_id = Some(ID(product_id.to_string()));
            }
        }
        out
    }
}

impl From<Review> for CartCheck {
    fn from(review: Review) -> Self {
        Self {
            allowed: review.refusals.is_empty() && review.market.is_some(),
            market: review.market.map(Into::into),
            residency: review.residency.map(Into::into),
            notes: review.notes,
            refusals: review.refusals.into_iter().map(Into::into).collect(),
        }
    }
}
