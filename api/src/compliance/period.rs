//! The older per-class view of a customer's allowances (`Customer.gramsInPeriod`): the
//! gram limits of flower (non-concentrate) and concentrate at a location, read from
//! [`super::allowances`]. Limits in other measures are left out; `Query.allowances`
//! shows every limit.

use chrono::{DateTime, Utc};
use entities::{
    customer,
    enums::{ComplianceMeasure, ComplianceWindow, ProductClass},
    location,
};
use sea_orm::{ConnectionTrait, DbErr};

use super::{
    allowances,
    check::time_zone,
    limits::{self, Limit},
    usage, validate, window,
};

/// Grams bought of one product class in one compliance window.
#[derive(Clone, Debug, PartialEq)]
pub struct ClassPeriod {
    /// The product class.
    pub class: ProductClass,
    /// Grams bought in the window, online and in store.
    pub used: f64,
    /// The limit of the window.
    pub limit: Option<f64>,
    /// The rule setting the limit.
    pub rule: Option<String>,
    /// The window's length in calendar days (0: per transaction; a month counts 31).
    pub days: i32,
    /// When the window started (now, for a per-transaction limit).
    pub since: DateTime<Utc>,
}

/// The gram limits of `customer` at `location` as of `now`, by class then window.
pub async fn current(
    db: &impl ConnectionTrait,
    customer: &customer::Model,
    location: &location::Model,
    now: DateTime<Utc>,
) -> Result<Vec<ClassPeriod>, DbErr> {
    let mut periods: Vec<ClassPeriod> = allowances::of(db, customer, location, now)
        .await?
        .limits
        .into_iter()
        .filter_map(|allowance| {
            let class = match allowance.limit.measure {
                ComplianceMeasure::FlowerG => ProductClass::NonConcentrate,
                ComplianceMeasure::ConcentrateG => ProductClass::Concentrate,
                _ => return None,
            };
            let days = match allowance.limit.window {
                ComplianceWindow::Transaction => 0,
                ComplianceWindow::CalendarDay => 1,
                ComplianceWindow::RollingDays => allowance.limit.window_days.unwrap_or(1),
                ComplianceWindow::CalendarMonth => 31,
            };
            Some(ClassPeriod {
                class,
                used: allowance.used,
                limit: Some(allowance.limit.amount),
                rule: Some(allowance.limit.code),
                days,
                since: allowance.window_start.unwrap_or(now),
            })
        })
        .collect();
    for class in [ProductClass::NonConcentrate, ProductClass::Concentrate] {
        if !periods.iter().any(|period| period.class == class) {
            periods.push(unlimited(db, customer, location, now, class).await?);
        }
    }
    periods.sort_by_key(|period| (period.class == ProductClass::Concentrate, period.days));
    Ok(periods)
}

/// Today's grams of a class no rule limits (counted as the legacy class counted).
async fn unlimited(
    db: &impl ConnectionTrait,
    customer: &customer::Model,
    location: &location::Model,
    now: DateTime<Utc>,
    class: ProductClass,
) -> Result<ClassPeriod, DbErr> {
    let tz = time_zone(location);
    let since = window::bounds(ComplianceWindow::CalendarDay, None, &tz, now)
        .and_then(|bounds| bounds.start)
        .unwrap_or(now);
    let (measure, terms) = validate::legacy_terms(class);
    let limit = Limit {
        code: String::new(),
        description: String::new(),
        measure,
        amount: f64::INFINITY,
        window: ComplianceWindow::CalendarDay,
        window_days: None,
        residency: None,
        terms,
        within: None,
        citation: None,
        source: None,
    };
    let history = usage::history(db, customer.id, since).await?;
    let used = limits::tally(&limit, Some(since), &history, &[])
        .map(|tally| tally.used)
        .unwrap_or_default();
    Ok(ClassPeriod {
        class,
        used,
        limit: None,
        rule: None,
        days: 1,
        since,
    })
}
