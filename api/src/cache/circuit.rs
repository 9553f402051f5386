//! The circuit breaker around Redis, shared by the Redis cache and the Redis event bus.
//!
//! A hung Redis (paused, not down) answers nothing, so every command would wait the full
//! `CANOPY_REDIS_TIMEOUT`. After `CANOPY_REDIS_BREAKER_THRESHOLD` consecutive failed or
//! timed-out commands the circuit opens: callers then skip Redis at once (cache reads
//! miss, events are dropped) instead of waiting. Ordinary calls never make the half-open
//! trial; the cache's probe does ([`super::RedisCache`]), every
//! `CANOPY_REDIS_PROBE_INTERVAL`, and closes the circuit when Redis answers again. The
//! state is the gauge `canopy_redis_circuit_open` (1 open, 0 closed), skipped commands
//! are counted in `canopy_redis_skipped_total{op}`, and each change is logged.

use std::{future::Future, time::Duration};

use providers::http::{Breaker, Change, Permit};
use redis::RedisError;
use tokio::sync::watch;

/// The breaker every Redis command of this process goes through.
#[derive(Debug)]
pub struct RedisCircuit {
    breaker: Breaker,
    probe_interval: Duration,
    open: watch::Sender<bool>,
}

impl RedisCircuit {
    /// A closed circuit opening after `threshold` consecutive failures, probed every
    /// `probe_interval` while open.
    pub fn new(threshold: u32, probe_interval: Duration) -> Self {
        metrics::gauge!("canopy_redis_circuit_open").set(0.0);
        Self {
            breaker: Breaker::new(threshold, probe_interval),
            probe_interval,
            open: watch::Sender::new(false),
        }
    }

    /// Runs `command` if the circuit is closed and records its outcome; `None` (and the
    /// skip counted under `op`) when it is open.
    pub async fn call<T>(
        &self,
        op: &'static str,
        command: impl Future<Output = Result<T, RedisError>>,
    ) -> Option<Result<T, RedisError>> {
        let Some(permit) = self.breaker.acquire_if_closed() else {
            metrics::counter!("canopy_redis_skipped_total", "op" => op).increment(1);
            return None;
        };
        let result = command.await;
        let error = result.as_ref().err();
        self.record(permit, error.is_some_and(is_unavailable), error);
        Some(result)
    }

    /// Whether ordinary commands are currently let through.
    pub fn is_closed(&self) -> bool {
        self.breaker.acquire_if_closed().is_some()
    }

    /// Whether the circuit is open (Redis unreachable), changing as it opens and closes:
    /// what an outage alert follows.
    pub fn outages(&self) -> watch::Receiver<bool> {
        self.open.subscribe()
    }

    /// How often the probe looks at Redis.
    pub fn probe_interval(&self) -> Duration {
        self.probe_interval
    }

    /// The probe's permission: an ordinary one while closed, the half-open trial when one
    /// is due, `None` while open and not yet due.
    pub(super) fn probe_permit(&self) -> Option<Permit> {
        self.breaker.acquire().ok()
    }

    /// Records the outcome of a command made under `permit` (`failed`: Redis did not
    /// answer, or the probe could not settle what was owed), logging a change of state.
    pub(super) fn record(&self, permit: Permit, failed: bool, cause: Option<&RedisError>) {
        if let Some(change) = self.breaker.record(permit, failed) {
            self.open.send_replace(change == Change::Opened);
            announce(change, cause);
        }
    }
}

/// Whether `error` says Redis did not answer (rather than answered with an error).
fn is_unavailable(error: &RedisError) -> bool {
    error.is_timeout()
        || error.is_io_error()
        || error.is_connection_dropped()
        || error.is_connection_refusal()
        || error.is_unrecoverable_error()
}

fn announce(change: Change, error: Option<&RedisError>) {
    match change {
        Change::Opened => {
            metrics::gauge!("canopy_redis_circuit_open").set(1.0);
            let error = error.map(ToString::to_string).unwrap_or_default();
            tracing::error!(
                %error,
                "redis circuit opened: cache bypassed and events dropped until redis answers again"
            );
        }
        Change::Closed => {
            metrics::gauge!("canopy_redis_circuit_open").set(0.0);
            tracing::warn!("redis circuit closed: redis answers again");
        }
    }
}
