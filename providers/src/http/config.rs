//! What an [`super::HttpPolicy`] is configured with: timeouts, retry and
//! breaker parameters, and the vendor's documented rate limits per bucket.
//!
//! Each vendor module supplies its defaults (its documented limits); the
//! `http` object of [`crate::ConnectionConfig::settings`] overrides any of them
//! (see [`PolicyOverrides`]), which is also how tests shorten backoffs.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// A client-side rate limit for one bucket of a vendor's endpoints:
/// at most `burst` calls at once, refilled at one call every `per`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimit {
    /// The bucket's name, e.g. `"baseline"`, `"inventory"`, `"reporting"`.
    pub bucket: &'static str,
    /// The interval at which one more call is allowed.
    pub per: Duration,
    /// How many calls may be made back to back.
    pub burst: u32,
}

impl RateLimit {
    /// `calls` per `window`, allowing the whole window's budget as a burst
    /// (the vendor's "N per minute" read as a refilling bucket).
    /// `calls` of zero is treated as one.
    pub fn new(bucket: &'static str, calls: u32, window: Duration) -> Self {
        let calls = calls.max(1);
        RateLimit {
            bucket,
            per: window / calls,
            burst: calls,
        }
    }

    /// `calls` per minute, e.g. Dutchie's 120/min baseline.
    pub fn per_minute(bucket: &'static str, calls: u32) -> Self {
        RateLimit::new(bucket, calls, Duration::from_secs(60))
    }
}

/// One vendor endpoint as the policy sees it: a name for traces and errors,
/// and the rate-limit bucket it draws from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    /// The method and path template, e.g. `"GET /inventory"`.
    pub name: &'static str,
    /// The [`RateLimit::bucket`] this endpoint counts against. A bucket with no
    /// configured limit is not limited client-side.
    pub bucket: &'static str,
}

impl Endpoint {
    /// An endpoint named `name` drawing from `bucket`.
    pub const fn new(name: &'static str, bucket: &'static str) -> Self {
        Endpoint { name, bucket }
    }
}

/// Everything an [`super::HttpPolicy`] needs to know.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyConfig {
    /// Time allowed to establish a connection.
    pub connect_timeout: Duration,
    /// Time allowed for one attempt, from sending to having read the whole body.
    pub request_timeout: Duration,
    /// Retries after the first attempt (so `max_retries + 1` attempts at most).
    pub max_retries: u32,
    /// The first backoff delay; doubled each retry, then fully jittered.
    pub base_backoff: Duration,
    /// The largest backoff delay.
    pub max_backoff: Duration,
    /// The longest `Retry-After` the policy waits for; a longer one ends the
    /// call with [`crate::ProviderErrorKind::RateLimited`] for the caller to schedule.
    pub max_retry_after: Duration,
    /// When a response says fewer than this many calls remain in the vendor's
    /// window (`X-RateLimit-Remaining`), the bucket stops bursting and paces
    /// calls at its sustained rate ([`RateLimit::per`]).
    pub low_remaining: u32,
    /// Consecutive failed calls (unavailable or timed out, after retries) that open the breaker.
    pub breaker_failure_threshold: u32,
    /// How long an open breaker refuses calls before letting one trial call through.
    pub breaker_open_for: Duration,
    /// The vendor's documented limits, one per bucket.
    pub limits: Vec<RateLimit>,
}

impl Default for PolicyConfig {
    /// Conservative defaults without rate limits; vendors add theirs.
    fn default() -> Self {
        PolicyConfig {
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(30),
            max_retries: 4,
            base_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(60),
            low_remaining: 10,
            breaker_failure_threshold: 5,
            breaker_open_for: Duration::from_secs(30),
            limits: Vec::new(),
        }
    }
}

impl PolicyConfig {
    /// Applies the `http` object of a connection's settings, if present.
    /// Unknown keys are ignored; a malformed `http` object is an error.
    pub fn with_settings(self, settings: &serde_json::Value) -> Result<Self, serde_json::Error> {
        match settings.get("http") {
            Some(value) => Ok(self.with_overrides(&PolicyOverrides::deserialize(value)?)),
            None => Ok(self),
        }
    }

