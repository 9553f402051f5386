//! What a connection is made of before it is stored.

use std::time::Duration;

use providers::{ConnectionConfig, model::PosKind};
use secrecy::SecretString;
use url::Url;

/// The settings key a webhook secret must not use: it is
/// [`ConnectionConfig::webhook_secret`], stored sealed in its own column, never in the
/// plain settings JSON.
pub const WEBHOOK_SECRET_SETTING: &str = "webhook_secret";

/// Everything needed to create or replace a provider connection. Secrets are
/// [`SecretString`]s, so `Debug` never shows them.
#[derive(Debug, Clone)]
pub struct ConnectionInput {
    /// Which POS.
    pub kind: PosKind,
    /// Display name.
    pub name: String,
    /// The vendor API's base URL.
    pub base_url: Url,
    /// API key (Dutchie location key, Jane client id, Dispense key).
    pub api_key: SecretString,
    /// API secret (Jane client secret, Dutchie integrator key).
    pub api_secret: Option<SecretString>,
    /// The secret the POS signs webhooks with.
    pub webhook_secret: Option<SecretString>,
    /// Vendor settings without secrets (store ids, venue ids, modes).
    pub settings: serde_json::Value,
    /// Whether sync runs for it.
    pub enabled: bool,
    /// Time between incremental polls.
    pub poll_interval: Duration,
    /// Time between full reconciliations.
    pub full_sync_interval: Duration,
}

impl ConnectionInput {
    /// Default time between incremental polls.
    pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(30);
    /// Default time between full reconciliations.
    pub const DEFAULT_FULL_SYNC_INTERVAL: Duration = Duration::from_secs(6 * 3600);

    /// An enabled connection named `name` reaching what `config` reaches, with the
    /// default intervals.
    pub fn from_config(name: impl Into<String>, config: ConnectionConfig) -> Self {
        Self {
            kind: config.kind,
            name: name.into(),
            base_url: config.base_url,
            api_key: config.api_key,
            api_secret: config.api_secret,
            webhook_secret: config.webhook_secret,
            settings: config.settings,
            enabled: true,
            poll_interval: Self::DEFAULT_POLL_INTERVAL,
            full_sync_interval: Self::DEFAULT_FULL_SYNC_INTERVAL,
        }
    }
}
