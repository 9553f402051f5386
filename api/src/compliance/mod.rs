//! Compliance: who may buy what, and how much, under the rules of the ordering
//! location's jurisdiction, market and the buyer's residency. Rules are data
//! (`compliance_rules`, the built-in sets of CA, CO, MI, IL, MA and WA loaded by the
//! migrations) that admins read and change ([`rules`], checked by [`validate`]); each
//! limit counts products in its own [`measure`] over its [`window`]. [`check`] applies
//! them to one order inside the placing transaction, before anything is reserved, and
//! to a cart previewed by `checkCart`; [`allowances`] shows what is left.
//!
//! This module only reads orders and purchases; it never writes stock or orders.

pub mod allowances;
pub mod buyer;
pub mod check;
pub mod class;
pub mod limits;
pub mod measure;
pub mod overrides;
pub mod period;
pub mod rules;
pub mod usage;
pub mod validate;
pub mod window;

pub use crate::error::{Figures, Refusal};
pub use check::{Basket, BasketLine, Review, Verdict, check, review};
