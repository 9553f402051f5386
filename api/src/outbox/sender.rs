//! The sender loop: claim due rows, send them concurrently, settle each attempt
//! (delivered, retried later with backoff, or dead-lettered), repeat. Started with the
//! background workers; any number of senders (tasks or replicas) may run at once.

use std::sync::Arc;

use chrono::{TimeDelta, Utc};
use entities::outbox;
use futures::{StreamExt, stream};
use tokio::sync::Notify;
use tokio_util::{sync::CancellationToken, task::TaskTracker};

use entities::enums::ChangeSource;

use super::{backoff, dead_letter, queue, send::Dispatcher, unreachable};
use crate::{config::OutboxConfig, effects::Effects};

/// A running outbox sender; [`OutboxSender::wake`] makes it look for work now.
#[derive(Clone)]
pub struct OutboxSender {
    wake: Arc<Notify>,
}

impl OutboxSender {
    /// Starts a sender on `tracker`; it stops when `shutdown` is cancelled.
    pub fn start(
        dispatcher: Dispatcher,
        config: OutboxConfig,
        tracker: &TaskTracker,
        shutdown: CancellationToken,
    ) -> Self {
        let wake = Arc::new(Notify::new());
        let sender = Self { wake: wake.clone() };
        tracker.spawn(async move {
            tracing::info!("outbox sender started");
            loop {
                let claimed = drain_once(&dispatcher, &config).await;
                if claimed > 0 {
                    if shutdown.is_cancelled() {
                        break;
                    }
                    continue;
                }
                tokio::select! {
                    () = shutdown.cancelled() => break,
                    () = tokio::time::sleep(config.poll_interval) => {}
                    () = wake.notified() => {}
                }
            }
            tracing::info!("outbox sender stopped");
        });
        sender
    }

    /// Asks the sender to look for due rows now (after writing one, for instance).
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}

/// Claims one batch and settles every row of it; returns how many rows were claimed.
pub async fn drain_once(dispatcher: &Dispatcher, config: &OutboxConfig) -> usize {
    let db = dispatcher.applier().db();
    let rows = match queue::claim(db, config.batch, config.claim_lease, Utc::now()).await {
        Ok(rows) => rows,
        Err(error) => {
            tracing::warn!(%error, "could not claim outbox rows");
            return 0;
        }
    };
    let claimed = rows.len();
    stream::iter(rows)
        .for_each_concurrent(config.concurrency.max(1), |row| async move {
            attempt(dispatcher, config, &row).await;
        })
        .await;
    claimed
}

/// Sends one claimed row and settles the attempt.
async fn attempt(dispatcher: &Dispatcher, config: &OutboxConfig, row: &outbox::Model) {
    let started = std::time::Instant::now();
    let result = dispatcher.send(row).await;
    metrics::histogram!("canopy_outbox_send_seconds", "kind" => row.kind.clone())
        .record(started.elapsed().as_secs_f64());
    let db = dispatcher.applier().db();
    let now = Utc::now();
    let mut effects = Effects::default();
    let settled = match result {
        Ok(answered) => {
            metrics::counter!("canopy_outbox_delivered_total", "kind" => row.kind.clone())
                .increment(1);
            if let Some(connection) = answered {
                effects.condition_cleared(unreachable::condition(connection));
            }
            queue::done(db, row, now).await.map(|_| ())
        }
        Err(error) if error.is_transient() && keeps_trying(config, row, now) => {
            let wait = backoff::delay(
                row.attempts,
                config.base_backoff,
                config.max_backoff,
                &mut rand::rng(),
            )
            .max(error.retry_floor());
            tracing::warn!(outbox = %row.id, order = %row.aggregate_id, kind = %row.kind, attempts = row.attempts, retry_in = ?wait, %error, "outbox send failed; will retry");
            metrics::counter!("canopy_outbox_retries_total", "kind" => row.kind.clone())
                .increment(1);
            if let Some(alert) = unreachable::alert(row, &error) {
                effects.alert(alert);
            }
            let next = now + TimeDelta::from_std(wait).unwrap_or(TimeDelta::MAX);
            queue::retry_at(db, row, next, &error.to_string(), now)
                .await
                .map(|_| ())
        }
        Err(error) => {
            metrics::counter!("canopy_outbox_dead_total", "kind" => row.kind.clone()).increment(1);
            dead_letter::bury(dispatcher.applier(), row, &error).await
        }
    };
    if let Err(error) = settled {
        // the claim's lease runs out and the row is tried again: sends are idempotent
        tracing::error!(outbox = %row.id, %error, "could not record an outbox attempt");
    }
    if !effects.is_empty() {
        dispatcher
            .applier()
            .announce_effects(effects, ChangeSource::Outbox)
            .await;
    }
}

/// Whether a row that failed for a reason that may pass is tried again: until it has had
/// `max_attempts` and has been trying for `give_up_after`.
fn keeps_trying(config: &OutboxConfig, row: &outbox::Model, now: chrono::DateTime<Utc>) -> bool {
    let trying_for = (now - row.created_at).to_std().unwrap_or_default();
    row.attempts < config.max_attempts || trying_for < config.give_up_after
}