    /// Applies explicit overrides.
    pub fn with_overrides(mut self, o: &PolicyOverrides) -> Self {
        let ms = Duration::from_millis;
        if let Some(v) = o.connect_timeout_ms {
            self.connect_timeout = ms(v);
        }
        if let Some(v) = o.request_timeout_ms {
            self.request_timeout = ms(v);
        }
        if let Some(v) = o.max_retries {
            self.max_retries = v;
        }
        if let Some(v) = o.base_backoff_ms {
            self.base_backoff = ms(v);
        }
        if let Some(v) = o.max_backoff_ms {
            self.max_backoff = ms(v);
        }
        if let Some(v) = o.max_retry_after_ms {
            self.max_retry_after = ms(v);
        }
        if let Some(v) = o.low_remaining {
            self.low_remaining = v;
        }
        if let Some(v) = o.breaker_failure_threshold {
            self.breaker_failure_threshold = v;
        }
        if let Some(v) = o.breaker_open_for_ms {
            self.breaker_open_for = ms(v);
        }
        for limit in &mut self.limits {
            if let Some(given) = o.rate_limits.get(limit.bucket) {
                *limit = RateLimit::new(limit.bucket, given.calls, ms(given.window_ms));
            }
        }
        if o.disable_rate_limits {
            self.limits.clear();
        }
        self
    }
}

/// Overrides of a [`PolicyConfig`], read from the `http` object of a
/// connection's settings, e.g. `{"http": {"max_retries": 2, "base_backoff_ms": 1}}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PolicyOverrides {
    /// [`PolicyConfig::connect_timeout`], milliseconds.
    pub connect_timeout_ms: Option<u64>,
    /// [`PolicyConfig::request_timeout`], milliseconds.
    pub request_timeout_ms: Option<u64>,
    /// [`PolicyConfig::max_retries`].
    pub max_retries: Option<u32>,
    /// [`PolicyConfig::base_backoff`], milliseconds.
    pub base_backoff_ms: Option<u64>,
    /// [`PolicyConfig::max_backoff`], milliseconds.
    pub max_backoff_ms: Option<u64>,
    /// [`PolicyConfig::max_retry_after`], milliseconds.
    pub max_retry_after_ms: Option<u64>,
    /// [`PolicyConfig::low_remaining`].
    pub low_remaining: Option<u32>,
    /// [`PolicyConfig::breaker_failure_threshold`].
    pub breaker_failure_threshold: Option<u32>,
    /// [`PolicyConfig::breaker_open_for`], milliseconds.
    pub breaker_open_for_ms: Option<u64>,
    /// Replaces the vendor's documented limits by bucket name, e.g.
    /// `{"api": {"calls": 1000, "window_ms": 300000}}` for a negotiated higher limit
    /// (or a low one in tests). Buckets the vendor does not have are ignored.
    pub rate_limits: BTreeMap<String, LimitOverride>,
    /// Drops the client-side limits (benchmarks against a local simulator).
    pub disable_rate_limits: bool,
}

/// A bucket's limit given in a connection's settings: `calls` per `window_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LimitOverride {
    /// Calls allowed per window (also the burst).
    pub calls: u32,
    /// The window, milliseconds.
    pub window_ms: u64,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn per_minute_spreads_the_budget() {
        let l = RateLimit::per_minute("baseline", 120);
        assert_eq!(l.per, Duration::from_millis(500));
        assert_eq!(l.burst, 120);
    }

    #[test]
    fn settings_override_defaults() {
        let base = PolicyConfig {
            limits: vec![RateLimit::per_minute("baseline", 120)],
            ..PolicyConfig::default()
        };
        let settings = serde_json::json!({"http": {"max_retries": 1, "base_backoff_ms": 2, "disable_rate_limits": true}});
        let c = base.with_settings(&settings).unwrap();
        assert_eq!(c.max_retries, 1);
        assert_eq!(c.base_backoff, Duration::from_millis(2));
        assert!(c.limits.is_empty());
        assert_eq!(c.connect_timeout, Duration::from_secs(5));
    }

    #[test]
    fn settings_replace_a_bucket_limit() {
        let base = PolicyConfig {
            limits: vec![RateLimit::per_minute("api", 100)],
            ..PolicyConfig::default()
        };
        let settings = serde_json::json!({"http": {"rate_limits": {
            "api": {"calls": 20, "window_ms": 1000},
            "unknown": {"calls": 1, "window_ms": 1}
        }}});
        let c = base.with_settings(&settings).unwrap();
        assert_eq!(
            c.limits,
            vec![RateLimit::new("api", 20, Duration::from_secs(1))]
        );
    }

    #[test]
    fn missing_http_settings_keep_defaults() {
        let c = PolicyConfig::default()
            .with_settings(&serde_json::json!({"storeId": 1}))
            .unwrap();
        assert_eq!(c, PolicyConfig::default());
    }

    #[test]
    fn malformed_http_settings_are_an_error() {
        let settings = serde_json::json!({"http": {"max_retries": "many"}});
        assert!(PolicyConfig::default().with_settings(&settings).is_err());
    }
}
