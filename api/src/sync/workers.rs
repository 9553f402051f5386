//! The pollers: one task per enabled connection, running an incremental sync every
//! `poll_interval_secs` and a full reconciliation when one is due; a supervisor starts
//! pollers for new connections and lets removed or disabled ones stop.
//!
//! Every replica runs a poller per connection, but only the one holding the
//! connection's [`Lease`] polls; the others stand by and take over within a lease
//! period when the holder dies (or at once when it stops cleanly and releases it).
//! Sync requests ([`SyncControl::trigger`]) arrive on the event bus and wake the local
//! poller, which runs now if it holds the lease; a request for a connection with no
//! poller here yet (created since the last scan) makes the supervisor scan at once, and
//! the new poller's first run follows.

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex, PoisonError,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use chrono::Utc;
use futures::StreamExt;
use tokio::sync::Notify;
use tokio_util::{sync::CancellationToken, task::TaskTracker};
use uuid::Uuid;

use super::{RunMode, Synchronizer, cursor, cursor::Stream, lease::Lease, runs, status};
use crate::{
    connections::{self, ConnectionError},
    events::Received,
    state::SyncControl,
};

/// How the workers pace themselves and identify themselves to their peers (flags and
/// environment variables of `serve`).
#[derive(clap::Args, Clone, Debug)]
pub struct WorkerConfig {
    /// Time between scans for new connections.
    #[arg(long = "sync-rescan-interval", env = "CANOPY_SYNC_RESCAN_INTERVAL", default_value = "15s", value_parser = humantime::parse_duration)]
    pub rescan_interval: Duration,
    /// How long a poller's lease lasts without renewal: the longest a connection goes
    /// unpolled after its poller's replica dies.
    #[arg(long = "sync-lease-period", env = "CANOPY_SYNC_LEASE_PERIOD", default_value = "30s", value_parser = humantime::parse_duration)]
    pub lease_period: Duration,
    /// Time a poller waits before trying again when it cannot load its connection or
    /// build its adapter.
    #[arg(long = "sync-retry-interval", env = "CANOPY_SYNC_RETRY_INTERVAL", default_value = "30s", value_parser = humantime::parse_duration)]
    pub retry_interval: Duration,
    /// This replica's name in the lease table (unique per process).
    #[arg(skip = format!("canopy-{}", Uuid::new_v4().simple()))]
    pub holder: String,
}

impl Default for WorkerConfig {
    /// The clap defaults, without flags or environment, under a fresh holder name.
    fn default() -> Self {
        crate::config::clap_defaults()
    }
}

/// One poller, as the registry sees it.
struct PollerHandle {
    wake: Arc<Notify>,
    holding: Arc<AtomicBool>,
}

/// The running pollers; lets callers ask for an immediate run.
#[derive(Clone, Default)]
pub struct SyncWorkers {
    pollers: Arc<Mutex<HashMap<Uuid, PollerHandle>>>,
    /// Wakes the supervisor for a scan before its interval is up.
    rescan: Arc<Notify>,
}

impl SyncWorkers {
    /// Starts the supervisor (and through it the pollers) on `tracker`, listening for
    /// sync requests through `control`; everything stops when `shutdown` is cancelled.
    pub fn start(
        sync: Synchronizer,
        control: &SyncControl,
        config: WorkerConfig,
        tracker: &TaskTracker,
        shutdown: CancellationToken,
    ) -> Self {
        let workers = Self::default();
        let supervisor = workers.clone();
        let poller_tracker = tracker.clone();
        let stop = shutdown.clone();
        tracker.spawn(async move {
            loop {
                supervisor
                    .scan(&sync, &config, &poller_tracker, &stop)
                    .await;
                tokio::select! {
                    () = stop.cancelled() => break,
                    () = tokio::time::sleep(config.rescan_interval) => {}
                    () = supervisor.rescan.notified() => {}
                }
            }
        });
        let listener = workers.clone();
        let mut triggers = control.triggers();
        tracker.spawn(async move {
            loop {
                tokio::select! {
                    () = shutdown.cancelled() => break,
                    received = triggers.next() => match received {
                        Some(Received::Event(trigger)) => {
                            if !listener.trigger(trigger.connection_id) {
                                listener.rescan.notify_one();
                            }
                        }
                        Some(Received::Lagged { .. }) => {}
                        None => break,
                    },
                }
            }
        });
        workers
    }

    /// Wakes this replica's poller of `connection_id` for a run now (it runs only if it
    /// holds the lease); `false` when none runs here.
    pub fn trigger(&self, connection_id: Uuid) -> bool {
        let pollers = self.pollers.lock().unwrap_or_else(PoisonError::into_inner);
        pollers.get(&connection_id).is_some_and(|poller| {
            poller.wake.notify_one();
            true
        })
    }

    /// The connections that have a poller on this replica (active or standing by).
    pub fn polled(&self) -> Vec<Uuid> {
        let pollers = self.pollers.lock().unwrap_or_else(PoisonError::into_inner);
        pollers.keys().copied().collect()
    }

