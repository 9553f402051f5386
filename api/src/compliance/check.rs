//! The compliance check of one order, run inside the placing transaction before any
//! stock is reserved (and by `checkCart`, which reserves nothing). In order: the market
//! the sale falls under (medical with a valid card at a medical store, else adult-use),
//! medical-only products, the minimum ages (the market's, and those of categories such
//! as alcohol), the POS's maximum units per transaction, and the purchase limits of the
//! market and the buyer's residency, each in its own measure over its window in the
//! location's time zone, counting online and in-store purchases.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use entities::{
    compliance_rule::{self, category_names},
    customer,
    enums::{ComplianceMarket, ComplianceRuleKind, ProductCategory, Residency},
    location, product, stock_level,
};
use sea_orm::{ConnectionTrait, DbErr};

use super::{
    Figures, Refusal,
    buyer::{self, Buyer, MedicalCard},
    limits::{self, Item, Limit, Missing, Tally},
    measure, rules, usage,
    window::{self, Bounds},
};
use crate::error::refusal::round_grams;

/// Rule code when a location's `min_age_override` sets the age.
const LOCATION_MIN_AGE: &str = "LOCATION_MIN_AGE";
/// Rule code when the jurisdiction has no age rule for the market.
const DEFAULT_MIN_AGE: &str = "DEFAULT_MIN_AGE";
/// Rule code of medical-only products.
const MEDICAL_ONLY_PRODUCT: &str = "MEDICAL_ONLY_PRODUCT";
/// Rule code of a medical-only store refusing a buyer without a valid card.
const MEDICAL_CARD_REQUIRED: &str = "MEDICAL_CARD_REQUIRED";
/// Rule code of the POS's per-transaction maximum.
const MAX_PER_TRANSACTION: &str = "MAX_PER_TRANSACTION";

/// One line of the order being checked.
#[derive(Clone, Copy, Debug)]
pub struct BasketLine<'a> {
    /// The product.
    pub product: &'a product::Model,
    /// The ordering location's offer of it (its stock row: the POS's limit there).
    pub offer: &'a stock_level::Model,
    /// Units.
    pub quantity: i64,
}

/// The order being checked.
#[derive(Clone, Debug)]
pub struct Basket<'a> {
    /// The buyer.
    pub customer: &'a customer::Model,
    /// The store.
    pub location: &'a location::Model,
    /// What is ordered.
    pub lines: Vec<BasketLine<'a>>,
    /// When.
    pub now: DateTime<Utc>,
}

/// The outcome of a check: the market the sale falls under, or why it is refused.
pub type Verdict = Result<ComplianceMarket, Refusal>;

/// Everything the check finds about an order.
#[derive(Clone, Debug, PartialEq)]
pub struct Review {
    /// The market the sale falls under; `None` when the store cannot sell to the buyer.
    pub market: Option<ComplianceMarket>,
    /// The buyer's residency; `None` when unknown.
    pub residency: Option<Residency>,
    /// Fallbacks the check made (an expired card, an unknown residency).
    pub notes: Vec<String>,
    /// Each rule the order breaks, in the order the check meets them.
    pub refusals: Vec<Refusal>,
}

/// Checks `basket` against the rules of its location's jurisdiction; `default_min_age`
/// applies where the jurisdiction has no age rule for the market. The first refusal.
pub async fn check(
    db: &impl ConnectionTrait,
    basket: &Basket<'_>,
    default_min_age: i32,
) -> Result<Verdict, DbErr> {
    let review = review(db, basket, default_min_age).await?;
    Ok(match (review.refusals.into_iter().next(), review.market) {
        (Some(refusal), _) => Err(refusal),
        (None, Some(market)) => Ok(market),
        (None, None) => Err(Refusal {
            rule: MEDICAL_CARD_REQUIRED.to_owned(),
            message: "this store sells to no market the customer may buy in".to_owned(),
            figures: Figures::MedicalCard {
                product_id: None,
                expired_on: None,
            },
        }),
    })
}

