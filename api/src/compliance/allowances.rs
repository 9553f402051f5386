//! A customer's allowances at one location, as a storefront previews them: per purchase
//! limit that applies (market, residency), what was bought in its window (online and in
//! store, counted exactly as the check counts), the limit, what is left, and when the
//! window rolls over.

use chrono::{DateTime, Utc};
use entities::{
    customer,
    enums::{ComplianceMarket, Residency},
    location,
};
use sea_orm::{ConnectionTrait, DbErr};

use super::{
    buyer::Buyer,
    check::{applicable, time_zone},
    limits::{self, Limit},
    rules, usage, window,
};

/// One limit's standing.
#[derive(Clone, Debug, PartialEq)]
pub struct Allowance {
    /// The limit.
    pub limit: Limit,
    /// Bought in the current window (0 for a per-transaction limit).
    pub used: f64,
    /// What is left.
    pub remaining: f64,
    /// When the current window started; `None` for a per-transaction limit.
    pub window_start: Option<DateTime<Utc>>,
    /// When it (or its oldest day) rolls over; `None` for a per-transaction limit.
    pub window_end: Option<DateTime<Utc>>,
}

/// Every allowance of a customer at a location.
#[derive(Clone, Debug, PartialEq)]
pub struct Allowances {
    /// The market the customer buys under there; `None`: the store cannot sell to them.
    pub market: Option<ComplianceMarket>,
    /// The customer's residency; `None` when unknown.
    pub residency: Option<Residency>,
    /// Fallbacks made (an expired card, an unknown residency).
    pub notes: Vec<String>,
    /// The limits, by code.
    pub limits: Vec<Allowance>,
}

/// `customer`'s allowances at `location` as of `now`.
pub async fn of(
    db: &impl ConnectionTrait,
    customer: &customer::Model,
    location: &location::Model,
    now: DateTime<Utc>,
) -> Result<Allowances, DbErr> {
    let rules = rules::enabled_for(db, &location.state).await?;
    let tz = time_zone(location);
    let Buyer {
        market,
        residency,
        notes,
        ..
    } = Buyer::of(
        customer,
        location,
        &rules,
        now.with_timezone(&tz).date_naive(),
    );
    let mut allowances = Allowances {
        market,
        residency,
        notes,
        limits: Vec::new(),
    };
    let Some(market) = market else {
        return Ok(allowances);
    };
    let windows: Vec<_> = applicable(&rules, market, residency)
        .into_iter()
        .filter_map(|limit| {
            let bounds = window::bounds(limit.window, limit.window_days, &tz, now)?;
            Some((limit, bounds))
        })
        .collect();
    let history = match windows.iter().filter_map(|(_, b)| b.start).min() {
        Some(since) => usage::history(db, customer.id, since).await?,
        None => Vec::new(),
    };
    for (limit, bounds) in windows {
        let used = limits::tally(&limit, bounds.start, &history, &[])
            .map(|tally| tally.used)
            .unwrap_or_default();
        allowances.limits.push(Allowance {
            remaining: (limit.amount - used).max(0.0),
            used,
            window_start: bounds.start,
            window_end: bounds.end,
            limit,
        });
    }
    Ok(allowances)
}
