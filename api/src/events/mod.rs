//! The event bus: typed events published on topics and streamed to subscribers.
//!
//! One [`EventBus`] trait with two implementations: [`MemoryEventBus`] (in process, the
//! default without `REDIS_URL`) and [`RedisEventBus`] (Redis pub/sub, so an event
//! published on one replica reaches subscribers on all of them). Both fan out locally
//! through bounded [`hub::Hub`] buffers: a subscriber that falls behind skips ahead and is
//! told how many events it missed ([`Received::Lagged`]), it never slows the publisher.
//! Events are signals; the database stays the truth, so a missed event costs freshness.

pub mod alert;
mod hub;
mod memory;
pub mod order;
pub mod outbox;
mod redis;
pub mod stock;

use std::{marker::PhantomData, sync::Arc};

use async_trait::async_trait;
use bytes::Bytes;
use futures::{StreamExt, stream::BoxStream};
use serde::{Serialize, de::DeserializeOwned};

pub use self::{
    memory::MemoryEventBus,
    redis::{ListenerTiming, RedisEventBus},
};

/// An event bus failure.
#[derive(Debug, thiserror::Error)]
pub enum EventError {
    /// Publishing to Redis failed or timed out.
    #[error("redis publish failed")]
    Redis(#[from] ::redis::RedisError),
    /// The event could not be encoded.
    #[error("event could not be serialized")]
    Codec(#[from] serde_json::Error),
}

/// One item of a subscription.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Received<T> {
    /// The next event.
    Event(T),
    /// The subscriber fell behind and `skipped` events were dropped (0: an unknown number
    /// were lost upstream while the bus was reconnecting); refetch state.
    Lagged {
        /// How many events were lost.
        skipped: u64,
    },
}

/// A stream of raw event payloads.
pub type RawSubscription = BoxStream<'static, Received<Bytes>>;

/// Publishes and subscribes to raw payloads on named topics.
#[async_trait]
pub trait EventBus: Send + Sync + 'static {
    /// Publishes `payload` to every current subscriber of `topic`, on every replica.
    async fn publish(&self, topic: &str, payload: Bytes) -> Result<(), EventError>;

    /// Subscribes to `topic`; the stream sees events published from now on.
    fn subscribe(&self, topic: &str) -> RawSubscription;

    /// `memory` or `redis`, for logs.
    fn backend(&self) -> &'static str;
}

/// A topic whose events are of type `E`, for example
/// `const STOCK: Topic<StockEvent> = Topic::new("stock");`.
pub struct Topic<E> {
    name: &'static str,
    event: PhantomData<fn() -> E>,
}

impl<E> Topic<E> {
    /// A topic named `name` (letters, digits, `-`, `_` and `.`).
    pub const fn new(name: &'static str) -> Self {
        Self {
            name,
            event: PhantomData,
        }
    }

    /// The topic's name.
    pub const fn name(&self) -> &'static str {
        self.name
    }
}

/// Typed publish and subscribe over any [`EventBus`], with JSON on the wire.
#[async_trait]
pub trait EventBusExt: EventBus {
    /// Publishes `event` on `topic`.
    async fn publish_event<E: Serialize + Sync>(
        &self,
        topic: &Topic<E>,
        event: &E,
    ) -> Result<(), EventError> {
        let payload = Bytes::from(serde_json::to_vec(event)?);
        self.publish(topic.name(), payload).await
    }

    /// Subscribes to `topic`; payloads that do not decode as `E` are logged and skipped.
    fn subscribe_events<E: DeserializeOwned + Send + 'static>(
        &self,
        topic: &Topic<E>,
    ) -> BoxStream<'static, Received<E>> {
        let name = topic.name();
        self.subscribe(name)
            .filter_map(move |received| async move {
                match received {
                    Received::Lagged { skipped } => Some(Received::Lagged { skipped }),
                    Received::Event(payload) => match serde_json::from_slice(&payload) {
                        Ok(event) => Some(Received::Event(event)),
                        Err(error) => {
                            tracing::warn!(topic = name, %error, "dropped an undecodable event");
                            None
                        }
                    },
                }
            })
            .boxed()
    }
}

impl<B: EventBus + ?Sized> EventBusExt for B {}

/// The event bus as held in the application state.
pub type SharedEventBus = Arc<dyn EventBus>;
