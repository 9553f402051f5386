//! The invariants that must always hold across orders, stock, the outbox and purchase
//! history, checked on demand (`canopy check`, `Query.integrityCheck`) and after every
//! fault drill: a violation names the rule and the ids involved.
//!
//! Each rule is one function in `rules` reading the database; [`check`] runs them all,
//! and [`repair::reconcile`] (run by the workers) repairs what it safely can.

pub mod repair;
mod rules;

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr};
use uuid::Uuid;

pub use rules::Rule;

/// One broken invariant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// Which rule it breaks.
    pub rule: Rule,
    /// The rows involved (stock rows, orders, outbox rows or purchases, as the rule says).
    pub ids: Vec<Uuid>,
    /// What was found, with the figures.
    pub message: String,
}

/// The outcome of one check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntegrityReport {
    /// When the check ran.
    pub checked_at: DateTime<Utc>,
    /// Every violation found, rule by rule.
    pub violations: Vec<Violation>,
}

impl IntegrityReport {
    /// Nothing is broken.
    pub fn is_clean(&self) -> bool {
        self.violations.is_empty()
    }
}

/// Runs every rule; an outbox row waiting more than `stuck_after` past its due time
/// counts as stuck.
pub async fn check(
    db: &impl ConnectionTrait,
    stuck_after: Duration,
) -> Result<IntegrityReport, DbErr> {
    let checked_at = Utc::now();
    let stuck_before =
        checked_at - chrono::Duration::from_std(stuck_after).unwrap_or(chrono::Duration::MAX);
    let mut violations = Vec::new();
    violations.extend(rules::reservations(db).await?);
    violations.extend(rules::negative_stock(db).await?);
    violations.extend(rules::deliveries(db).await?);
    violations.extend(rules::outbox(db, stuck_before).await?);
    violations.extend(rules::purchase_totals(db).await?);
    Ok(IntegrityReport {
        checked_at,
        violations,
    })
}
