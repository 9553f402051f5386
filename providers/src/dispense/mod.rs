//! Dispense (AIQ Ecommerce): adapter and simulator.
//!
//! API facts (`POS_APIS.md`): base `https://api.dispenseapp.com/2023-03` with
//! the `x-dispense-api-key` header (legacy `…/partners/v1` with `api-key`);
//! 500 requests per 5 minutes per key, reported in `X-RateLimit-Limit` /
//! `X-RateLimit-Remaining`; lists paged with `skip`/`limit` (max 250) in a
//! `{count, pageCount, skip, limit, data}` envelope; incremental reads with
//! `modifiedStart`; no webhooks, no customer or returns API.
//!
//! Everything guessed about the API (order statuses and endpoints, cart
//! acceptance, venue markets) lives in the private `guesses` module, read by
//! both the adapter and the simulator. `models` holds the wire shapes,
//! `mapping` their normalisation, `api` + `decode` the HTTP side, `client`
//! the [`PosProvider`](crate::PosProvider), and `simulator` / `sim_routes` /
//! `sim_wire` the simulator; `kind` its entry in the provider registry ([`KIND`]).

mod api;
mod client;
mod decode;
mod guesses;
mod kind;
mod mapping;
mod models;
mod offline;
mod settings;
mod sim_routes;
mod sim_wire;
pub mod simulator;

pub use api::rate_limits;
pub use client::DispenseProvider;
pub use kind::KIND;
pub use offline::decode_responses;
pub use settings::{ApiMode, DispenseSettings, MAX_PAGE_SIZE};
pub use simulator::{DispenseSimOptions, DispenseSimulator, ORDER_STATUSES, start};

#[cfg(test)]
mod tests;
