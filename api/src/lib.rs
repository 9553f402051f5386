//! Canopy's API: the axum server, the GraphQL schema, auth, cache and event bus.
//!
//! The binary (`src/main.rs`) only parses the command line and calls [`cli::run`];
//! everything else lives here so integration tests drive the same code.
//!
//! # Layers
//! Imports go one way, down this list (a module may use those listed before it, never
//! one after it); `api/tests/layering.rs` holds the same table and fails on an upward
//! import:
//! 1. foundation: [`config`], [`telemetry`], [`secrets`], [`db`];
//! 2. infrastructure: [`cache`], [`events`] (the bus, and [`events::outbox`], where the
//!    domain writes outbox rows), [`error`] (one error type for every layer), [`auth`],
//!    [`notify`];
//! 3. [`state`]: the `AppState` built once, with the handles on background work
//!    ([`state::SyncControl`], [`state::RunningSyncs`]);
//! 4. domain: [`services`] (stateless reads), [`alerts`], [`audit`], [`effects`] (what a
//!    committed change announces), [`catalog`] (matching products across connections,
//!    merges and splits), [`connections`], [`customers`], [`compliance`],
//!    [`orders`] (reservations and stock included), [`integrity`] (the invariants across
//!    them), [`operations`] (the documents registered for the safelist); a domain module
//!    never imports the
//!    workers, `graphql` or `server`;
//! 5. workers: [`sync`] (pulls from the adapters, applies through the domain),
//!    [`outbox`] (delivers what the domain queued: orders, cancellations, returns,
//!    customer pushes), [`webhooks`] (stores and applies POS webhooks);
//! 6. [`admin`]: the administration use cases (connections, probes, syncs on demand);
//! 7. interface: [`graphql`] (thin resolvers over services and use cases; GraphQL input
//!    and output types live only there), [`server`] (HTTP, websockets, limits);
//! 8. entry points: [`demo`], [`simulate`], [`cli`].

pub mod admin;
pub mod alerts;
pub mod audit;
pub mod auth;
pub mod cache;
pub mod catalog;
pub mod cli;
pub mod compliance;
pub mod config;
pub mod connections;
pub mod customers;
pub mod db;
pub mod demo;
pub mod effects;
pub mod error;
pub mod events;
pub mod graphql;
pub mod integrity;
pub mod notify;
pub mod operations;
pub mod orders;
pub mod outbox;
pub mod secrets;
pub mod server;
pub mod services;
pub mod simulate;
pub mod state;
pub mod sync;
pub mod telemetry;
pub mod webhooks;

pub use error::{ApiError, ErrorCode};
pub use state::AppState;
