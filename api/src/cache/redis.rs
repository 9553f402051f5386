//! The Redis cache, shared by every replica.
//!
//! Values live under `{prefix}:cache:{key}` with `PX` expiry; tag versions under
//! `{prefix}:cache-tag:{tag}`, bumped with `INCR` and never expired. Every command runs
//! through a [`ConnectionManager`] that reconnects on its own and times out per command,
//! and through the [`RedisCircuit`]: while it is open, reads and writes fail at once
//! ([`CacheError::Unavailable`], callers go to the database) and invalidations are owed
//! ([`Lost`]). A background probe, every probe interval, pings Redis when the circuit is
//! due for a trial or something is owed, applies what is owed (bumps the lost tags, or
//! flushes every value after a lost deletion or too many lost tags) and only then closes
//! the circuit, so no entry an invalidation meant to orphan is read again. The probe
//! stops when the cache is dropped.

use std::{
    future::Future,
    mem,
    sync::{Arc, Mutex, MutexGuard, PoisonError},
};

use async_trait::async_trait;
use bytes::Bytes;
use redis::{AsyncCommands, RedisError, aio::ConnectionManager};
use tokio_util::sync::{CancellationToken, DropGuard};

use super::{Cache, CacheError, circuit::RedisCircuit, lost::Lost};

/// How many replays the probe makes before closing, when invalidations keep being owed.
const REPLAYS_PER_PROBE: usize = 3;
/// Keys a flush scans per `SCAN` call.
const FLUSH_BATCH: usize = 1_000;

/// A cache in Redis.
pub struct RedisCache {
    inner: Arc<Inner>,
    _probe: DropGuard,
}

struct Inner {
    connection: ConnectionManager,
    prefix: String,
    circuit: Arc<RedisCircuit>,
    lost: Mutex<Lost>,
}

impl RedisCache {
    /// A cache on `connection` whose keys start with `prefix`, guarded by `circuit`;
    /// starts its probe.
    pub fn start(connection: ConnectionManager, prefix: &str, circuit: Arc<RedisCircuit>) -> Self {
        let inner = Arc::new(Inner {
            connection,
            prefix: prefix.to_owned(),
            circuit,
            lost: Mutex::new(Lost::default()),
        });
        let stop = CancellationToken::new();
        tokio::spawn(Arc::clone(&inner).probe(stop.clone()));
        Self {
            inner,
            _probe: stop.drop_guard(),
        }
    }
}

impl Inner {
    fn value_key(&self, key: &str) -> String {
        format!("{}:cache:{key}", self.prefix)
    }

    fn tag_key(&self, tag: &str) -> String {
        format!("{}:cache-tag:{tag}", self.prefix)
    }

    fn lost(&self) -> MutexGuard<'_, Lost> {
        self.lost.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs a read or write through the circuit; `Unavailable` when it is open.
    async fn guarded<T>(
        &self,
        op: &'static str,
        command: impl Future<Output = Result<T, RedisError>>,
    ) -> Result<T, CacheError> {
        match self.circuit.call(op, command).await {
            Some(result) => Ok(result?),
            None => Err(CacheError::Unavailable),
        }
    }

    /// Runs an invalidation through the circuit. When it is skipped or fails, `owe`
    /// records it for the probe. Whether the circuit is open is decided again under the
    /// lock the probe closes it under: an invalidation is either made after the circuit
    /// closed or owed before it did, never lost in between.
    async fn invalidation<F: Future<Output = Result<(), RedisError>>>(
        &self,
        op: &'static str,
        owe: impl Fn(&mut Lost),
        command: impl Fn() -> F,
    ) -> Result<(), CacheError> {
        loop {
            if let Some(result) = self.circuit.call(op, command()).await {
                if result.is_err() {
                    // applied or not, making it again is harmless
                    owe(&mut self.lost());
                }
                return Ok(result?);
            }
            let mut lost = self.lost();
            if !self.circuit.is_closed() {
                owe(&mut lost);
                return Ok(());
            }
        }
    }

    async fn incr_tags(&self, tags: &[&str]) -> Result<(), RedisError> {
        let mut pipeline = redis::pipe();
        for tag in tags {
            pipeline.incr(self.tag_key(tag), 1).ignore();
        }
        pipeline.query_async(&mut self.connection.clone()).await
    }

    /// Deletes every cached value (tag versions stay: they only ever grow).
    async fn flush(&self) -> Result<(), RedisError> {
        let pattern = format!("{}:cache:*", self.prefix);
        let mut connection = self.connection.clone();
        let mut cursor = 0_u64;
        loop {
            let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg(&pattern)
                .arg("COUNT")
                .arg(FLUSH_BATCH)
                .query_async(&mut connection)
                .await?;
            if !keys.is_empty() {
                let _: u64 = redis::cmd("UNLINK")
                    .arg(&keys)
                    .query_async(&mut connection)
                    .await?;
            }
            if next == 0 {
                return Ok(());
            }
            cursor = next;
        }
    }

