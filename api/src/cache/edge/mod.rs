//! The edge cache in front of Canopy (Varnish, Fastly, Cloudflare) as one more layer of
//! tagged entries: public responses name their tags in surrogate-key headers (see the
//! GraphQL endpoint's `surrogate` module), and invalidating a tag here also purges it at
//! the edge.
//!
//! [`PurgingCache`] wraps the read cache: every [`Cache::invalidate_tags`] goes through,
//! and its public tags ([`super::tags::is_public`]) are offered to [`EdgePurges`], whose
//! background task calls the configured purge endpoint ([`template`], [`worker`]). So the
//! edge forgets exactly what Canopy's own response cache forgets, when it forgets it.
//!
//! Replicas and workers: a change is announced once, by the process that applied it (the
//! sync run holding its connection's lease, the replica that took the checkout), and
//! that process purges. A change two processes announce is purged twice, which is
//! harmless: a purge is idempotent. Offering never waits: a full queue drops the keys
//! (counted; the edge then serves them until their `max-age`), and a failing or hanging
//! endpoint only delays later purges, never a request or a sync. At shutdown the process
//! [flushes](EdgePurges::flush) what is still queued within its grace period; what a
//! hanging endpoint keeps unsent past it is lost, and the entries expire on their own.
//!
//! A response computed from the old rows and delivered just after the purge can be stored
//! by the edge and served until its `max-age` (10 s for stock); Canopy's own cache closes
//! that window with tag versions read before execution, which an edge cannot do. So each
//! change's keys are purged a second time `--purge-repeat-after` (1 s) later: such a
//! response is served at most that long. One still in flight after the second purge (a
//! response slower than the repeat) is not covered.
//!
//! Failures after retries are counted in `canopy_edge_purges_total{outcome="failed"}`
//! and flip [`EdgePurges::failing`], which the alerts module turns into an alert that
//! the system resolves at the next successful purge.

mod template;
mod worker;

use async_trait::async_trait;
use bytes::Bytes;
use std::{sync::Arc, time::Duration};
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

use self::{
    template::PurgeTemplate,
    worker::{Offer, Outcomes, Worker},
};
use super::{Cache, CacheError, SharedCache, tags};
use crate::config::EdgeConfig;

/// Why purging cannot start or a purge request failed.
#[derive(Debug, thiserror::Error)]
pub enum EdgeError {
    /// The purge settings are unusable.
    #[error("edge purge configuration: {0}")]
    Config(&'static str),
    /// The request could not be sent or timed out.
    #[error("purge request failed: {0}")]
    Http(#[from] reqwest::Error),
    /// The endpoint answered with an error status.
    #[error("purge endpoint answered {0}")]
    Status(reqwest::StatusCode),
}

impl EdgeError {
    /// Whether a retry may succeed (a refusal of the request itself will not).
    fn is_transient(&self) -> bool {
        match self {
            Self::Config(_) => false,
            Self::Http(_) => true,
            Self::Status(status) => {
                status.is_server_error() || *status == reqwest::StatusCode::TOO_MANY_REQUESTS
            }
        }
    }
}

/// The handle on this process's purge sender; cheap to clone.
#[derive(Clone)]
pub struct EdgePurges {
    queue: mpsc::Sender<Offer>,
    failing: watch::Receiver<bool>,
    /// Sets of keys offered and not yet sent or given up.
    pending: Arc<watch::Sender<usize>>,
    /// Cancelled at shutdown: the sender stops gathering and sends what it has.
    flushing: CancellationToken,
    outcomes: Outcomes,
}

impl EdgePurges {
    /// Starts the purge sender `config` describes on the current runtime; `None` without
    /// a purge URL. It stops once every handle is dropped.
    pub fn start(config: &EdgeConfig) -> Result<Option<Self>, EdgeError> {
        let Some(template) = PurgeTemplate::from_config(config)? else {
            return Ok(None);
        };
        // the recorder must exist before the counters are registered on it
        crate::telemetry::metrics();
        let outcomes = Outcomes::register();
        let (failing_tx, failing) = watch::channel(false);
        let worker = Worker::new(template, config, outcomes.clone(), failing_tx)?;
        let (queue, receiver) = mpsc::channel(config.purge_queue.max(1));
        let pending = Arc::new(watch::Sender::new(0));
        let flushing = CancellationToken::new();
        tokio::spawn(worker.run(
            receiver,
            queue.downgrade(),
            Arc::clone(&pending),
            flushing.clone(),
        ));
        Ok(Some(Self {
            queue,
            failing,
            pending,
            flushing,
            outcomes,
        }))
    }

    /// Queues the public ones of `tags` for purging, without waiting.
    pub fn offer(&self, tags: &[&str]) {
        let keys: Vec<String> = tags
            .iter()
            .filter(|tag| tags::is_public(tag))
            .map(|tag| (*tag).to_owned())
            .collect();
        if keys.is_empty() {
            return;
        }
        // counted before the worker can count it off
        self.pending.send_modify(|pending| *pending += 1);
        if self.queue.try_send(Offer::new(keys)).is_err() {
            self.pending.send_modify(|pending| *pending -= 1);
            self.outcomes.dropped.increment(1);
            tracing::warn!("edge purge queue full: keys dropped, entries expire on their own");
        }
    }

    /// Waits until every purge offered so far has been sent or given up (a test's cue
    /// that the edge has forgotten what changed).
    pub async fn settled(&self) {
        let mut pending = self.pending.subscribe();
        // the sender lives as long as `self`
        let _ = pending.wait_for(|pending| *pending == 0).await;
    }

    /// Sends what is queued or still gathering now, without waiting out the gathering
    /// window, and waits until every purge offered so far is sent or given up; later
    /// offers are sent as they come. For shutdown, bounded by its grace period.
    pub async fn flush(&self) {
        self.flushing.cancel();
        self.settled().await;
    }

    /// `true` while the last purge failed after its retries.
    pub fn failing(&self) -> watch::Receiver<bool> {
        self.failing.clone()
    }
}

/// A [`Cache`] whose tag invalidations also purge the edge cache.
pub struct PurgingCache {
    inner: SharedCache,
    purges: EdgePurges,
}

impl PurgingCache {
    /// `inner`, with its invalidations offered to `purges`.
    pub fn new(inner: SharedCache, purges: EdgePurges) -> Self {
        Self { inner, purges }
    }
}

#[async_trait]
impl Cache for PurgingCache {
    async fn get(&self, key: &str) -> Result<Option<Bytes>, CacheError> {
        self.inner.get(key).await
    }

    async fn set(&self, key: &str, value: Bytes, ttl: Duration) -> Result<(), CacheError> {
        self.inner.set(key, value, ttl).await
    }

    async fn delete(&self, key: &str) -> Result<(), CacheError> {
        self.inner.delete(key).await
    }

    async fn tag_versions(&self, tags: &[&str]) -> Result<Vec<u64>, CacheError> {
        self.inner.tag_versions(tags).await
    }

    async fn invalidate_tags(&self, tags: &[&str]) -> Result<(), CacheError> {
        let invalidated = self.inner.invalidate_tags(tags).await;
        // the edge is purged even when the shared cache failed: its entries are separate
        self.purges.offer(tags);
        invalidated
    }

    async fn ping(&self) -> Result<(), CacheError> {
        self.inner.ping().await
    }

    fn backend(&self) -> &'static str {
        self.inner.backend()
    }
}
