//! Dutchie POS: the adapter ([`DutchieProvider`]) and its local simulator.
//!
//! What the API is like (its OpenAPI 3.0 document, `dutchie-pos-openapi.json`,
//! is the source of truth for every shape here):
//! - HTTP Basic: the location's API key as user name and an empty password;
//!   older integrations put an integrator key in the password slot
//!   ([`DutchieAuthMode`]). Keys are per location and scoped by roles
//!   ("Inventory", "Customer", "PreOrder"): a missing role answers 403.
//! - Rate limits per key and endpoint, per minute: 120 baseline, 200 for
//!   `GET /inventory` and `/whoami`, 60 for `/reporting/transactions`
//!   (issue 3; the OpenAPI document says 600, see [`DutchieRateLimits`]),
//!   240 for `/preorder/cancel`. Over the limit: 429 with
//!   `{"Message": "Too many requests - only 120 per minute allowed", "TraceId": "…"}`.
//! - Lists are whole arrays, except `customers-paginated` (page numbers from
//!   0 until an empty page). `GET /inventory` lists only packages with stock
//!   and has no changed-since filter. Transactions filters (`TransactionId`,
//!   `FromDateUTC/ToDateUTC`, `FromLastModifiedDateUTC/ToLastModifiedDateUTC`)
//!   are mutually exclusive.
//! - Online orders are pre-orders (`/preorder/submit`, `/Status`, `/cancel`),
//!   idempotent on `ConsumerKey` header + `idempotencyKey`. No return
//!   submission and no webhooks.
//!
//! [`KIND`] is its entry in the provider registry.

mod client;
mod customer_match;
mod decode;
mod endpoints;
mod kind;
mod mapping;
mod models;
mod offline;
mod settings;
pub mod simulator;
mod vocab;
mod wire_time;

pub use client::DutchieProvider;
pub use kind::KIND;
pub use offline::decode_responses;
pub use settings::{DutchieAuthMode, DutchieRateLimits, DutchieSettings};
pub use simulator::{DutchieSimOptions, DutchieSimulator, start};
