//! The GraphQL schema: roots, limits, error codes and federation.
//!
//! Resolvers live in `query/<domain>.rs`, `mutation/<domain>.rs` and
//! `subscription/<domain>.rs`, one object per domain merged into the roots in
//! [`schema`]. Resolvers stay thin: they read the [`Viewer`](crate::auth::Viewer) and the
//! [`AppState`](crate::state::AppState) from the context and call services.

pub mod contained;
pub mod document;
pub(crate) mod error_size;
mod errors;
mod federation;
pub mod loaders;
pub mod mutation;
mod nul_bytes;
pub mod query;
pub mod safelist;
pub mod schema;
pub mod subscription;
pub mod types;

use async_graphql::Context;

pub use schema::{CanopySchema, Mutation, Query, Subscription, build_schema, sdl};

use crate::{error::ApiError, state::AppState};

/// The application state of the current request (every schema built by
/// [`build_schema`] carries it).
pub fn app_state<'a>(ctx: &Context<'a>) -> Result<&'a AppState, ApiError> {
    ctx.data::<AppState>()
        .map_err(|_| ApiError::internal("the schema carries no AppState"))
}
