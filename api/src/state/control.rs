//! [`SyncControl`]: the handle the API holds (in `AppState`) to steer the background
//! sync: ask for a connection's sync now (`triggerSync`) and wake the webhook worker
//! when a delivery was stored.
//!
//! A trigger travels on the event bus, so it reaches the replica whose poller holds the
//! connection's lease, wherever that is; pollers on other replicas ignore it.

use std::sync::Arc;

use futures::stream::BoxStream;
use serde::{Deserialize, Serialize};
use tokio::sync::Notify;
use uuid::Uuid;

use crate::events::{EventBusExt, EventError, Received, SharedEventBus, Topic};

/// The topic sync requests travel on.
pub const SYNC_TRIGGER_TOPIC: Topic<SyncTrigger> = Topic::new("sync.trigger");

/// A request to sync one connection now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncTrigger {
    /// The connection to sync.
    pub connection_id: Uuid,
}

/// Steers the background sync; cheap to clone.
#[derive(Clone)]
pub struct SyncControl {
    events: SharedEventBus,
    webhooks: Arc<Notify>,
}

impl SyncControl {
    /// Control over the workers listening on `events`.
    pub fn new(events: SharedEventBus) -> Self {
        Self {
            events,
            webhooks: Arc::new(Notify::new()),
        }
    }

    /// Asks the poller of `connection_id` (on whichever replica holds its lease) for an
    /// incremental run now. Fire and forget: the run's outcome shows in the sync status.
    pub async fn trigger(&self, connection_id: Uuid) -> Result<(), EventError> {
        self.events
            .publish_event(&SYNC_TRIGGER_TOPIC, &SyncTrigger { connection_id })
            .await
    }

    /// The sync requests from now on (for the pollers).
    pub(crate) fn triggers(&self) -> BoxStream<'static, Received<SyncTrigger>> {
        self.events.subscribe_events(&SYNC_TRIGGER_TOPIC)
    }

    /// Tells this replica's webhook worker a delivery is waiting.
    pub fn webhook_stored(&self) {
        self.webhooks.notify_one();
    }

    /// What the webhook worker waits on.
    pub(crate) fn webhook_signal(&self) -> Arc<Notify> {
        self.webhooks.clone()
    }
}
