//! Live POS adapters for the order workers, one per connection, kept across calls (their
//! token caches, limiters and circuit breakers live in them) until the connection row
//! changes.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
};

use chrono::{DateTime, Utc};
use entities::provider_connection;
use providers::PosProvider;
use uuid::Uuid;

use crate::{
    connections::{self, ConnectionError},
    secrets::Keyring,
};

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
        let adapter = connections::connect(&self.keyring, row)?;
        built.insert(row.id, (row.updated_at, adapter.clone()));
        Ok(adapter)
    }
}
