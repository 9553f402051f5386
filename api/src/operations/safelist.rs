//! Whether a document may run, by the server's persisted-query mode.
//!
//! In `safelist` mode only registered documents run, for every viewer but admins (the
//! admin page and operators' GraphiQL sessions send documents of their own). The answer
//! for a hash is read from `persisted_operations` and kept in process for
//! [`KNOWN_FOR`]: a registration is seen at once (unknown hashes are never cached), a
//! removal as its announcement arrives ([`super::removals`]), and at the latest when the
//! entry expires.

use std::{sync::Arc, time::Duration};

use entities::persisted_operation::Entity;
use futures::StreamExt;
use moka::future::Cache;
use sea_orm::{DatabaseConnection, DbErr, EntityTrait};
use tokio_util::sync::CancellationToken;

use super::removals::REMOVED_TOPIC;
use crate::{
    auth::Viewer,
    config::PersistedQueries,
    error::ApiError,
    events::{EventBusExt, Received, SharedEventBus},
};

/// How long a registered document is known without asking the database again.
const KNOWN_FOR: Duration = Duration::from_secs(60);
/// How many registered documents are kept in process.
const CAPACITY: u64 = 10_000;

/// The persisted-query mode and the registered documents, shared by the HTTP and
/// websocket paths (cloning shares the cache).
#[derive(Clone)]
pub struct Safelist {
    mode: PersistedQueries,
    db: DatabaseConnection,
    known: Cache<String, Arc<str>>,
}

impl Safelist {
    /// The safelist of a server in `mode`, reading registrations from `db`.
    pub fn new(db: DatabaseConnection, mode: PersistedQueries) -> Self {
        Self {
            mode,
            db,
            known: Cache::builder()
                .max_capacity(CAPACITY)
                .time_to_live(KNOWN_FOR)
                .build(),
        }
    }

    /// The server's persisted-query mode.
    pub const fn mode(&self) -> PersistedQueries {
        self.mode
    }

    /// Forgets `hash` at once (it was removed).
    pub async fn forget(&self, hash: &str) {
        self.known.invalidate(hash).await;
    }

    /// In `safelist` mode, forgets each hash whose removal is announced on `events`, and
    /// everything it knows when announcements were lost, until `shutdown`.
    pub fn forget_removed(&self, events: &SharedEventBus, shutdown: CancellationToken) {
        if self.mode != PersistedQueries::Safelist {
            return;
        }
        let mut removals = events.subscribe_events(&REMOVED_TOPIC);
        let safelist = self.clone();
        tokio::spawn(async move {
            loop {
                let received = tokio::select! {
                    () = shutdown.cancelled() => break,
                    received = removals.next() => received,
                };
                match received {
                    Some(Received::Event(removed)) => safelist.forget(&removed.hash).await,
                    Some(Received::Lagged { .. }) => safelist.known.invalidate_all(),
                    None => break,
                }
            }
        });
    }

    /// The document registered under `hash`, if any.
    pub async fn document(&self, hash: &str) -> Result<Option<Arc<str>>, DbErr> {
        if let Some(document) = self.known.get(hash).await {
            return Ok(Some(document));
        }
        let Some(row) = Entity::find_by_id(hash.to_owned()).one(&self.db).await? else {
            return Ok(None);
        };
        let document: Arc<str> = row.document.into();
        self.known
            .insert(hash.to_owned(), Arc::clone(&document))
            .await;
        Ok(Some(document))
    }

    /// Whether `viewer` may run `document`: always, unless the mode is `safelist`, the
    /// viewer is not an admin and the document is not registered
    /// (`QUERY_NOT_IN_SAFELIST`).
    pub async fn permit(&self, viewer: &Viewer, document: &str) -> Result<(), ApiError> {
        if self.mode != PersistedQueries::Safelist || viewer.admin_subject().is_some() {
            return Ok(());
        }
        match self.document(&super::hash(document)).await? {
            Some(_) => Ok(()),
            None => Err(ApiError::QueryNotInSafelist),
        }
    }
}