    async fn ping(&self) -> Result<(), RedisError> {
        let _: String = redis::cmd("PING")
            .query_async(&mut self.connection.clone())
            .await?;
        Ok(())
    }

    /// Every probe interval, [`Inner::recover`], until `stop`.
    async fn probe(self: Arc<Self>, stop: CancellationToken) {
        let mut ticks = tokio::time::interval(self.circuit.probe_interval());
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = stop.cancelled() => return,
                _ = ticks.tick() => self.recover().await,
            }
        }
    }

    /// Pings Redis and applies what is owed when the circuit is due for a trial or
    /// something is owed; closes the circuit only with nothing owed left.
    async fn recover(&self) {
        if self.circuit.is_closed() && self.lost().is_empty() {
            return;
        }
        let Some(permit) = self.circuit.probe_permit() else {
            return;
        };
        let outcome = self.settle_owed().await;
        let lost = self.lost();
        let failed = outcome.is_err() || !lost.is_empty();
        self.circuit.record(permit, failed, outcome.as_ref().err());
    }

    async fn settle_owed(&self) -> Result<(), RedisError> {
        self.ping().await?;
        for _ in 0..REPLAYS_PER_PROBE {
            let owed = mem::take(&mut *self.lost());
            let replayed = match &owed {
                Lost::Nothing => return Ok(()),
                Lost::Tags(tags) => {
                    let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
                    self.incr_tags(&tags).await
                }
                Lost::Everything => self.flush().await,
            };
            if let Err(error) = replayed {
                self.lost().restore(owed);
                return Err(error);
            }
            tracing::info!(owed = ?owed_summary(&owed), "redis cache: owed invalidations applied");
        }
        Ok(())
    }
}

/// A short description of what was owed, for the log.
fn owed_summary(owed: &Lost) -> String {
    match owed {
        Lost::Nothing => "nothing".to_owned(),
        Lost::Tags(tags) => format!("{} tag(s)", tags.len()),
        Lost::Everything => "a flush of every value".to_owned(),
    }
}

#[async_trait]
impl Cache for RedisCache {
    async fn get(&self, key: &str) -> Result<Option<Bytes>, CacheError> {
        let inner = &self.inner;
        let value: Option<Vec<u8>> = inner
            .guarded(
                "cache_get",
                inner.connection.clone().get(inner.value_key(key)),
            )
            .await?;
        Ok(value.map(Bytes::from))
    }

    async fn set(
        &self,
        key: &str,
        value: Bytes,
        ttl: std::time::Duration,
    ) -> Result<(), CacheError> {
        let inner = &self.inner;
        let millis = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
        let mut connection = inner.connection.clone();
        let mut command = redis::cmd("SET");
        command
            .arg(inner.value_key(key))
            .arg(value.as_ref())
            .arg("PX")
            .arg(millis);
        inner
            .guarded("cache_set", command.query_async::<()>(&mut connection))
            .await
    }

    async fn delete(&self, key: &str) -> Result<(), CacheError> {
        let inner = &self.inner;
        let key = inner.value_key(key);
        inner
            .invalidation("cache_delete", Lost::everything, || async {
                let _: u64 = inner.connection.clone().del(&key).await?;
                Ok(())
            })
            .await
    }

    async fn tag_versions(&self, tags: &[&str]) -> Result<Vec<u64>, CacheError> {
        if tags.is_empty() {
            return Ok(Vec::new());
        }
        let inner = &self.inner;
        let keys: Vec<String> = tags.iter().map(|tag| inner.tag_key(tag)).collect();
        let mut connection = inner.connection.clone();
        let mut command = redis::cmd("MGET");
        command.arg(&keys);
        let versions: Vec<Option<u64>> = inner
            .guarded("cache_tags", command.query_async(&mut connection))
            .await?;
        Ok(versions
            .into_iter()
            .map(Option::unwrap_or_default)
            .collect())
    }

    async fn invalidate_tags(&self, tags: &[&str]) -> Result<(), CacheError> {
        let inner = &self.inner;
        inner
            .invalidation(
                "cache_invalidate",
                |lost| lost.tags(tags),
                || inner.incr_tags(tags),
            )
            .await
    }

    async fn ping(&self) -> Result<(), CacheError> {
        let inner = &self.inner;
        inner.guarded("ping", inner.ping()).await
    }

    fn backend(&self) -> &'static str {
        "redis"
    }
}
