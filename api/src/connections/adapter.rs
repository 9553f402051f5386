//! From a stored connection to a live adapter: open the secrets, build the config.

use std::sync::Arc;

use entities::provider_connection::Model;
use providers::{ConnectionConfig, PosProvider};
use secrecy::SecretString;
use url::Url;

use super::{
    ConnectionError,
    store::{API_KEY, API_SECRET, WEBHOOK_SECRET},
};
use crate::secrets::{Keyring, SealContext};

/// The adapter configuration of `row`, its secrets opened.
pub fn connection_config(
    keyring: &Keyring,
    row: &Model,
) -> Result<ConnectionConfig, ConnectionError> {
    let open = |field: &'static str, sealed: &[u8]| {
        keyring
            .open(&row.key_id, SealContext::new(row.id, field), sealed)
            .map_err(|source| ConnectionError::Secrets {
                connection_id: row.id,
                source,
            })
    };
    let api_key = open(API_KEY, &row.api_key_sealed)?;
    let api_secret = row
        .api_secret_sealed
        .as_deref()
        .map(|sealed| open(API_SECRET, sealed))
        .transpose()?;
    let webhook_secret: Option<SecretString> = row
        .webhook_secret_sealed
        .as_deref()
        .map(|sealed| open(WEBHOOK_SECRET, sealed))
        .transpose()?;
    Ok(ConnectionConfig {
        connection_id: row.id,
        kind: row.kind,
        base_url: Url::parse(&row.base_url).map_err(|_| ConnectionError::BaseUrl(row.id))?,
        api_key,
        api_secret,
        webhook_secret,
        settings: row.settings.clone(),
    })
}

/// A live adapter for `row` (no call to the POS is made).
pub fn connect(keyring: &Keyring, row: &Model) -> Result<Arc<dyn PosProvider>, ConnectionError> {
    Ok(providers::connect(connection_config(keyring, row)?)?)
}
