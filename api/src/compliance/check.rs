//! The compliance check of one order, run inside the placing transaction before any
//! stock is reserved. In order: the market the sale falls under (medical with a valid
//! card at a medical store, else adult-use), medical-only products, the minimum age,
//! the POS's maximum units per transaction, and the purchase limits of the market per
//! product class over their periods, counted in the location's time zone.

use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use entities::{
    compliance_rule, customer,
    enums::{ComplianceMarket, ComplianceRuleKind, ProductClass},
    location, product,
};
use sea_orm::{ConnectionTrait, DbErr};

use super::{
    Figures, Refusal, class, rules,
    usage::{GramsByClass, UsedSince},
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
/// Tolerance of gram comparisons (sums of floats).
const EPSILON_GRAMS: f64 = 1e-6;

/// One line of the order being checked.
#[derive(Clone, Copy, Debug)]
pub struct BasketLine<'a> {
    /// The product.
    pub product: &'a product::Model,
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

/// Checks `basket` against the rules of its location's jurisdiction; `default_min_age`
/// applies where the jurisdiction has no age rule for the market.
pub async fn check(
    db: &impl ConnectionTrait,
    basket: &Basket<'_>,
    default_min_age: i32,
) -> Result<Verdict, DbErr> {
    let rules = rules::enabled_for(db, &basket.location.state).await?;
    let tz = time_zone(basket.location);
    let today = basket.now.with_timezone(&tz).date_naive();
    let card = MedicalCard::of(basket.customer, today);
    let market = match market(basket, &rules, &card) {
        Ok(market) => market,
        Err(refusal) => return Ok(Err(refusal)),
    };
    if let Err(refusal) = medical_only(basket, &card)
        .and_then(|()| age(basket, &rules, market, today, default_min_age))
        .and_then(|()| per_transaction(basket))
    {
        return Ok(Err(refusal));
    }
    let this_order = grams_by_class(basket);
    let mut used_since = UsedSince::new(basket.customer.id);
    for rule in rules
        .iter()
        .filter(|rule| rule.kind == ComplianceRuleKind::PurchaseLimit && rule.market == market)
    {
        let (Some(class), Some(limit), Some(days)) =
            (rule.product_class, rule.limit_grams, rule.period_days)
        else {
            continue;
        };
        let this = this_order.get(&class).copied().unwrap_or_default();
        if this <= 0.0 {
            continue;
        }
        let since = period_start(&tz, today, days);
        let used = used_since.grams(db, since, class).await?;
        if used + this > limit + EPSILON_GRAMS {
            return Ok(Err(limit_refusal(rule, class, limit, used, this, days)));
        }
    }
    Ok(Ok(market))
}

/// The customer's medical card as of a day.
pub(crate) struct MedicalCard {
    valid: bool,
    expired_on: Option<NaiveDate>,
}

impl MedicalCard {
    /// A card is valid when it has an id and an expiry date not before `today`; one
    /// without an expiry on record is not accepted.
    pub(crate) fn of(customer: &customer::Model, today: NaiveDate) -> Self {
        let has_id = customer
            .medical_id
            .as_deref()
            .is_some_and(|id| !id.trim().is_empty());
        let expires = customer.medical_id_expires.filter(|_| has_id);
        Self {
            valid: expires.is_some_and(|date| date >= today),
            expired_on: expires.filter(|date| *date < today),
        }
    }

    fn figures(&self, product_id: Option<uuid::Uuid>) -> Figures {
        Figures::MedicalCard {
            product_id,
            expired_on: self.expired_on,
        }
    }

    fn describe(&self) -> String {
        match self.expired_on {
            Some(date) => format!("the medical card on file expired on {date}"),
            None => "there is no valid medical card on file".to_owned(),
        }
    }
}

fn market(
    basket: &Basket<'_>,
    rules: &[compliance_rule::Model],
    card: &MedicalCard,
) -> Result<ComplianceMarket, Refusal> {
    if let Some(market) = market_of(basket.location, card) {
        return Ok(market);
    }
    let rule = rules
        .iter()
        .find(|rule| {
            rule.market == ComplianceMarket::Medical
                && rule.kind == ComplianceRuleKind::MinimumAge
                && rule.requires_medical_card
        })
        .map_or(MEDICAL_CARD_REQUIRED, |rule| rule.code.as_str());
    Err(Refusal {
        rule: rule.to_owned(),
        message: format!(
            "this store sells to medical customers only and {}",
            card.describe()
        ),
        figures: card.figures(None),
    })
}

/// The market a holder of `card` buys under at `location`: medical with a valid card at
/// a medical store, else adult-use where the store sells it, else none.
pub(crate) fn market_of(
    location: &location::Model,
    card: &MedicalCard,
) -> Option<ComplianceMarket> {
    if location.medical && card.valid {
        Some(ComplianceMarket::Medical)
    } else if location.adult_use {
        Some(ComplianceMarket::AdultUse)
    } else {
        None
    }
}

fn medical_only(basket: &Basket<'_>, card: &MedicalCard) -> Result<(), Refusal> {
    match basket.lines.iter().find(|line| line.product.medical_only) {
        Some(line) if !card.valid => Err(Refusal {
            rule: MEDICAL_ONLY_PRODUCT.to_owned(),
            message: format!(
                "product {} is sold to medical customers only and {}",
                line.product.id,
                card.describe()
            ),
            figures: card.figures(Some(line.product.id)),
        }),
        _ => Ok(()),
    }
}

fn age(
    basket: &Basket<'_>,
    rules: &[compliance_rule::Model],
    market: ComplianceMarket,
    today: NaiveDate,
    default_min_age: i32,
) -> Result<(), Refusal> {
    let rule = rules
        .iter()
        .find(|rule| rule.kind == ComplianceRuleKind::MinimumAge && rule.market == market);
    let (code, minimum) = match (basket.location.min_age_override, rule) {
        (Some(minimum), _) => (LOCATION_MIN_AGE, minimum),
        (None, Some(rule)) => (rule.code.as_str(), rule.min_age.unwrap_or(default_min_age)),
        (None, None) => (DEFAULT_MIN_AGE, default_min_age),
    };
    let age = basket
        .customer
        .date_of_birth
        .and_then(|born| today.years_since(born))
        .map(|years| i32::try_from(years).unwrap_or(i32::MAX));
    match age {
        Some(age) if age >= minimum => Ok(()),
        _ => Err(Refusal {
            rule: code.to_owned(),
            message: match age {
                Some(age) => {
                    format!("customers must be {minimum} or older to buy here (customer is {age})")
                }
                None => format!(
                    "customers must be {minimum} or older to buy here and no date of birth is on file"
                ),
            },
            figures: Figures::Age { minimum, age },
        }),
    }
}

fn per_transaction(basket: &Basket<'_>) -> Result<(), Refusal> {
    for line in &basket.lines {
        if let Some(limit) = line.product.max_per_transaction
            && line.quantity > i64::from(limit)
        {
            return Err(Refusal {
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
            });
        }
    }
    Ok(())
}

fn grams_by_class(basket: &Basket<'_>) -> GramsByClass {
    let mut grams = GramsByClass::new();
    for line in &basket.lines {
        if let Some(class) = class::of_category(line.product.category) {
            // quantities are bounded by the configured maximum: exact in f64
            #[allow(clippy::cast_precision_loss)]
            let units = line.quantity as f64;
            *grams.entry(class).or_default() += units * class::unit_grams(line.product);
        }
    }
    grams
}

fn limit_refusal(
    rule: &compliance_rule::Model,
    class: ProductClass,
    limit: f64,
    used: f64,
    this: f64,
    days: i32,
) -> Refusal {
    let class = match class {
        ProductClass::NonConcentrate => "non-concentrated cannabis",
        ProductClass::Concentrate => "concentrate",
    };
    let period = if days == 1 {
        "day".to_owned()
    } else {
        format!("{days} days")
    };
    Refusal {
        rule: rule.code.clone(),
        message: format!(
            "purchase limit of {} g of {class} per {period} exceeded: {} g already bought, {} g in this order",
            round_grams(limit),
            round_grams(used),
            round_grams(this),
        ),
        figures: Figures::Grams {
            limit,
            used,
            this_order: this,
        },
    }
}

/// The location's time zone; UTC (with a warning) when it is not an IANA name.
pub(crate) fn time_zone(location: &location::Model) -> Tz {
    location.time_zone.parse().unwrap_or_else(|_| {
        tracing::warn!(location = %location.id, "location time zone is not an IANA name; using UTC");
        Tz::UTC
    })
}

/// The start of a period of `days` calendar days ending today, in `tz`.
pub(crate) fn period_start(tz: &Tz, today: NaiveDate, days: i32) -> DateTime<Utc> {
    let back = u64::try_from(days.max(1) - 1).unwrap_or_default();
    let first = today.checked_sub_days(Days::new(back)).unwrap_or(today);
    let midnight = first.and_time(NaiveTime::MIN);
    tz.from_local_datetime(&midnight)
        .earliest()
        .map_or_else(|| midnight.and_utc(), |start| start.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_starts_at_local_midnight() {
        let tz: Tz = "America/Los_Angeles".parse().unwrap_or(Tz::UTC);
        let day = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap_or_default();
        assert_eq!(
            period_start(&tz, day, 1).to_rfc3339(),
            "2026-07-01T07:00:00+00:00"
        );
        assert_eq!(
            period_start(&tz, day, 2).to_rfc3339(),
            "2026-06-30T07:00:00+00:00"
        );
    }
}
