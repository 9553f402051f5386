//! The in-process cache: moka with per-entry expiry, for one replica.

use std::{
    collections::HashMap,
    sync::{Mutex, PoisonError},
    time::{Duration, Instant},
};

use async_trait::async_trait;
use bytes::Bytes;
use moka::{Expiry, future::Cache as Moka};

use super::{Cache, CacheError};

/// A value and how long it may live.
#[derive(Clone)]
struct Entry {
    value: Bytes,
    ttl: Duration,
}

/// Expires each entry after its own time to live, restarted on overwrite.
struct PerEntryTtl;

impl Expiry<String, Entry> for PerEntryTtl {
    fn expire_after_create(&self, _: &String, entry: &Entry, _: Instant) -> Option<Duration> {
        Some(entry.ttl)
    }

    fn expire_after_update(
        &self,
        _: &String,
        entry: &Entry,
        _: Instant,
        _: Option<Duration>,
    ) -> Option<Duration> {
        Some(entry.ttl)
    }
}

/// An in-process cache bounded by entry count.
pub struct MemoryCache {
    entries: Moka<String, Entry>,
    // Tag versions are never evicted: losing one would resurrect stale entries.
    tags: Mutex<HashMap<String, u64>>,
}

impl MemoryCache {
    /// A cache holding at most `capacity` entries.
    pub fn new(capacity: u64) -> Self {
        Self {
            entries: Moka::builder()
                .max_capacity(capacity)
                .expire_after(PerEntryTtl)
                .build(),
            tags: Mutex::new(HashMap::new()),
        }
    }
}

#[async_trait]
impl Cache for MemoryCache {
    async fn get(&self, key: &str) -> Result<Option<Bytes>, CacheError> {
        Ok(self.entries.get(key).await.map(|entry| entry.value))
    }

    async fn set(&self, key: &str, value: Bytes, ttl: Duration) -> Result<(), CacheError> {
        self.entries
            .insert(key.to_owned(), Entry { value, ttl })
            .await;
        Ok(())
    }

    async fn delete(&self, key: &str) -> Result<(), CacheError> {
        self.entries.invalidate(key).await;
        Ok(())
    }

    async fn tag_versions(&self, tags: &[&str]) -> Result<Vec<u64>, CacheError> {
        let versions = self.tags.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(tags
            .iter()
            .map(|tag| versions.get(*tag).copied().unwrap_or(0))
            .collect())
    }

    async fn invalidate_tags(&self, tags: &[&str]) -> Result<(), CacheError> {
        let mut versions = self.tags.lock().unwrap_or_else(PoisonError::into_inner);
        for tag in tags {
            *versions.entry((*tag).to_owned()).or_insert(0) += 1;
        }
        Ok(())
    }

    async fn ping(&self) -> Result<(), CacheError> {
        Ok(())
    }

    fn backend(&self) -> &'static str {
        "memory"
    }
}
