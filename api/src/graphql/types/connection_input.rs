//! The admin's input for a provider connection, as the GraphQL API receives it, and its
//! conversion into the plain [`crate::admin::input`] structs the admin use cases take.
//!
//! These types hold secrets as plain `String`s only because GraphQL delivers them so;
//! they implement no `Debug`.

use async_graphql::{InputObject, Json};

use super::PosKind;
use crate::admin::{ConnectionChanges, NewConnection};

/// A new provider connection (`createProviderConnection`).
#[derive(InputObject)]
pub struct CreateProviderConnectionInput {
    /// Which POS.
    pub kind: PosKind,
    /// Display name, 1 to 100 characters.
    pub name: String,
    /// The vendor API's base URL (`https://…`; `http://` only for loopback addresses).
    pub base_url: String,
    /// The API key (Dutchie location key, Jane client id, Dispense key); write-only.
    pub api_key: String,
    /// The API secret (Jane client secret, Dutchie integrator key); write-only.
    pub api_secret: Option<String>,
    /// The secret the POS signs its webhooks with; write-only.
    pub webhook_secret: Option<String>,
    /// Vendor settings (store id, venue ids …), a JSON object without secrets.
    pub settings: Option<Json<serde_json::Value>>,
    /// Seconds between incremental polls (5 to 3600, default 30).
    pub poll_interval_seconds: Option<i32>,
    /// Seconds between full reconciliations (60 to 86400, default 21600).
    pub full_sync_interval_seconds: Option<i32>,
    /// Whether Canopy syncs it (default true).
    pub enabled: Option<bool>,
}

/// Changes to a provider connection (`updateProviderConnection`): an omitted field is
/// kept; an empty `apiSecret` or `webhookSecret` clears it.
#[derive(InputObject)]
pub struct UpdateProviderConnectionInput {
    /// New display name.
    pub name: Option<String>,
    /// New base URL.
    pub base_url: Option<String>,
    /// New API key.
    pub api_key: Option<String>,
    /// New API secret; an empty string clears it.
    pub api_secret: Option<String>,
    /// New webhook secret; an empty string clears it.
    pub webhook_secret: Option<String>,
    /// New vendor settings (replaces the object).
    pub settings: Option<Json<serde_json::Value>>,
    /// New poll interval, seconds.
    pub poll_interval_seconds: Option<i32>,
    /// New full reconciliation interval, seconds.
    pub full_sync_interval_seconds: Option<i32>,
    /// Enable or disable syncing.
    pub enabled: Option<bool>,
}

impl From<CreateProviderConnectionInput> for NewConnection {
    fn from(input: CreateProviderConnectionInput) -> Self {
        Self {
            kind: input.kind,
            name: input.name,
            base_url: input.base_url,
            api_key: input.api_key,
            api_secret: input.api_secret,
            webhook_secret: input.webhook_secret,
            settings: input.settings.map(|settings| settings.0),
            poll_interval_seconds: input.poll_interval_seconds,
            full_sync_interval_seconds: input.full_sync_interval_seconds,
            enabled: input.enabled,
        }
    }
}

impl From<UpdateProviderConnectionInput> for ConnectionChanges {
    fn from(input: UpdateProviderConnectionInput) -> Self {
        Self {
            name: input.name,
            base_url: input.base_url,
            api_key: input.api_key,
            api_secret: input.api_secret,
            webhook_secret: input.webhook_secret,
            settings: input.settings.map(|settings| settings.0),
            poll_interval_seconds: input.poll_interval_seconds,
            full_sync_interval_seconds: input.full_sync_interval_seconds,
            enabled: input.enabled,
        }
    }
}