/// Every rule `basket` breaks, with the market and the notes.
pub async fn review(
    db: &impl ConnectionTrait,
    basket: &Basket<'_>,
    default_min_age: i32,
) -> Result<Review, DbErr> {
    let rules = rules::enabled_for(db, &basket.location.state).await?;
    let tz = time_zone(basket.location);
    let today = basket.now.with_timezone(&tz).date_naive();
    let Buyer {
        card,
        market,
        residency,
        notes,
    } = Buyer::of(basket.customer, basket.location, &rules, today);
    let mut review = Review {
        market,
        residency,
        notes,
        refusals: Vec::new(),
    };
    let Some(market) = market else {
        review.refusals.push(no_market(&rules, &card));
        return Ok(review);
    };
    let people = medical_only(basket, &card)
        .into_iter()
        .chain(age(basket, &rules, market, today, default_min_age))
        .chain(per_transaction(basket));
    review.refusals.extend(people);
    let limits = applicable(&rules, market, residency);
    review
        .refusals
        .extend(purchase_limits(db, basket, &limits, &tz).await?);
    Ok(review)
}

/// The purchase limits of `market` for a buyer of `residency`.
pub fn applicable(
    rules: &[compliance_rule::Model],
    market: ComplianceMarket,
    residency: Option<Residency>,
) -> Vec<Limit> {
    rules
        .iter()
        .filter(|rule| rule.market == market)
        .filter_map(Limit::of)
        .filter(|limit| buyer::applies(limit.residency, residency))
        .collect()
}

/// The limits `basket` breaks: a product lacking a needed measure, or too much.
async fn purchase_limits(
    db: &impl ConnectionTrait,
    basket: &Basket<'_>,
    limits: &[Limit],
    tz: &Tz,
) -> Result<Vec<Refusal>, DbErr> {
    let catalog = usage::catalog(db, basket.lines.iter().map(|l| l.product.clone())).await?;
    let items: Vec<Item> = basket
        .lines
        .iter()
        .filter_map(|line| usage::item_of(&catalog, line.product.id, line.quantity, basket.now))
        .collect();
    let windows: Vec<(&Limit, Bounds)> = limits
        .iter()
        .filter_map(|limit| {
            let bounds = window::bounds(limit.window, limit.window_days, tz, basket.now);
            if bounds.is_none() {
                tracing::warn!(rule = %limit.code, "a limit's window cannot be computed; skipped");
            }
            Some((limit, bounds?))
        })
        .collect();
    let history = match windows.iter().filter_map(|(_, b)| b.start).min() {
        Some(since) => usage::history(db, basket.customer.id, since).await?,
        None => Vec::new(),
    };
    let mut refusals = Vec::new();
    for (limit, bounds) in windows {
        match limits::tally(limit, bounds.start, &history, &items) {
            Err(missing) => refusals.push(missing_refusal(limit, missing)),
            Ok(tally) if tally.exceeds(limit.amount) => {
                refusals.push(limit_refusal(limit, tally));
            }
            Ok(_) => {}
        }
    }
    Ok(refusals)
}

fn no_market(rules: &[compliance_rule::Model], card: &MedicalCard) -> Refusal {
    let rule = rules
        .iter()
        .find(|rule| {
            rule.market == ComplianceMarket::Medical
                && rule.kind == ComplianceRuleKind::MinimumAge
                && rule.requires_medical_card
        })
        .map_or(MEDICAL_CARD_REQUIRED, |rule| rule.code.as_str());
    Refusal {
        rule: rule.to_owned(),
        message: format!(
            "this store sells to medical customers only and {}",
            card.describe()
        ),
        figures: card.figures(None),
    }
}

fn medical_only(basket: &Basket<'_>, card: &MedicalCard) -> Option<Refusal> {
    let line = basket.lines.iter().find(|line| line.product.medical_only)?;
    (!card.valid()).then(|| Refusal {
        rule: MEDICAL_ONLY_PRODUCT.to_owned(),
        message: format!(
            "product {} is sold to medical customers only and {}",
            line.product.id,
            card.describe()
        ),
        figures: card.figures(Some(line.product.id)),
    })
}

/// The categories a `MINIMUM_AGE` rule is about; `None` for the market's general rule.
fn age_categories(rule: &compliance_rule::Model) -> Option<Vec<ProductCategory>> {
    category_names::parse(rule.categories.as_ref()?)
}

