//! Jane (iHeartJane): OAuth2 client-credentials auth, a paged menu API,
//! webhooks for cart (order) status, and a partner order API that is our
//! guess [guess].
//!
//! - `settings`: the connection's settings (store id, token URL, webhook secret …).
//! - `models`: Jane's wire shapes; private to this module.
//! - `weights`, `mapping`: wire shapes to Canopy's model.
//! - `guesses`: everything inferred rather than documented, in one place.
//! - `oauth`: the token cache; `webhook`: bearer verification and cart payloads.
//! - `client`: [`JaneProvider`], the [`crate::PosProvider`] for Jane.
//! - `simulator` (+ `sim_routes`, `sim_wire`): a local Jane serving the same shapes.
//! - `kind`: its entry in the provider registry ([`KIND`]).

mod client;
#[cfg(test)]
mod fixture_tests;
mod guesses;
mod kind;
mod mapping;
mod models;
mod oauth;
mod offline;
mod settings;
mod sim_routes;
mod sim_wire;
pub mod simulator;
mod webhook;
mod weights;

pub use client::JaneProvider;
pub use kind::KIND;
pub use offline::decode_responses;
pub use settings::{JaneSettings, MAX_PAGE_SIZE, MenuApi};
