//! The purge sender: one background task per process, fed through a bounded channel.
//!
//! It gathers the keys offered within `--purge-window` of the first into one set (a sync
//! batch or a burst of checkouts becomes one request), splits it into requests of at most
//! `--purge-max-keys`, paces them to `--purge-per-second` (GCRA through `governor`) and
//! sends each with `--purge-timeout`, retrying failures that may pass (timeouts, 5xx, 429)
//! `--purge-retries` times with exponential backoff and jitter (`backon`, as the alert
//! notifier does). Nothing here is awaited by a request or a sync: they only offer keys.

use std::{collections::BTreeSet, num::NonZeroU32, sync::Arc, time::Duration};

use backon::{ExponentialBuilder, Retryable};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use metrics::Counter;
use reqwest::Client;
use tokio::sync::{mpsc, watch};
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

/// The sending side, owned by the background task.
pub(super) struct Worker {
    template: PurgeTemplate,
    client: Client,
    limiter: Arc<DefaultDirectRateLimiter>,
    backoff: ExponentialBuilder,
    window: Duration,
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
            max_keys: config.purge_max_keys.max(1),
            outcomes,
            failing,
        })
    }

    /// Sends what `queue` brings until every sender is gone, counting each set of keys
    /// off `pending` once its purge is sent or given up. Once `flushing` is cancelled
    /// (shutdown), it gathers no more: what is queued goes out at once.
    pub(super) async fn run(
        self,
        mut queue: mpsc::Receiver<Vec<String>>,
        pending: Arc<watch::Sender<usize>>,
        flushing: CancellationToken,
    ) {
        while let Some(first) = queue.recv().await {
            let mut sets = 1;
            let mut keys: BTreeSet<String> = first.into_iter().collect();
            let window = tokio::time::sleep(self.window);
            tokio::pin!(window);
            loop {
                tokio::select! {
                    biased;
                    () = &mut window => break,
                    () = flushing.cancelled() => {
                        while let Ok(more) = queue.try_recv() {
                            sets += 1;
                            keys.extend(more);
                        }
                        break;
                    }
                    more = queue.recv() => match more {
                        Some(more) => {
                            sets += 1;
                            keys.extend(more);
                        }
                        None => break,
                    },
                }
            }
            let keys: Vec<String> = keys.into_iter().collect();
            for chunk in keys.chunks(self.max_keys) {
                self.limiter.until_ready().await;
                self.purge(chunk).await;
            }
            pending.send_modify(|pending| *pending = pending.saturating_sub(sets));
        }
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
