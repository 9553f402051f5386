//! The in-process event bus, for one replica.

use async_trait::async_trait;
use bytes::Bytes;

use super::{EventBus, EventError, RawSubscription, hub::Hub};

/// Events delivered within this process only.
pub struct MemoryEventBus {
    hub: Hub,
}

impl MemoryEventBus {
    /// A bus buffering up to `capacity` events per subscriber.
    pub fn new(capacity: usize) -> Self {
        Self {
            hub: Hub::new(capacity),
        }
    }
}

#[async_trait]
impl EventBus for MemoryEventBus {
    async fn publish(&self, topic: &str, payload: Bytes) -> Result<(), EventError> {
        self.hub.deliver(topic, payload);
        Ok(())
    }

    fn subscribe(&self, topic: &str) -> RawSubscription {
        self.hub.subscribe(topic)
    }

    fn backend(&self) -> &'static str {
        "memory"
    }
}
