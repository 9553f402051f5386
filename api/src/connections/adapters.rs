//! Live POS adapters kept across calls, one per connection (their token caches and
//! circuit breakers live in them), rebuilt when the connection row changes: the sync
//! workers, order delivery and the webhook receiver each keep one such cache. Their
//! rate limiters are shared per connection across all of them (`providers::http`).

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
};

use chrono::{DateTime, Utc};
use entities::provider_connection;
use providers::PosProvider;
use uuid::Uuid;

use super::{ConnectionError, adapter::connect};
use crate::secrets::Keyring;

/// An adapter and the `updated_at` of the connection row it was built from.
type Built = (DateTime<Utc>, Arc<dyn PosProvider>);

/// Adapters by connection id, each tagged with the row version it was built from.
#[derive(Clone)]
pub struct Adapters {
    keyring: Arc<Keyring>,
    built: Arc<Mutex<HashMap<Uuid, Built>>>,
}

impl Adapters {
    /// An empty cache opening connection secrets with `keyring`.
    pub fn new(keyring: Arc<Keyring>) -> Self {
        Self {
            keyring,
            built: Arc::default(),
        }
    }

    /// The keyring that opens connection secrets.
    pub fn keyring(&self) -> &Keyring {
        &self.keyring
    }

    /// The adapter for `row`, built now when the row is new or changed.
    pub fn get(
        &self,
        row: &provider_connection::Model,
    ) -> Result<Arc<dyn PosProvider>, ConnectionError> {
        let mut built = self.built.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((version, adapter)) = built.get(&row.id)
            && *version == row.updated_at
        {
            return Ok(adapter.clone());
        }
        let adapter = connect(&self.keyring, row)?;
        built.insert(row.id, (row.updated_at, adapter.clone()));
        Ok(adapter)
    }
}
