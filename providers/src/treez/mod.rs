//! Treez: adapter and simulator.
//!
//! API facts (`POS_APIS.md`, `code.treez.io`): base
//! `https://api-prod.treez.io/dispensary/v3/{dispensary}` with service APIs under
//! `/service/…`; every request signed with an RS256 JWT whose `aud` is the exact URL
//! and whose `iat`/`exp` are milliseconds 30 s apart; answers in a
//! `{resultCode, resultReason, resultDetail, data}` envelope with failure tokens;
//! paging by page number (in the path for customers and tickets); 10 requests a second
//! per dispensary, 429 `OVER LIMIT`; webhooks (TICKET, INVENTORY, PRODUCT, CUSTOMER)
//! behind a static bearer token; no idempotency key.
//!
//! Everything guessed about the API lives in the private `guesses` module, read by
//! both the adapter and the simulator. `jwt` and `keys` hold the authentication,
//! `models` the wire shapes, `vocab` + `mapping` their normalisation, `api` + `decode`
//! the HTTP side, `webhook` the inbound webhooks, `client` the
//! [`PosProvider`](crate::PosProvider); `simulator`, `sim_auth`, `sim_routes`,
//! `sim_tickets`, `sim_wire` and `sim_webhooks` the simulator; `kind` its entry in the provider
//! registry ([`KIND`]).

mod api;
mod client;
mod decode;
mod guesses;
mod jwt;
mod keys;
mod kind;
mod mapping;
mod models;
mod offline;
mod settings;
mod sim_auth;
mod sim_routes;
mod sim_tickets;
mod sim_webhooks;
mod sim_wire;
pub mod simulator;
mod vocab;
mod webhook;
mod wire_time;

pub use api::rate_limits;
pub use client::TreezProvider;
pub use keys::{RsaKeys, fingerprint};
pub use kind::KIND;
pub use offline::decode_responses;
pub use settings::{MAX_PAGE_SIZE, TreezSettings};
pub use simulator::{ORDER_STATUSES, TreezSimOptions, TreezSimulator, start};

#[cfg(test)]
mod tests;
