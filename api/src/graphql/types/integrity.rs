//! `IntegrityReport`: what `Query.integrityCheck` (and `canopy check`) found.

use async_graphql::{ID, Object};
use chrono::{DateTime, Utc};

use crate::integrity;

/// The invariants checked at one moment, and every violation found.
pub struct IntegrityReport(pub integrity::IntegrityReport);

#[Object]
impl IntegrityReport {
    /// When the check ran.
    async fn checked_at(&self) -> DateTime<Utc> {
        self.0.checked_at
    }

    /// Nothing is broken.
    async fn clean(&self) -> bool {
        self.0.is_clean()
    }

    /// Every broken invariant, rule by rule.
    async fn violations(&self) -> Vec<IntegrityViolation<'_>> {
        self.0.violations.iter().map(IntegrityViolation).collect()
    }
}

/// One broken invariant.
pub struct IntegrityViolation<'a>(&'a integrity::Violation);

#[Object]
impl IntegrityViolation<'_> {
    /// The rule: `reservations`, `negative_stock`, `one_delivery`, `one_pos_order`,
    /// `stuck_outbox`, `dead_letter_alerted` or `purchase_totals`.
    async fn rule(&self) -> &'static str {
        self.0.rule.code()
    }

    /// The rows involved (stock rows, orders, outbox rows or purchases, as the rule says).
    async fn ids(&self) -> Vec<ID> {
        self.0.ids.iter().map(|id| ID(id.to_string())).collect()
    }

    /// What was found, with the figures.
    async fn message(&self) -> &str {
        &self.0.message
    }
}
