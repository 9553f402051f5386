//! Per-client rate limiting of the API routes (GCRA through `governor`): each
//! [`ClientKey`] may send `rate_limit_burst` requests at once and `rate_limit_per_minute`
//! over a minute; beyond that the answer is 429 with `RATE_LIMITED` and `Retry-After`.
//!
//! The buckets live in this process: with several replicas each enforces its own share.

use std::{
    num::NonZeroU32,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use axum::{
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter, clock::Clock};

use super::client::{ClientIp, ClientKey};
use crate::{auth::JwtKeys, config::Limits, error::ApiError};

/// Checks between two sweeps of idle buckets.
const SWEEP_EVERY: u64 = 4_096;

/// The rate limiter of the API routes, shared by every request.
#[derive(Clone)]
pub(in crate::server) struct RateLimit {
    limiter: Option<Arc<DefaultKeyedRateLimiter<ClientKey>>>,
    keys: Arc<JwtKeys>,
    trusted_hops: usize,
    checks: Arc<AtomicU64>,
}

impl RateLimit {
    /// The limiter `limits` configure (none when the rate is 0), identifying
    /// authenticated clients with `keys`.
    pub(in crate::server) fn new(limits: &Limits, keys: Arc<JwtKeys>) -> Self {
        let limiter = NonZeroU32::new(limits.rate_limit_per_minute).map(|rate| {
            let burst = NonZeroU32::new(limits.rate_limit_burst).unwrap_or(rate);
            Arc::new(RateLimiter::keyed(
                Quota::per_minute(rate).allow_burst(burst),
            ))
        });
        Self {
            limiter,
            keys,
            trusted_hops: limits.trusted_proxy_hops,
            checks: Arc::new(AtomicU64::new(0)),
        }
    }

    /// `Err(retry_after)` when the client of `request` has no request left.
    fn check(&self, request: &Request, ip: ClientIp) -> Result<(), Duration> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        let key = ClientKey::of(&self.keys, request.headers(), ip);
        let outcome = limiter
            .check_key(&key)
            .map_err(|not_until| whole_seconds(not_until.wait_time_from(limiter.clock().now())));
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
        outcome
    }
}

/// Middleware: records the [`ClientIp`] in the request's extensions (the websocket limit
/// reads it) and refuses requests over the client's rate.
pub(in crate::server) async fn enforce(
    State(limit): State<RateLimit>,
    mut request: Request,
    next: Next,
) -> Response {
    let ip = ClientIp::of(&request, limit.trusted_hops);
    if let Err(retry_after) = limit.check(&request, ip) {
        metrics::counter!("canopy_rate_limited_total").increment(1);
        return ApiError::RateLimited { retry_after }.into_response();
    }
    request.extensions_mut().insert(ip);
    next.run(request).await
}

/// `wait` rounded up to whole seconds (at least one), as `Retry-After` counts them.
fn whole_seconds(wait: Duration) -> Duration {
    let seconds = wait
        .as_secs()
        .saturating_add(u64::from(wait.subsec_nanos() > 0));
    Duration::from_secs(seconds.max(1))
}
