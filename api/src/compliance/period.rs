//! A customer's current compliance periods at one location: for each product class, the
//! purchase limits the location's jurisdiction sets for the market the customer buys
//! under there, each with the grams already bought in its period, counted in the
//! location's time zone exactly as the order check counts them (what a storefront shows
//! as "12.5 of 28.5 g today").

use chrono::{DateTime, Utc};
use entities::{
    customer,
    enums::{ComplianceRuleKind, ProductClass},
    location,
};
use sea_orm::{ConnectionTrait, DbErr, Iterable};

use super::{
    check::{MedicalCard, market_of, period_start, time_zone},
    rules,
    usage::UsedSince,
};

/// The length of the period shown for a class no limit applies to: today.
const UNLIMITED_PERIOD_DAYS: i32 = 1;

/// Grams bought of one product class in one compliance period.
#[derive(Clone, Debug, PartialEq)]
pub struct ClassPeriod {
    /// The product class.
    pub class: ProductClass,
    /// Flower-equivalent grams bought in the period, online and in store.
    pub used: f64,
    /// The limit of the period; `None` when no rule limits the class.
    pub limit: Option<f64>,
    /// The rule setting the limit.
    pub rule: Option<String>,
    /// The period's length in calendar days of the location's time zone.
    pub days: i32,
    /// When the period started.
    pub since: DateTime<Utc>,
}

/// The current periods of `customer` at `location` as of `now`: one per purchase limit
/// of the customer's market there, and a one-day period without a limit for a class no
/// rule limits; by class, then period length.
pub async fn current(
    db: &impl ConnectionTrait,
    customer: &customer::Model,
    location: &location::Model,
    now: DateTime<Utc>,
) -> Result<Vec<ClassPeriod>, DbErr> {
    let tz = time_zone(location);
    let today = now.with_timezone(&tz).date_naive();
    let market = market_of(location, &MedicalCard::of(customer, today));
    let rules = rules::enabled_for(db, &location.state).await?;
    let mut used = UsedSince::new(customer.id);
    let mut periods = Vec::new();
    for class in ProductClass::iter() {
        let mut limits: Vec<(Option<String>, Option<f64>, i32)> = rules
            .iter()
            .filter(|rule| {
                rule.kind == ComplianceRuleKind::PurchaseLimit
                    && Some(rule.market) == market
                    && rule.product_class == Some(class)
            })
            .filter_map(|rule| {
                Some((
                    Some(rule.code.clone()),
                    Some(rule.limit_grams?),
                    rule.period_days?,
                ))
            })
            .collect();
        if limits.is_empty() {
            limits.push((None, None, UNLIMITED_PERIOD_DAYS));
        }
        limits.sort_by_key(|(_, _, days)| *days);
        for (rule, limit, days) in limits {
            let since = period_start(&tz, today, days);
            periods.push(ClassPeriod {
                class,
                used: used.grams(db, since, class).await?,
                limit,
                rule,
                days,
                since,
            });
        }
    }
    Ok(periods)
}