    /// The connections this replica polls now (it holds their lease).
    pub fn active(&self) -> Vec<Uuid> {
        let pollers = self.pollers.lock().unwrap_or_else(PoisonError::into_inner);
        pollers
            .iter()
            .filter(|(_, poller)| poller.holding.load(Ordering::Acquire))
            .map(|(id, _)| *id)
            .collect()
    }

    async fn scan(
        &self,
        sync: &Synchronizer,
        config: &WorkerConfig,
        tracker: &TaskTracker,
        shutdown: &CancellationToken,
    ) {
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
            let handle = PollerHandle {
                wake: Arc::new(Notify::new()),
                holding: Arc::new(AtomicBool::new(false)),
            };
            let poller = Poller {
                sync: sync.clone(),
                connection_id: connection.id,
                wake: handle.wake.clone(),
                holding: handle.holding.clone(),
                shutdown: shutdown.clone(),
                retry: config.retry_interval,
            };
            pollers.insert(connection.id, handle);
            let lease = Lease::new(
                sync.db().clone(),
                format!("poller:{}", connection.id),
                config.holder.clone(),
                config.lease_period,
            );
            let registry = self.clone();
            tracker.spawn(async move {
                let id = poller.connection_id;
                poller.run(lease).await;
                registry
                    .pollers
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .remove(&id);
            });
        }
    }
}

/// What a poller does after waiting.
enum Next {
    Run,
    Stop,
}

/// One connection's polling loop.
struct Poller {
    sync: Synchronizer,
    connection_id: Uuid,
    wake: Arc<Notify>,
    holding: Arc<AtomicBool>,
    shutdown: CancellationToken,
    /// Time to wait after failing to load the connection or build its adapter.
    retry: Duration,
}

impl Poller {
    async fn run(mut self, lease: Lease) {
        tracing::info!(connection = %self.connection_id, "poller started");
        loop {
            match lease.acquire().await {
                Ok(true) => {}
                Ok(false) => {
                    // standing by: another replica polls this connection
                    self.set_holding(false);
                    match self.wait(lease.renew_interval()).await {
                        Next::Run => continue,
                        Next::Stop => break,
                    }
                }
                Err(error) => {
                    tracing::warn!(connection = %self.connection_id, %error, "could not take the poller lease");
                    self.set_holding(false);
                    match self.wait(lease.renew_interval()).await {
                        Next::Run => continue,
                        Next::Stop => break,
                    }
                }
            }
            self.set_holding(true);
            // a shutdown drops the run mid-batch: its transaction rolls back and the
            // cursor stays, so whoever polls next reads the same changes again
            let shutdown = self.shutdown.clone();
            let run = tokio::select! {
                () = shutdown.cancelled() => break,
                run = lease.hold_while(self.once()) => run,
            };
            let wait = match run {
                Some(Ok(Some(wait)) | Err(wait)) => wait,
                Some(Ok(None)) => break,
                None => continue,
            };
            let next = {
                let waiting = self.wait(wait);
                lease.hold_while(waiting).await
            };
            match next {
                Some(Next::Run) | None => {}
                Some(Next::Stop) => break,
            }
        }
        if self.holding.swap(false, Ordering::AcqRel)
            && let Err(error) = lease.release().await
        {
            tracing::warn!(connection = %self.connection_id, %error, "could not release the poller lease");
        }
        tracing::info!(connection = %self.connection_id, "poller stopped");
    }

    fn set_holding(&self, holding: bool) {
        if self.holding.swap(holding, Ordering::AcqRel) != holding {
            tracing::info!(connection = %self.connection_id, holding, "poller lease changed hands");
        }
    }

    /// Waits `wait`, or less when woken; `Stop` on shutdown.
    async fn wait(&self, wait: Duration) -> Next {
        tokio::select! {
            () = self.shutdown.cancelled() => Next::Stop,
            () = tokio::time::sleep(wait) => Next::Run,
            () = self.wake.notified() => Next::Run,
        }
    }

    /// One run; `Ok(None)` when the connection is gone or disabled, otherwise the
    /// time to wait before the next.
    async fn once(&mut self) -> Result<Option<Duration>, Duration> {
        let retry = self.retry;
        let row = match connections::find(self.sync.db(), self.connection_id).await {
            Ok(row) if row.enabled => row,
            Ok(_) | Err(ConnectionError::NotFound(_)) => return Ok(None),
            Err(error) => {
                tracing::warn!(connection = %self.connection_id, %error, "could not load the connection");
                return Err(retry);
            }
        };
        let wait = Duration::from_secs(u64::try_from(row.poll_interval_secs.max(1)).unwrap_or(1));
        let provider = match self.sync.adapters().get(&row) {
            Ok(provider) => provider,
            Err(error) => {
                tracing::warn!(connection = %row.id, %error, "could not build the adapter");
                let message = error.to_string();
                let now = Utc::now();
                let _ =
                    cursor::fail(self.sync.db(), row.id, Stream::Locations, &message, now).await;
                let failed = format!("{}: {message}", Stream::Locations.as_str());
                if let Err(error) = runs::failed(self.sync.db(), row.id, "poll", &failed, now).await
                {
                    tracing::warn!(connection = %row.id, %error, "could not record the failed run");
                }
                return Err(wait.max(retry));
            }
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
        status::record_lag(self.sync.db(), &row).await;
        Ok(Some(wait))
    }
}
