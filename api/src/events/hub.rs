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

/// What one topic's channel carries.
#[derive(Clone)]
enum Frame {
    /// One event.
    Payload(Bytes),
    /// Events may have been lost upstream (the bus reconnected): subscribers re-read.
    Gap,
}

/// Delivers payloads to this process's subscribers, per topic.
pub(super) struct Hub {
    capacity: usize,
    topics: Mutex<HashMap<String, broadcast::Sender<Frame>>>,
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
            && sender.send(Frame::Payload(payload)).is_err()
        {
            topics.remove(topic);
        }
    }

    /// Tells every subscriber that events may have been lost before now (the upstream
    /// connection was down), as [`Received::Lagged`] with nothing counted, so each one
    /// re-reads what it shows.
    pub(super) fn gap(&self) {
        let mut topics = self.topics.lock().unwrap_or_else(PoisonError::into_inner);
        topics.retain(|_, sender| sender.send(Frame::Gap).is_ok());
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
                Ok(Frame::Payload(payload)) => Received::Event(payload),
                Ok(Frame::Gap) => Received::Lagged { skipped: 0 },
                Err(BroadcastStreamRecvError::Lagged(skipped)) => {
                    metrics::counter!("canopy_events_lagged_total").increment(skipped);
                    Received::Lagged { skipped }
                }
            })
            .boxed()
    }
}
