//! Canopy's API: the axum server, the GraphQL schema, auth, cache and event bus.
//!
//! The binary (`src/main.rs`) only parses the command line and calls [`cli::run`];
//! everything else lives here so integration tests drive the same code.

pub mod admin;
pub mod alerts;
pub mod audit;
pub mod auth;
pub mod cache;
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
pub mod notify;
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
