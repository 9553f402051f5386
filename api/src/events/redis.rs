//! The Redis event bus: pub/sub across replicas.
//!
//! Publishing is one `PUBLISH {prefix}:events:{topic}` on the shared connection manager.
//! A background listener holds a dedicated pub/sub connection with one
//! `PSUBSCRIBE {prefix}:events:*` and forwards every message into the local [`Hub`], so a
//! replica has one Redis subscription however many clients subscribe. When the connection
//! drops (Redis restarted, network cut, heartbeat unanswered) the listener reconnects with
//! capped, jittered backoff and subscribes again; events published meanwhile are lost,
//! so once subscribed again it tells every local subscriber of the gap
//! ([`super::Received::Lagged`]) and each re-reads from the database, which is the truth. The listener stops when
//! the bus is dropped. Publishing goes through the [`RedisCircuit`] shared with the
//! cache: while it is open (Redis hung or down), events are dropped at once, counted in
//! `canopy_redis_skipped_total{op="publish"}`, rather than each waiting for a timeout.

use std::{sync::Arc, time::Duration};

use async_trait::async_trait;
use backon::{BackoffBuilder, ExponentialBuilder};
use bytes::Bytes;
use futures::StreamExt;
use redis::{AsyncCommands, Client, Msg, aio::ConnectionManager};
use tokio::{sync::watch, time::timeout};
use tokio_util::sync::{CancellationToken, DropGuard};

use super::{EventBus, EventError, RawSubscription, hub::Hub};
use crate::cache::RedisCircuit;

/// How the listener watches and restores its pub/sub connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListenerTiming {
    /// Bound on each connection attempt, subscription and heartbeat.
    pub io_timeout: Duration,
    /// How often the listener checks its pub/sub connection is alive.
    pub heartbeat: Duration,
    /// Longest wait between two reconnection attempts.
    pub max_reconnect_delay: Duration,
}

/// Events shared by every replica through Redis pub/sub.
pub struct RedisEventBus {
    publisher: ConnectionManager,
    circuit: Arc<RedisCircuit>,
    channel_prefix: String,
    hub: Arc<Hub>,
    subscriptions: watch::Receiver<u64>,
    _listener: DropGuard,
}

impl RedisEventBus {
    /// Starts a bus on `client` (for the listener's pub/sub connection) and `publisher`
    /// (guarded by `circuit`), with channels under `{prefix}:events:`, buffering
    /// `capacity` events per subscriber; `timing` paces the listener's connection.
    pub fn start(
        client: Client,
        publisher: ConnectionManager,
        circuit: Arc<RedisCircuit>,
        prefix: &str,
        capacity: usize,
        timing: ListenerTiming,
    ) -> Self {
        let channel_prefix = format!("{prefix}:events:");
        let hub = Arc::new(Hub::new(capacity));
        let (subscribed, subscriptions) = watch::channel(0);
        let stop = CancellationToken::new();
        let listener = Listener {
            client,
            channel_prefix: channel_prefix.clone(),
            hub: Arc::clone(&hub),
            subscribed,
            timing,
        };
        tokio::spawn(listener.run(stop.clone()));
        Self {
            publisher,
            circuit,
            channel_prefix,
            hub,
            subscriptions,
            _listener: stop.drop_guard(),
        }
    }

    /// Counts the listener's successful (re)subscriptions: wait for a change to know that
    /// events published from now on will be received.
    pub fn subscriptions(&self) -> watch::Receiver<u64> {
        self.subscriptions.clone()
    }
}

#[async_trait]
impl EventBus for RedisEventBus {
    async fn publish(&self, topic: &str, payload: Bytes) -> Result<(), EventError> {
        let channel = format!("{}{topic}", self.channel_prefix);
        let mut publisher = self.publisher.clone();
        let publish = async move {
            let _receivers: u64 = publisher.publish(channel, payload.as_ref()).await?;
            Ok::<_, redis::RedisError>(())
        };
        // skipped while the circuit is open: events are signals, subscribers refetch
        if let Some(result) = self.circuit.call("publish", publish).await {
            result?;
        }
        Ok(())
    }

    fn subscribe(&self, topic: &str) -> RawSubscription {
        self.hub.subscribe(topic)
    }

    fn backend(&self) -> &'static str {
        "redis"
    }
}

/// The background task forwarding Redis messages into the hub.
struct Listener {
    client: Client,
    channel_prefix: String,
    hub: Arc<Hub>,
    subscribed: watch::Sender<u64>,
    timing: ListenerTiming,
}

impl Listener {
    async fn run(self, stop: CancellationToken) {
        let backoff = ExponentialBuilder::new()
            .with_min_delay(Duration::from_millis(50))
            .with_max_delay(self.timing.max_reconnect_delay)
            .with_jitter()
            .without_max_times();
        let mut delays = backoff.build();
        loop {
            let session = tokio::select! {
                () = stop.cancelled() => return,
                session = self.session() => session,
            };
            match session {
                Ok(()) => {
                    delays = backoff.build();
                    tracing::warn!("redis pub/sub connection lost; resubscribing");
                }
                Err(error) => tracing::warn!(%error, "redis pub/sub subscription failed; retrying"),
            }
            let delay = delays.next().unwrap_or(self.timing.max_reconnect_delay);
            tokio::select! {
                () = stop.cancelled() => return,
                () = tokio::time::sleep(delay) => {}
            }
        }
    }

    /// One connection's life: subscribe, then forward until the connection fails (`Ok`).
    async fn session(&self) -> Result<(), SessionError> {
        let pubsub = timeout(self.timing.io_timeout, self.client.get_async_pubsub())
            .await
            .map_err(|_| SessionError::Timeout)??;
        let (mut sink, mut messages) = pubsub.split();
        let pattern = format!("{}*", self.channel_prefix);
        timeout(self.timing.io_timeout, sink.psubscribe(&pattern))
            .await
            .map_err(|_| SessionError::Timeout)??;
        let mut resubscribed = false;
        self.subscribed.send_modify(|count| {
            resubscribed = *count > 0;
            *count += 1;
        });
        if resubscribed {
            // events published while the connection was down never arrived
            self.hub.gap();
        }
        tracing::debug!("redis pub/sub subscribed");

        let mut heartbeat = tokio::time::interval(self.timing.heartbeat);
        heartbeat.tick().await;
        loop {
            tokio::select! {
                message = messages.next() => match message {
                    Some(message) => self.forward(&message),
                    None => return Ok(()),
                },
                _ = heartbeat.tick() => {
                    let pong = timeout(self.timing.io_timeout, sink.ping::<redis::Value>()).await;
                    if !matches!(pong, Ok(Ok(_))) {
                        return Ok(());
                    }
                }
            }
        }
    }

    fn forward(&self, message: &Msg) {
        if let Some(topic) = message
            .get_channel_name()
            .strip_prefix(&self.channel_prefix)
        {
            self.hub
                .deliver(topic, Bytes::copy_from_slice(message.get_payload_bytes()));
        }
    }
}

/// Why a pub/sub session could not start.
#[derive(Debug, thiserror::Error)]
enum SessionError {
    #[error("redis did not answer in time")]
    Timeout,
    #[error(transparent)]
    Redis(#[from] redis::RedisError),
}
