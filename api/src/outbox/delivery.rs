//! The delivery side of orders assembled from the application state: the status
//! applier, the outbox dispatcher and the adapters they share, and the background
//! workers (outbox sender, status poller) `serve` starts.

use std::sync::Arc;

use sea_orm::DatabaseConnection;
use tokio_util::{sync::CancellationToken, task::TaskTracker};

use super::{Dispatcher, OutboxSender};
use crate::{
    AppState,
    cache::SharedCache,
    connections::Adapters,
    effects::Announcer,
    events::SharedEventBus,
    orders::status_sync::{StatusApplier, StatusPoller},
    secrets::Keyring,
};

/// Everything that delivers orders to the POSes and brings their statuses back.
#[derive(Clone)]
pub struct Delivery {
    /// Records status changes, returns and their events.
    pub applier: StatusApplier,
    /// Sends outbox rows.
    pub dispatcher: Dispatcher,
    /// The adapters, shared by sender and poller.
    pub adapters: Adapters,
}

impl Delivery {
    /// Delivery over the state's database, bus, cache and master key.
    pub fn for_state(state: &AppState) -> Self {
        Self::new(
            state.db.clone(),
            state.cache.clone(),
            state.events.clone(),
            Arc::new(Keyring::new(&state.master_key)),
        )
    }

    /// Delivery writing to `db`, announcing through `cache` and `events`, opening
    /// connection secrets with `keyring`.
    pub fn new(
        db: DatabaseConnection,
        cache: SharedCache,
        events: SharedEventBus,
        keyring: Arc<Keyring>,
    ) -> Self {
        let applier = StatusApplier::new(
            db.clone(),
            events.clone(),
            Announcer::new(db, cache, events),
        );
        let adapters = Adapters::new(keyring);
        Self {
            dispatcher: Dispatcher::new(applier.clone(), adapters.clone()),
            applier,
            adapters,
        }
    }

    /// Starts the outbox sender and the status poller with the state's configuration.
    pub fn start(
        &self,
        state: &AppState,
        tracker: &TaskTracker,
        shutdown: &CancellationToken,
    ) -> OutboxSender {
        StatusPoller::new(
            self.applier.clone(),
            self.adapters.clone(),
            state.config.order_status.clone(),
        )
        .start(tracker, shutdown.clone());
        OutboxSender::start(
            self.dispatcher.clone(),
            state.config.outbox.clone(),
            tracker,
            shutdown.clone(),
        )
    }
}
