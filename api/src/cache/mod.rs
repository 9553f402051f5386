//! The read cache shared by the API's resolvers.
//!
//! One [`Cache`] trait with two implementations: [`MemoryCache`] (in process, the default
//! without `REDIS_URL`) and [`RedisCache`] (shared by every replica). Values are opaque
//! bytes with a time to live; invalidation is by tag: a key built with [`CacheExt::tagged_key`]
//! embeds the current version of each tag, and [`Cache::invalidate_tags`] bumps those
//! versions so every key built on them is never read again (and expires on its own).
//! This module stores; it does not decide what to cache or when to invalidate. Redis is
//! guarded by a circuit breaker ([`RedisCircuit`]) so a hung Redis costs one timeout.
//! An edge cache in front of Canopy is purged along with the tags invalidated here
//! ([`edge`]).

pub mod circuit;
pub mod edge;
mod lost;
mod memory;
mod redis;
pub mod tags;

use std::{sync::Arc, time::Duration};

use async_trait::async_trait;
use bytes::Bytes;
use serde::{Serialize, de::DeserializeOwned};

pub use self::{circuit::RedisCircuit, memory::MemoryCache, redis::RedisCache};

/// A cache failure. Callers usually fall back to the database.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    /// The Redis command failed or timed out.
    #[error("redis cache command failed")]
    Redis(#[from] ::redis::RedisError),
    /// Redis is skipped while its circuit breaker is open.
    #[error("redis cache skipped: its circuit is open")]
    Unavailable,
    /// A cached value could not be encoded or decoded.
    #[error("cached value could not be (de)serialized")]
    Codec(#[from] serde_json::Error),
}

/// A byte cache with per-entry time to live and tag invalidation.
#[async_trait]
pub trait Cache: Send + Sync + 'static {
    /// The value under `key`, if present and not expired.
    async fn get(&self, key: &str) -> Result<Option<Bytes>, CacheError>;

    /// Stores `value` under `key` for `ttl`.
    async fn set(&self, key: &str, value: Bytes, ttl: Duration) -> Result<(), CacheError>;

    /// Removes `key`.
    async fn delete(&self, key: &str) -> Result<(), CacheError>;

    /// The current version of each tag (0 for a tag never invalidated), in order.
    async fn tag_versions(&self, tags: &[&str]) -> Result<Vec<u64>, CacheError>;

    /// Bumps the version of each tag, orphaning every key built on an older version.
    async fn invalidate_tags(&self, tags: &[&str]) -> Result<(), CacheError>;

    /// Checks the backend is reachable (for `/readyz`).
    async fn ping(&self) -> Result<(), CacheError>;

    /// `memory` or `redis`, for logs.
    fn backend(&self) -> &'static str;
}

/// Typed and tagged helpers over any [`Cache`].
#[async_trait]
pub trait CacheExt: Cache {
    /// The key for `base` under the current versions of `tags`:
    /// `base|tag=version|…`. Build it on every read and write so invalidation takes effect.
    async fn tagged_key(&self, base: &str, tags: &[&str]) -> Result<String, CacheError> {
        let versions = self.tag_versions(tags).await?;
        let mut key = String::from(base);
        for (tag, version) in tags.iter().zip(versions) {
            key.push('|');
            key.push_str(tag);
            key.push('=');
            key.push_str(&version.to_string());
        }
        Ok(key)
    }

    /// The JSON value under `key`.
    async fn get_json<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, CacheError> {
        match self.get(key).await? {
            Some(bytes) => Ok(Some(serde_json::from_slice(&bytes)?)),
            None => Ok(None),
        }
    }

    /// Stores `value` as JSON under `key` for `ttl`.
    async fn set_json<T: Serialize + Sync>(
        &self,
        key: &str,
        value: &T,
        ttl: Duration,
    ) -> Result<(), CacheError> {
        let bytes = Bytes::from(serde_json::to_vec(value)?);
        self.set(key, bytes, ttl).await
    }
}

impl<C: Cache + ?Sized> CacheExt for C {}

/// The cache as held in the application state.
pub type SharedCache = Arc<dyn Cache>;
