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
//! ([`key`]) under the current versions of the tags the response depends on ([`scope`]):
//! the catalog, the locations, and only the stock it can show (a store's, a product's,
//! or all of it). Whoever changes products, stock or locations bumps the tags of what
//! changed, so a sale at one store orphans the entries that show that store's stock and
//! leaves the others.
//! Entries live `max_age` seconds, capped by `CANOPY_CACHE_TTL`. Concurrent misses of one
//! entry are coalesced ([`flight`]): one request executes, the others wait for its entry.
//!
//! A cache failure never fails a request: it is counted in
//! `graphql_response_cache_total{outcome="error"}` and the request executes as usual.

mod entry;
mod flight;
mod key;
mod normalize;
mod scope;

use std::{sync::Arc, time::Duration};

use async_graphql::Response;
use bytes::Bytes;
use metrics::Counter;

pub use self::entry::CachedResponse;
use self::flight::{Flight, Flights, Leader};
pub use self::scope::Scope;
use crate::{
    auth::Viewer,
    cache::{CacheExt, SharedCache},
    config::Config,
};

/// What the cache knows about a request before it executes.
pub enum Lookup {
    /// Not for the cache: a private viewer, the cache is off, or the cache failed.
    Bypass,
    /// A candidate not in the cache: execute it, then [`ResponseCache::store`] the
    /// response if it qualifies.
    Miss(Pending),
    /// The stored response.
    Hit(CachedResponse),
}

/// A miss being executed: where its response goes, under the tag versions read before it
/// executed (so an invalidation during execution orphans the entry instead of hiding
/// behind it). Requests for the same entry wait until it is stored or dropped.
pub struct Pending(Leader);

/// `graphql_response_cache_total{outcome}`, registered once.
#[derive(Clone)]
struct Outcomes {
    hit: Counter,
    miss: Counter,
    coalesced: Counter,
    store: Counter,
    error: Counter,
}

impl Outcomes {
    fn register() -> Self {
        let outcome = |name: &'static str| metrics::counter!("graphql_response_cache_total", "outcome" => name);
        Self {
            hit: outcome("hit"),
            miss: outcome("miss"),
            coalesced: outcome("coalesced"),
            store: outcome("store"),
            error: outcome("error"),
        }
    }
}

/// The response cache of the GraphQL endpoint.
#[derive(Clone)]
pub struct ResponseCache {
    cache: SharedCache,
    enabled: bool,
    ttl_cap: Duration,
    flights: Arc<Flights>,
    outcomes: Outcomes,
}

impl ResponseCache {
    /// A response cache in `cache`, on or off and capped as `config` says.
    pub fn new(cache: SharedCache, config: &Config) -> Self {
        Self {
            cache,
            enabled: config.response_cache,
            ttl_cap: config.cache_ttl,
            flights: Arc::default(),
            outcomes: Outcomes::register(),
        }
    }

    /// Looks the request of `scope` up when `viewer` may share public responses.
    pub async fn lookup(&self, viewer: &Viewer, scope: &Scope<'_>) -> Lookup {
        if !self.enabled || !shares_public_responses(viewer) {
            return Lookup::Bypass;
        }
        let Some(base) = key::request_key(scope.request()) else {
            return Lookup::Bypass;
        };
        let dependencies = scope.dependencies();
        let dependencies: Vec<&str> = dependencies.iter().map(String::as_str).collect();
        let key = match self.cache.tagged_key(&base, &dependencies).await {
            Ok(key) => key,
            Err(error) => {
                tracing::debug!(%error, "response cache: tag versions unavailable");
                self.outcomes.error.increment(1);
                return Lookup::Bypass;
            }
        };
        match self.cache.get(&key).await {
            Ok(Some(bytes)) => {
                if let Some(entry) = CachedResponse::decode(bytes) {
                    self.outcomes.hit.increment(1);
                    return Lookup::Hit(entry);
                }
            }
            Ok(None) => {}
            Err(error) => {
                tracing::debug!(%error, "response cache: lookup failed");
                self.outcomes.error.increment(1);
            }
        }
        match self.flights.join(&key) {
            Flight::Leader(leader) => {
                self.outcomes.miss.increment(1);
                Lookup::Miss(Pending(leader))
            }
            Flight::Follower(follower) => {
                match flight::wait(follower)
                    .await
                    .and_then(CachedResponse::decode)
                {
                    Some(entry) => {
                        self.outcomes.coalesced.increment(1);
                        Lookup::Hit(entry)
                    }
                    // The leader's response was not cacheable: execute this one too.
                    None => Lookup::Bypass,
                }
            }
        }
    }

    /// Stores `body`, the serialised response of the `pending` miss showing what
    /// `contained` (space-separated surrogate keys) names, for `max_age` seconds (capped by the configured TTL), and hands
    /// it to the requests waiting for it.
    pub async fn store(&self, pending: Pending, max_age: u32, body: Bytes, contained: &str) {
        let ttl = Duration::from_secs(u64::from(max_age)).min(self.ttl_cap);
        if ttl.is_zero() {
            return;
        }
        let Pending(leader) = pending;
        let entry = CachedResponse::new(body, contained, max_age).encode();
        match self.cache.set(leader.key(), entry.clone(), ttl).await {
            Ok(()) => self.outcomes.store.increment(1),
            Err(error) => {
                tracing::debug!(%error, "response cache: store failed");
                self.outcomes.error.increment(1);
            }
        }
        leader.land(entry);
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
