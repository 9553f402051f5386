//! Client-side rate limiting per bucket: a `governor` limiter at the vendor's
//! documented rate, plus pacing when the vendor says its window is nearly
//! spent (`X-RateLimit-Remaining`, Dispense).

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use tokio::time::Instant;

use super::config::RateLimit;

/// One bucket: the limiter and the earliest time the next call may start.
struct Bucket {
    limiter: DefaultDirectRateLimiter,
    per: Duration,
    not_before: Mutex<Option<Instant>>,
}

/// The limiters of one connection, by bucket name.
pub struct Limiters {
    buckets: HashMap<&'static str, Bucket>,
    low_remaining: u32,
}

impl std::fmt::Debug for Limiters {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Limiters")
            .field("buckets", &self.buckets.keys().collect::<Vec<_>>())
            .field("low_remaining", &self.low_remaining)
            .finish()
    }
}

impl Limiters {
    /// Limiters for `limits`; a limit with a zero interval is not enforced.
    pub fn new(limits: &[RateLimit], low_remaining: u32) -> Self {
        let buckets = limits
            .iter()
            .filter_map(|l| {
                let quota = Quota::with_period(l.per)?
                    .allow_burst(NonZeroU32::new(l.burst).unwrap_or(NonZeroU32::MIN));
                Some((
                    l.bucket,
                    Bucket {
                        limiter: RateLimiter::direct(quota),
                        per: l.per,
                        not_before: Mutex::new(None),
                    },
                ))
            })
            .collect();
        Limiters {
            buckets,
            low_remaining,
        }
    }

    /// Waits until `bucket` allows one more call. Unknown buckets pass at once.
    pub async fn acquire(&self, bucket: &str) {
        let Some(b) = self.buckets.get(bucket) else {
            return;
        };
        let not_before = b
            .not_before
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(at) = not_before {
            tokio::time::sleep_until(at).await;
        }
        b.limiter.until_ready().await;
    }

    /// Reads the vendor's remaining budget for `bucket`: when it is at or
    /// below the low-water mark, the next call waits one sustained interval.
    pub fn observe_remaining(&self, bucket: &str, remaining: u32) {
        let Some(b) = self.buckets.get(bucket) else {
            return;
        };
        if remaining <= self.low_remaining {
            let mut nb = b.not_before.lock().unwrap_or_else(PoisonError::into_inner);
            *nb = Some(Instant::now() + b.per);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn unknown_buckets_are_not_limited() {
        let l = Limiters::new(&[], 0);
        l.acquire("anything").await;
    }

    #[tokio::test(start_paused = true)]
    async fn low_remaining_paces_the_next_call() {
        let limit = RateLimit::new("b", 1000, Duration::from_secs(100));
        let l = Limiters::new(&[limit], 5);
        let start = Instant::now();
        l.observe_remaining("b", 50);
        l.acquire("b").await;
        assert_eq!(start.elapsed(), Duration::ZERO);
        l.observe_remaining("b", 3);
        l.acquire("b").await;
        assert!(start.elapsed() >= Duration::from_millis(100));
    }
}
