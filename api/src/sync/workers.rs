//! The pollers: one task per enabled connection, running an incremental sync every
//! `poll_interval_secs` and a full reconciliation when one is due; a supervisor starts
//! pollers for new connections and lets removed or disabled ones stop.
//!
//! One process runs one poller per connection. Several worker replicas on one
//! PostgreSQL would each poll (applying is idempotent, so that is wasteful, not wrong);
//! a lease to elect one poller per connection is still to come.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};

use chrono::{DateTime, Utc};
use providers::PosProvider;
use tokio::sync::Notify;
use tokio_util::{sync::CancellationToken, task::TaskTracker};
use uuid::Uuid;

use super::{RunMode, Synchronizer, cursor, cursor::Stream};
use crate::connections::{self, ConnectionError};

/// How often the supervisor looks for new connections, and how long a poller waits
/// after it could not even load its connection.
#[derive(Clone, Copy, Debug)]
pub struct WorkerConfig {
    /// Time between scans for new connections.
    pub rescan_interval: Duration,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        Self {
            rescan_interval: Duration::from_secs(15),
        }
    }
}

/// The running pollers; lets callers ask for an immediate run.
#[derive(Clone, Default)]
pub struct SyncWorkers {
    pollers: Arc<Mutex<HashMap<Uuid, Arc<Notify>>>>,
}

impl SyncWorkers {
    /// Starts the supervisor (and through it the pollers) on `tracker`; everything stops
    /// when `shutdown` is cancelled.
    pub fn start(
        sync: Synchronizer,
        config: WorkerConfig,
        tracker: &TaskTracker,
        shutdown: CancellationToken,
    ) -> Self {
        let workers = Self::default();
        let supervisor = workers.clone();
        let poller_tracker = tracker.clone();
        tracker.spawn(async move {
            loop {
                supervisor.scan(&sync, &poller_tracker, &shutdown).await;
                tokio::select! {
                    () = shutdown.cancelled() => break,
                    () = tokio::time::sleep(config.rescan_interval) => {}
                }
            }
        });
        workers
    }

    /// Wakes the poller of `connection_id` for a run now; `false` when none runs.
    pub fn trigger(&self, connection_id: Uuid) -> bool {
        let pollers = self.pollers.lock().unwrap_or_else(PoisonError::into_inner);
        pollers.get(&connection_id).is_some_and(|wake| {
            wake.notify_one();
            true
        })
    }

    /// The connections that have a running poller.
    pub fn polled(&self) -> Vec<Uuid> {
        let pollers = self.pollers.lock().unwrap_or_else(PoisonError::into_inner);
        pollers.keys().copied().collect()
    }

    async fn scan(&self, sync: &Synchronizer, tracker: &TaskTracker, shutdown: &CancellationToken) {
        let enabled = match connections::enabled(sync.db()).await {
            Ok(enabled) => enabled,
            Err(error) => {
                tracing::warn!(%error, "could not list provider connections");
                return;
            }
        };
        let mut pollers = self.pollers.lock().unwrap_or_else(PoisonError::into_inner);
        for connection in enabled {
            if pollers.contains_key(&connection.id) {
                continue;
            }
            let wake = Arc::new(Notify::new());
            pollers.insert(connection.id, wake.clone());
            let poller = Poller {
                sync: sync.clone(),
                connection_id: connection.id,
                wake,
                shutdown: shutdown.clone(),
                adapter: None,
            };
            let registry = self.clone();
            tracker.spawn(async move {
                let id = poller.connection_id;
                poller.run().await;
                registry
                    .pollers
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .remove(&id);
            });
        }
    }
}

/// One connection's polling loop.
struct Poller {
    sync: Synchronizer,
    connection_id: Uuid,
    wake: Arc<Notify>,
    shutdown: CancellationToken,
    /// The adapter, kept across runs (its token cache, limiters and breaker live in
    /// it) until the connection row changes.
    adapter: Option<(DateTime<Utc>, Arc<dyn PosProvider>)>,
}

impl Poller {
    async fn run(mut self) {
        tracing::info!(connection = %self.connection_id, "poller started");
        loop {
            let wait = match self.once().await {
                Ok(Some(wait)) => wait,
                Ok(None) => break,
                Err(wait) => wait,
            };
            tokio::select! {
                () = self.shutdown.cancelled() => break,
                () = tokio::time::sleep(wait) => {}
                () = self.wake.notified() => {}
            }
        }
        tracing::info!(connection = %self.connection_id, "poller stopped");
    }

    /// One run; `Ok(None)` when the connection is gone or disabled, otherwise the
    /// time to wait before the next.
    async fn once(&mut self) -> Result<Option<Duration>, Duration> {
        let retry = Duration::from_secs(30);
        let row = match connections::find(self.sync.db(), self.connection_id).await {
            Ok(row) if row.enabled => row,
            Ok(_) | Err(ConnectionError::NotFound(_)) => return Ok(None),
            Err(error) => {
                tracing::warn!(connection = %self.connection_id, %error, "could not load the connection");
                return Err(retry);
            }
        };
        let wait = Duration::from_secs(u64::try_from(row.poll_interval_secs.max(1)).unwrap_or(1));
        let provider = match &self.adapter {
            Some((version, provider)) if *version == row.updated_at => provider.clone(),
            _ => match connections::connect(self.sync.keyring(), &row) {
                Ok(provider) => {
                    self.adapter = Some((row.updated_at, provider.clone()));
                    provider
                }
                Err(error) => {
                    tracing::warn!(connection = %row.id, %error, "could not build the adapter");
                    let _ = cursor::fail(
                        self.sync.db(),
                        row.id,
                        Stream::Locations,
                        &error.to_string(),
                        Utc::now(),
                    )
                    .await;
                    return Err(wait.max(retry));
                }
            },
        };
        let mode = match self.sync.needs_full(&row).await {
            Ok(true) => RunMode::Full,
            Ok(false) => RunMode::Incremental,
            Err(error) => {
                tracing::warn!(connection = %row.id, %error, "could not read the sync cursors");
                return Err(wait);
            }
        };
        match self.sync.run(&row, provider.as_ref(), mode).await {
            Ok(report) => {
                tracing::debug!(connection = %row.id, ?mode, stock_changes = report.stock_changes, "sync run")
            }
            Err(error) => tracing::warn!(connection = %row.id, ?mode, %error, "sync run failed"),
        }
        Ok(Some(wait))
    }
}
