//! Compliance: who may buy what, and how much, under the rules of the ordering
//! location's jurisdiction and market. Rules are data (`compliance_rules`, California
//! seeded by the migration) that admins read and change ([`rules`]); [`check`] applies
//! them to one order inside the placing transaction, before anything is reserved.
//!
//! This module only reads orders and purchases; it never writes stock or orders.

pub mod check;
pub mod class;
pub mod period;
pub mod rules;
pub mod usage;

pub use crate::error::{Figures, Refusal};
pub use check::{Basket, BasketLine, Verdict, check};
