//! Local fan-out: one bounded broadcast channel per topic.

use std::{
    collections::HashMap,
    sync::{Mutex, PoisonError},
};

use bytes::Bytes;
use futures::StreamExt;
use tokio::sync::broadcast;
use tokio_stream::wrappers::{BroadcastStream, errors::BroadcastStreamRecvError};

use super::{RawSubscription, Received};

/// Delivers payloads to this process's subscribers, per topic.
pub(super) struct Hub {
    capacity: usize,
    topics: Mutex<HashMap<String, broadcast::Sender<Bytes>>>,
}

impl Hub {
    /// A hub buffering up to `capacity` events per subscriber and topic.
    pub(super) fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            topics: Mutex::new(HashMap::new()),
        }
    }

    /// Delivers `payload` to the topic's subscribers; forgets topics nobody listens to.
    pub(super) fn deliver(&self, topic: &str, payload: Bytes) {
        let mut topics = self.topics.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(sender) = topics.get(topic)
            && sender.send(payload).is_err()
        {
            topics.remove(topic);
        }
    }

    /// A stream of the topic's payloads from now on.
    pub(super) fn subscribe(&self, topic: &str) -> RawSubscription {
        let receiver = {
            let mut topics = self.topics.lock().unwrap_or_else(PoisonError::into_inner);
            topics
                .entry(topic.to_owned())
                .or_insert_with(|| broadcast::channel(self.capacity).0)
                .subscribe()
        };
        BroadcastStream::new(receiver)
            .map(|item| match item {
                Ok(payload) => Received::Event(payload),
                Err(BroadcastStreamRecvError::Lagged(skipped)) => {
                    metrics::counter!("canopy_events_lagged_total").increment(skipped);
                    Received::Lagged { skipped }
                }
            })
            .boxed()
    }
}
