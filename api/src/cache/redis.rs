//! The Redis cache, shared by every replica.
//!
//! Values live under `{prefix}:cache:{key}` with `PX` expiry; tag versions under
//! `{prefix}:cache-tag:{tag}`, bumped with `INCR` and never expired. Every command runs
//! through a [`ConnectionManager`] that reconnects on its own and times out per command.

use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use redis::{AsyncCommands, aio::ConnectionManager};

use super::{Cache, CacheError};

/// A cache in Redis.
#[derive(Clone)]
pub struct RedisCache {
    connection: ConnectionManager,
    prefix: String,
}

impl RedisCache {
    /// A cache on `connection` whose keys start with `prefix`.
    pub fn new(connection: ConnectionManager, prefix: &str) -> Self {
        Self {
            connection,
            prefix: prefix.to_owned(),
        }
    }

    fn value_key(&self, key: &str) -> String {
        format!("{}:cache:{key}", self.prefix)
    }

    fn tag_key(&self, tag: &str) -> String {
        format!("{}:cache-tag:{tag}", self.prefix)
    }
}

#[async_trait]
impl Cache for RedisCache {
    async fn get(&self, key: &str) -> Result<Option<Bytes>, CacheError> {
        let value: Option<Vec<u8>> = self.connection.clone().get(self.value_key(key)).await?;
        Ok(value.map(Bytes::from))
    }

    async fn set(&self, key: &str, value: Bytes, ttl: Duration) -> Result<(), CacheError> {
        let millis = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
        let () = redis::cmd("SET")
            .arg(self.value_key(key))
            .arg(value.as_ref())
            .arg("PX")
            .arg(millis)
            .query_async(&mut self.connection.clone())
            .await?;
        Ok(())
    }

    async fn delete(&self, key: &str) -> Result<(), CacheError> {
        let _: u64 = self.connection.clone().del(self.value_key(key)).await?;
        Ok(())
    }

    async fn tag_versions(&self, tags: &[&str]) -> Result<Vec<u64>, CacheError> {
        if tags.is_empty() {
            return Ok(Vec::new());
        }
        let keys: Vec<String> = tags.iter().map(|tag| self.tag_key(tag)).collect();
        let versions: Vec<Option<u64>> = redis::cmd("MGET")
            .arg(&keys)
            .query_async(&mut self.connection.clone())
            .await?;
        Ok(versions
            .into_iter()
            .map(Option::unwrap_or_default)
            .collect())
    }

    async fn invalidate_tags(&self, tags: &[&str]) -> Result<(), CacheError> {
        let mut pipeline = redis::pipe();
        for tag in tags {
            pipeline.incr(self.tag_key(tag), 1).ignore();
        }
        let () = pipeline.query_async(&mut self.connection.clone()).await?;
        Ok(())
    }

    async fn ping(&self) -> Result<(), CacheError> {
        let _: String = redis::cmd("PING")
            .query_async(&mut self.connection.clone())
            .await?;
        Ok(())
    }

    fn backend(&self) -> &'static str {
        "redis"
    }
}
