//! The response cache of public reads: whole GraphQL responses kept in the shared
//! [`Cache`](crate::cache::Cache) (in process or Redis), so a repeated storefront query
//! costs a key lookup instead of SQL, resolvers and serialisation.
//!
//! What is cached: queries (never mutations or subscriptions) of anonymous or storefront
//! viewers whose response has no errors, sets no HTTP headers, and whose schema cache hints
//! are public with `max_age > 0`. Customer and admin requests are never looked up or
//! stored. Anonymous and storefront viewers share entries: the data they may see is the
//! same.
//!
//! Keys: a hash of the normalised query, operation name, variables and extensions
//! ([`key`]) under the current versions of [`tags::PUBLIC_READS`]; whoever changes
//! products, stock or locations bumps those tags, which orphans every entry at once.
//! Entries live `max_age` seconds, capped by `CANOPY_CACHE_TTL`.
//!
//! A cache failure never fails a request: it is counted in
//! `graphql_response_cache_total{outcome="error"}` and the request executes as usual.

mod entry;
mod key;
mod normalize;

use std::time::Duration;

use async_graphql::{Request, Response};
use bytes::Bytes;

pub use self::entry::CachedResponse;
use crate::{
    auth::Viewer,
    cache::{CacheExt, SharedCache, tags},
    config::Config,
};

/// What the cache knows about a request before it executes.
pub enum Lookup {
    /// Not for the cache: a private viewer, the cache is off, or the cache failed.
    Bypass,
    /// A candidate not in the cache: store the response under this key if it qualifies.
    Miss(EntryKey),
    /// The stored response.
    Hit(CachedResponse),
}

/// Where a response is to be stored, under the tag versions read before it executed (so
/// an invalidation during execution orphans the entry instead of hiding behind it).
pub struct EntryKey(String);

/// The response cache of the GraphQL endpoint.
#[derive(Clone)]
pub struct ResponseCache {
    cache: SharedCache,
    enabled: bool,
    ttl_cap: Duration,
}

impl ResponseCache {
    /// A response cache in `cache`, on or off and capped as `config` says.
    pub fn new(cache: SharedCache, config: &Config) -> Self {
        Self {
            cache,
            enabled: config.response_cache,
            ttl_cap: config.cache_ttl,
        }
    }

    /// Looks `request` up when `viewer` may share public responses.
    pub async fn lookup(&self, viewer: &Viewer, request: &Request) -> Lookup {
        if !self.enabled || !shares_public_responses(viewer) {
            return Lookup::Bypass;
        }
        let Some(base) = key::request_key(request) else {
            return Lookup::Bypass;
        };
        let key = match self.cache.tagged_key(&base, &tags::PUBLIC_READS).await {
            Ok(key) => key,
            Err(error) => {
                tracing::debug!(%error, "response cache: tag versions unavailable");
                count("error");
                return Lookup::Bypass;
            }
        };
        match self.cache.get(&key).await {
            Ok(Some(bytes)) => {
                if let Some(entry) = CachedResponse::decode(bytes) {
                    count("hit");
                    return Lookup::Hit(entry);
                }
                count("miss");
            }
            Ok(None) => count("miss"),
            Err(error) => {
                tracing::debug!(%error, "response cache: lookup failed");
                count("error");
            }
        }
        Lookup::Miss(EntryKey(key))
    }

    /// Stores `body`, the serialised response of a query looked up as `key`, for
    /// `max_age` seconds (capped by the configured TTL).
    pub async fn store(&self, key: EntryKey, max_age: u32, body: Bytes) {
        let ttl = Duration::from_secs(u64::from(max_age)).min(self.ttl_cap);
        if ttl.is_zero() {
            return;
        }
        let entry = CachedResponse::new(body, max_age).encode();
        match self.cache.set(&key.0, entry, ttl).await {
            Ok(()) => count("store"),
            Err(error) => {
                tracing::debug!(%error, "response cache: store failed");
                count("error");
            }
        }
    }
}

/// Whether `viewer` reads only public data, the same for every such viewer.
pub const fn shares_public_responses(viewer: &Viewer) -> bool {
    matches!(viewer, Viewer::Anonymous | Viewer::Storefront)
}

/// The seconds a response may be shared, when it may be: no errors, no HTTP headers set
/// by resolvers, and public schema hints with a positive `max_age`.
pub fn public_max_age(response: &Response) -> Option<u32> {
    let hints = response.cache_control;
    let shareable = response.errors.is_empty() && response.http_headers.is_empty() && hints.public;
    u32::try_from(hints.max_age)
        .ok()
        .filter(|max_age| shareable && *max_age > 0)
}

fn count(outcome: &'static str) {
    metrics::counter!("graphql_response_cache_total", "outcome" => outcome).increment(1);
}