/// The market's age rule (or the location's override, or the default), then each age
/// rule of a category the order holds: every one the buyer is too young for.
fn age(
    basket: &Basket<'_>,
    rules: &[compliance_rule::Model],
    market: ComplianceMarket,
    today: NaiveDate,
    default_min_age: i32,
) -> Vec<Refusal> {
    let general = rules.iter().find(|rule| {
        rule.kind == ComplianceRuleKind::MinimumAge
            && rule.market == market
            && rule.categories.is_none()
    });
    let (code, minimum) = match (basket.location.min_age_override, general) {
        (Some(minimum), _) => (LOCATION_MIN_AGE, minimum),
        (None, Some(rule)) => (rule.code.as_str(), rule.min_age.unwrap_or(default_min_age)),
        (None, None) => (DEFAULT_MIN_AGE, default_min_age),
    };
    let mut required = vec![(code, minimum)];
    for rule in rules
        .iter()
        .filter(|rule| rule.kind == ComplianceRuleKind::MinimumAge)
    {
        if let (Some(categories), Some(minimum)) = (age_categories(rule), rule.min_age)
            && basket
                .lines
                .iter()
                .any(|line| categories.contains(&line.product.category))
        {
            required.push((rule.code.as_str(), minimum));
        }
    }
    let age = basket
        .customer
        .date_of_birth
        .and_then(|born| today.years_since(born))
        .map(|years| i32::try_from(years).unwrap_or(i32::MAX));
    required
        .into_iter()
        .filter(|(_, minimum)| age.is_none_or(|age| age < *minimum))
        .map(|(code, minimum)| Refusal {
            rule: code.to_owned(),
            message: match age {
                Some(age) => {
                    format!("customers must be {minimum} or older to buy this here (customer is {age})")
                }
                None => format!(
                    "customers must be {minimum} or older to buy this here and no date of birth is on file"
                ),
            },
            figures: Figures::Age { minimum, age },
        })
        .collect()
}

fn per_transaction(basket: &Basket<'_>) -> Vec<Refusal> {
    basket
        .lines
        .iter()
        .filter_map(|line| {
            let limit = line.offer.max_per_transaction?;
            (line.quantity > i64::from(limit)).then(|| Refusal {
                rule: MAX_PER_TRANSACTION.to_owned(),
                message: format!(
                    "product {} is limited to {limit} per transaction (this order has {})",
                    line.product.id, line.quantity
                ),
                figures: Figures::Units {
                    product_id: line.product.id,
                    limit: i64::from(limit),
                    this_order: line.quantity,
                },
            })
        })
        .collect()
}

/// How a rule is named to people: its code and the regulation.
fn named(limit: &Limit) -> String {
    match &limit.citation {
        Some(citation) => format!("{} ({citation})", limit.code),
        None => limit.code.clone(),
    }
}

fn limit_refusal(limit: &Limit, tally: Tally) -> Refusal {
    let unit = limit.measure.unit();
    let left = (limit.amount - tally.used).max(0.0);
    Refusal {
        rule: limit.code.clone(),
        message: format!(
            "{}: {} {unit} of {} {}: {} {unit} bought, {} {unit} in this order, {} {unit} left",
            named(limit),
            round_grams(limit.amount),
            measure::noun(limit.measure),
            window::phrase(limit.window, limit.window_days),
            round_grams(tally.used),
            round_grams(tally.this_order),
            round_grams(left),
        ),
        figures: Figures::Limit {
            measure: limit.measure,
            window: limit.window,
            limit: limit.amount,
            used: tally.used,
            this_order: tally.this_order,
            citation: limit.citation.clone(),
        },
    }
}

fn missing_refusal(limit: &Limit, missing: Missing) -> Refusal {
    let product = missing
        .product_id
        .map_or_else(|| "a product".to_owned(), |id| format!("product {id}"));
    Refusal {
        rule: limit.code.clone(),
        message: format!(
            "{product} has no {} ({}) on record, which {} counts: an admin can set it with setProductMeasures",
            measure::noun(missing.measure),
            missing.measure.unit(),
            named(limit),
        ),
        figures: Figures::MissingMeasure {
            product_id: missing.product_id,
            measure: missing.measure,
        },
    }
}

/// The location's time zone; UTC (with a warning) when it is not an IANA name.
pub fn time_zone(location: &location::Model) -> Tz {
    location.time_zone.parse().unwrap_or_else(|_| {
        tracing::warn!(location = %location.id, "location time zone is not an IANA name; using UTC");
        Tz::UTC
    })
}
