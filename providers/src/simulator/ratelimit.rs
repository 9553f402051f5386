//! Server-side rate limits for the simulators: one `governor` limiter per
//! bucket, keyed by API key, at the vendor's documented limits. Vendor
//! simulators call [`ServerRateLimits::check`] after authenticating and
//! render their own 429 body and headers from the [`RateDecision`].

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

use crate::http::RateLimit;

type KeyedLimiter =
    RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock, StateInformationMiddleware>;

/// The answer to one request's rate-limit check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateDecision {
    /// Allowed; `remaining` more calls fit in the bucket right now.
    Allowed {
        /// The bucket's size (`X-RateLimit-Limit`).
        limit: u32,
        /// Calls left (`X-RateLimit-Remaining`).
        remaining: u32,
    },
    /// Refused: the caller should wait `retry_after`.
    Limited {
        /// The bucket's size.
        limit: u32,
        /// How long until a call would be allowed.
        retry_after: Duration,
    },
    /// The bucket has no limit configured.
    Unlimited,
}

impl RateDecision {
    /// `Retry-After` in whole seconds, rounded up (at least 1) when limited.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            RateDecision::Limited { retry_after, .. } => {
                Some(retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0))
                    .map(|s| s.max(1))
            }
            _ => None,
        }
    }

    /// `X-RateLimit-Limit` and `X-RateLimit-Remaining` headers (Dispense sends them on every response).
    pub fn headers(&self) -> HeaderMap {
        let mut headers = HeaderMap::new();
        let (limit, remaining) = match *self {
            RateDecision::Allowed { limit, remaining } => (limit, remaining),
            RateDecision::Limited { limit, .. } => (limit, 0),
            RateDecision::Unlimited => return headers,
        };
        headers.insert("x-ratelimit-limit", HeaderValue::from(limit));
        headers.insert("x-ratelimit-remaining", HeaderValue::from(remaining));
        headers
    }

    /// A 429 response with `Retry-After`, the rate-limit headers and the vendor's `body`.
    pub fn too_many_requests(&self, body: serde_json::Value) -> Response {
        let mut headers = self.headers();
        if let Some(secs) = self.retry_after_secs() {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        (StatusCode::TOO_MANY_REQUESTS, headers, axum::Json(body)).into_response()
    }
}

/// The limiters of one simulator, by bucket.
#[derive(Debug)]
pub struct ServerRateLimits {
    buckets: HashMap<&'static str, (u32, KeyedLimiter)>,
    clock: DefaultClock,
}

impl ServerRateLimits {
    /// Limits for `limits` (the same [`RateLimit`]s the client side uses).
    pub fn new(limits: &[RateLimit]) -> Self {
        let buckets = limits
            .iter()
            .filter_map(|l| {
                let burst = NonZeroU32::new(l.burst).unwrap_or(NonZeroU32::MIN);
                let quota = Quota::with_period(l.per)?.allow_burst(burst);
                let limiter =
                    RateLimiter::keyed(quota).with_middleware::<StateInformationMiddleware>();
                Some((l.bucket, (burst.get(), limiter)))
            })
            .collect();
        ServerRateLimits {
            buckets,
            clock: DefaultClock::default(),
        }
    }

    /// Counts one call by `key` against `bucket`.
    pub fn check(&self, key: &str, bucket: &str) -> RateDecision {
        let Some((limit, limiter)) = self.buckets.get(bucket) else {
            return RateDecision::Unlimited;
        };
        match limiter.check_key(&key.to_owned()) {
            Ok(snapshot) => RateDecision::Allowed {
                limit: *limit,
                remaining: snapshot.remaining_burst_capacity(),
            },
            Err(not_until) => RateDecision::Limited {
                limit: *limit,
                retry_after: not_until.wait_time_from(self.clock.now()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_per_key_and_bucket() {
        let limits = ServerRateLimits::new(&[RateLimit::per_minute("baseline", 2)]);
        assert_eq!(
            limits.check("a", "baseline"),
            RateDecision::Allowed {
                limit: 2,
                remaining: 1
            }
        );
        assert_eq!(
            limits.check("a", "baseline"),
            RateDecision::Allowed {
                limit: 2,
                remaining: 0
            }
        );
        let refused = limits.check("a", "baseline");
        assert!(matches!(refused, RateDecision::Limited { limit: 2, .. }));
        assert!(
            refused
                .retry_after_secs()
                .is_some_and(|s| (1..=30).contains(&s))
        );
        assert!(matches!(
            limits.check("b", "baseline"),
            RateDecision::Allowed { .. }
        ));
        assert_eq!(limits.check("a", "other"), RateDecision::Unlimited);
    }

    #[test]
    fn headers_carry_limit_and_remaining() {
        let h = RateDecision::Allowed {
            limit: 500,
            remaining: 7,
        }
        .headers();
        assert_eq!(
            h.get("x-ratelimit-remaining").map(|v| v.as_bytes()),
            Some(&b"7"[..])
        );
    }
}
