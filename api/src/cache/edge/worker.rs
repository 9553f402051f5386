//! The purge sender: one background task per process, fed through a bounded channel.
//!
//! It gathers the keys offered within `--purge-window` of the first into one set (a sync
//! batch or a burst of checkouts becomes one request), splits it into requests of at most
//! `--purge-max-keys`, paces them to `--purge-per-second` (GCRA through `governor`) and
//! sends each with `--purge-timeout`, retrying failures that may pass (timeouts, 5xx, 429)
//! `--purge-retries` times with exponential backoff and jitter (`backon`, as the alert
//! notifier does). `--purge-repeat-after` later it offers the same keys once more, for
//! responses the edge stored just after the first purge. Nothing here is awaited by a
//! request or a sync: they only offer keys.

use std::{collections::BTreeSet, num::NonZeroU32, sync::Arc, time::Duration};

use backon::{ExponentialBuilder, Retryable};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use metrics::Counter;
use reqwest::Client;
use tokio::sync::{
    mpsc::{self, WeakSender},
    watch,
};
use tokio_util::sync::CancellationToken;

use super::{EdgeError, template::PurgeTemplate};
use crate::config::EdgeConfig;

/// `canopy_edge_purges_total{outcome}`: purge requests sent, failed after their retries,
/// and sets of keys dropped because the queue was full.
#[derive(Clone)]
pub(super) struct Outcomes {
    purged: Counter,
    failed: Counter,
    pub(super) dropped: Counter,
}

impl Outcomes {
    pub(super) fn register() -> Self {
        let outcome =
            |name: &'static str| metrics::counter!("canopy_edge_purges_total", "outcome" => name);
        Self {
            purged: outcome("purged"),
            failed: outcome("failed"),
            dropped: outcome("dropped"),
        }
    }
}

/// Keys offered for purging: by a change, or once more by the sender itself.
pub(super) struct Offer {
    keys: Vec<String>,
    /// The sender's own second purge: neither counted as pending nor repeated.
    repeat: bool,
}

impl Offer {
    /// The keys of a change.
    pub(super) fn new(keys: Vec<String>) -> Self {
        Self {
            keys,
            repeat: false,
        }
    }
}

/// The offers gathered into one round of purge requests.
#[derive(Default)]
struct Batch {
    keys: BTreeSet<String>,
    /// The keys of changes (not of repeats): to purge once more later.
    fresh: BTreeSet<String>,
    /// Offers of changes gathered.
    changes: usize,
}

impl Batch {
    fn add(&mut self, offer: Offer) {
        if !offer.repeat {
            self.changes += 1;
            self.fresh.extend(offer.keys.iter().cloned());
        }
        self.keys.extend(offer.keys);
    }
}

/// The sending side, owned by the background task.
pub(super) struct Worker {
    template: PurgeTemplate,
    client: Client,
    limiter: Arc<DefaultDirectRateLimiter>,
    backoff: ExponentialBuilder,
    window: Duration,
    repeat_after: Duration,
    max_keys: usize,
    outcomes: Outcomes,
    failing: watch::Sender<bool>,
}

impl Worker {
    pub(super) fn new(
        template: PurgeTemplate,
        config: &EdgeConfig,
        outcomes: Outcomes,
        failing: watch::Sender<bool>,
    ) -> Result<Self, EdgeError> {
        let client = Client::builder()
            .timeout(config.purge_timeout)
            .connect_timeout(config.purge_timeout)
            .build()
            .map_err(|_| EdgeError::Config("the purge HTTP client could not be built"))?;
        let per_second = NonZeroU32::new(config.purge_per_second).ok_or(EdgeError::Config(
            "CANOPY_PURGE_PER_SECOND must be at least 1",
        ))?;
        Ok(Self {
            template,
            client,
            limiter: Arc::new(RateLimiter::direct(Quota::per_second(per_second))),
            backoff: ExponentialBuilder::default()
                .with_min_delay(config.purge_min_backoff)
                .with_max_delay(config.purge_timeout)
                .with_max_times(config.purge_retries)
                .with_jitter(),
            window: config.purge_window,
            repeat_after: config.purge_repeat_after,
            max_keys: config.purge_max_keys.max(1),
            outcomes,
            failing,
        })
    }

    /// Sends what `queue` brings until every handle is gone, counting each change's
    /// offer off `pending` once its purge is sent or given up, and offering the keys of
    /// changes once more through `again` after `repeat_after`. Once `flushing` is
    /// cancelled (shutdown), it gathers no more: what is queued goes out at once, and
    /// no more repeats are offered.
    pub(super) async fn run(
        self,
        mut queue: mpsc::Receiver<Offer>,
        again: WeakSender<Offer>,
        pending: Arc<watch::Sender<usize>>,
        flushing: CancellationToken,
    ) {
        while let Some(first) = queue.recv().await {
            let mut batch = Batch::default();
            batch.add(first);
            let window = tokio::time::sleep(self.window);
            tokio::pin!(window);
            loop {
                tokio::select! {
                    biased;
                    () = &mut window => break,
                    () = flushing.cancelled() => {
                        while let Ok(more) = queue.try_recv() {
                            batch.add(more);
                        }
                        break;
                    }
                    more = queue.recv() => match more {
                        Some(more) => batch.add(more),
                        None => break,
                    },
                }
            }
            let keys: Vec<String> = batch.keys.into_iter().collect();
            for chunk in keys.chunks(self.max_keys) {
                self.limiter.until_ready().await;
                self.purge(chunk).await;
            }
            pending.send_modify(|pending| *pending = pending.saturating_sub(batch.changes));
            self.repeat_later(batch.fresh, &again, &flushing);
        }
    }

    /// Offers `keys` once more after `repeat_after`, unless repeats are off or the
    /// process is stopping.
    fn repeat_later(
        &self,
        keys: BTreeSet<String>,
        again: &WeakSender<Offer>,
        flushing: &CancellationToken,
    ) {
        if keys.is_empty() || self.repeat_after.is_zero() || flushing.is_cancelled() {
            return;
        }
        let (wait, again, flushing) = (self.repeat_after, again.clone(), flushing.clone());
        let dropped = self.outcomes.dropped.clone();
        tokio::spawn(async move {
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = flushing.cancelled() => return,
            }
            let Some(queue) = again.upgrade() else {
                return;
            };
            let repeat = Offer {
                keys: keys.into_iter().collect(),
                repeat: true,
            };
            if queue.try_send(repeat).is_err() {
                dropped.increment(1);
            }
        });
    }

    async fn purge(&self, keys: &[String]) {
        let sent = (|| self.send(keys))
            .retry(self.backoff)
            .when(EdgeError::is_transient)
            .await;
        match sent {
            Ok(()) => {
                self.outcomes.purged.increment(1);
                self.failing
                    .send_if_modified(|failing| std::mem::replace(failing, false));
                tracing::debug!(keys = keys.len(), "edge cache purged");
            }
            Err(error) => {
                self.outcomes.failed.increment(1);
                self.failing
                    .send_if_modified(|failing| !std::mem::replace(failing, true));
                tracing::warn!(%error, keys = keys.len(), "edge cache purge failed; entries expire on their own");
            }
        }
    }

    async fn send(&self, keys: &[String]) -> Result<(), EdgeError> {
        let response = self
            .template
            .request(&self.client, keys)?
            .send()
            .await
            // the URL may name an account: not for the logs
            .map_err(reqwest::Error::without_url)?;
        let status = response.status();
        if status.is_success() {
            Ok(())
        } else {
            Err(EdgeError::Status(status))
        }
    }
}
