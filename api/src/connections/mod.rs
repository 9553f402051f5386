//! Provider connections: the POS accounts Canopy syncs with.
//!
//! This module owns the `provider_connections` rows and their sealed secrets: it
//! creates and updates them ([`store`]), and turns a row back into a
//! [`providers::ConnectionConfig`] and a live adapter ([`adapter`]). Secrets are
//! sealed with [`crate::secrets::Keyring`] before they reach the database and opened
//! only to build an adapter; they never appear in errors or logs. It does not sync
//! (see [`crate::sync`]) and does not validate admin input (the GraphQL layer does).

mod adapter;
mod adapters;
mod input;
mod store;

use providers::ProviderError;
use sea_orm::DbErr;
use uuid::Uuid;

use crate::secrets::SecretsError;

pub use self::{
    adapter::{connect, connection_config},
    adapters::Adapters,
    input::{ConnectionInput, WEBHOOK_SECRET_SETTING},
    store::{API_KEY, API_SECRET, WEBHOOK_SECRET, create, enabled, find, find_by_name, replace},
};

/// Why a connection could not be stored, loaded or connected.
#[derive(Debug, thiserror::Error)]
pub enum ConnectionError {
    /// No such connection.
    #[error("provider connection {0} not found")]
    NotFound(Uuid),
    /// A secret could not be sealed or opened (wrong or missing master key, tampering).
    #[error("provider connection {connection_id}: {source}")]
    Secrets {
        /// The connection.
        connection_id: Uuid,
        /// What went wrong (never the secret).
        #[source]
        source: SecretsError,
    },
    /// The stored base URL does not parse.
    #[error("provider connection {0}: the base URL is invalid")]
    BaseUrl(Uuid),
    /// The adapter refused the configuration.
    #[error(transparent)]
    Provider(#[from] ProviderError),
    /// A database failure.
    #[error("database: {0}")]
    Database(#[from] DbErr),
}
