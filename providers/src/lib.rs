//! Canopy's point-of-sale providers.
//!
//! [`PosProvider`] is all the rest of Canopy knows of a POS. One module per
//! vendor implements it (`dutchie`, `jane`, `dispense`, `treez`), each speaking its
//! vendor's wire shapes and normalising them into [`model`]'s types; `http`
//! holds the one HTTP policy (timeouts, retries, rate limits, circuit
//! breaker) they share; `gtin` checks and normalises barcodes; `simulator` holds local stand-ins for the vendors'
//! APIs, used by tests, `serve --demo` and the benchmarks; `registry` is the
//! one list of POS kinds, each vendor module contributing its entry.

pub mod decoded;
pub mod dispense;
pub mod dutchie;
pub mod error;
pub mod gtin;
pub mod http;
pub mod jane;
pub(crate) mod lenient;
pub(crate) mod listing;
pub mod model;
pub mod provider;
pub(crate) mod record;
pub mod registry;
pub mod simulator;
pub mod treez;

pub use error::{ProviderError, ProviderErrorKind, ProviderResult};
pub use provider::{ConnectionConfig, PosProvider};
pub use registry::connect;
