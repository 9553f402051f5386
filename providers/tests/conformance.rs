//! The conformance suite: every registered POS kind's adapter against its own
//! simulator, through the same generic cases (see `conformance/cases.rs`).
#![allow(clippy::unwrap_used)]

#[macro_use]
#[path = "conformance/mod.rs"]
mod kit;

conformance_suite!();
