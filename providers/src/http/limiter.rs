//! Client-side rate limiting per bucket: a `governor` limiter at the vendor's
//! documented rate, plus pacing when the vendor says its window is nearly
//! spent (`X-RateLimit-Remaining`, Dispense), and priority for foreground calls
//! over background ones ([`super::priority`]).

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use tokio::sync::Notify;
use tokio::time::Instant;

use super::config::RateLimit;
use super::priority::{self, BudgetShare};

/// One bucket: the limiter, the earliest time the next call may start, and what
/// background calls wait on.
struct Bucket {
    limiter: DefaultDirectRateLimiter,
    per: Duration,
    burst: u32,
    not_before: Mutex<Option<Instant>>,
    /// Foreground calls waiting for the limiter now.
    waiting: AtomicUsize,
    /// Signalled when `waiting` drops to zero.
    idle: Notify,
    /// Whether a foreground call has drawn on this bucket.
    shared: AtomicBool,
    /// The background calls' own limiter, at their share of the rate.
    background: Mutex<Option<(BudgetShare, Arc<DefaultDirectRateLimiter>)>>,
}

/// Counts a waiting foreground call for as long as it lives.
struct Waiting<'a>(&'a Bucket);

impl<'a> Waiting<'a> {
    fn enter(bucket: &'a Bucket) -> Self {
        bucket.waiting.fetch_add(1, Ordering::AcqRel);
        Waiting(bucket)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        if self.0.waiting.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.0.idle.notify_waiters();
        }
    }
}

impl Bucket {
    fn new(limit: &RateLimit, quota: Quota) -> Self {
        Bucket {
            limiter: RateLimiter::direct(quota),
            per: limit.per,
            burst: limit.burst,
            not_before: Mutex::new(None),
            waiting: AtomicUsize::new(0),
            idle: Notify::new(),
            shared: AtomicBool::new(false),
            background: Mutex::new(None),
        }
    }

    /// Waits out a pause asked for by [`Limiters::observe_remaining`], if any.
    async fn not_before(&self) {
        let not_before = self
            .not_before
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(at) = not_before {
            tokio::time::sleep_until(at).await;
        }
    }

    async fn acquire_foreground(&self) {
        self.shared.store(true, Ordering::Release);
        let _waiting = Waiting::enter(self);
        self.not_before().await;
        self.limiter.until_ready().await;
    }

    async fn acquire_background(&self, share: BudgetShare) {
        if self.shared.load(Ordering::Acquire)
            && let Some(limiter) = self.share_limiter(share)
        {
            limiter.until_ready().await;
        }
        loop {
            self.foreground_idle().await;
            self.not_before().await;
            match self.limiter.check() {
                Ok(()) => return,
                Err(not_until) => {
                    tokio::time::sleep(not_until.wait_time_from(DefaultClock::default().now()))
                        .await;
                }
            }
        }
    }

    /// Returns once no foreground call is waiting.
    async fn foreground_idle(&self) {
        loop {
            let mut idle = pin!(self.idle.notified());
            idle.as_mut().enable();
            if self.waiting.load(Ordering::Acquire) == 0 {
                return;
            }
            idle.await;
        }
    }

    /// The limiter for background calls at `share` of this bucket; `None` for the
    /// whole bucket.
    fn share_limiter(&self, share: BudgetShare) -> Option<Arc<DefaultDirectRateLimiter>> {
        if share == BudgetShare::ALL {
            return None;
        }
        let mut background = self
            .background
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some((built, limiter)) = background.as_ref()
            && *built == share
        {
            return Some(limiter.clone());
        }
        let quota = Quota::with_period(self.per.div_f64(share.fraction()))?
            .allow_burst(NonZeroU32::new(share.of(self.burst)).unwrap_or(NonZeroU32::MIN));
        let limiter = Arc::new(RateLimiter::direct(quota));
        *background = Some((share, limiter.clone()));
        Some(limiter)
    }
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
                Some((l.bucket, Bucket::new(l, quota)))
            })
            .collect();
        Limiters {
            buckets,
            low_remaining,
        }
    }

    /// Waits until `bucket` allows one more call: at once for a foreground call when
    /// the budget allows; for a background call (inside [`priority::background`]),
    /// also within its share and once no foreground call is waiting. Unknown buckets
    /// pass at once.
    pub async fn acquire(&self, bucket: &str) {
        let Some(b) = self.buckets.get(bucket) else {
            return;
        };
        match priority::current() {
            None => b.acquire_foreground().await,
            Some(share) => b.acquire_background(share).await,
        }
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

    /// One call every 10 ms, no burst (governor keeps real time, so these tests do too).
    fn every_10ms() -> Limiters {
        let limit = RateLimit {
            bucket: "b",
            per: Duration::from_millis(10),
            burst: 1,
        };
        Limiters::new(&[limit], 0)
    }

    /// Calls `acquire` in a loop for `window`; returns how many passed.
    async fn calls_in(l: &Limiters, window: Duration) -> u32 {
        let mut calls = 0;
        let _ = tokio::time::timeout(window, async {
            loop {
                l.acquire("b").await;
                calls += 1;
            }
        })
        .await;
        calls
    }

    #[tokio::test]
    async fn background_calls_yield_to_waiting_foreground_calls() {
        let l = every_10ms();
        let window = Duration::from_millis(600);
        let (foreground, background) = tokio::join!(
            calls_in(&l, window),
            priority::background(BudgetShare::ALL, calls_in(&l, window)),
        );
        assert!(
            foreground >= 45,
            "{foreground} foreground, {background} background"
        );
        assert!(
            background <= 10,
            "{foreground} foreground, {background} background"
        );
    }

    #[tokio::test]
    async fn background_calls_keep_to_their_share_of_a_shared_bucket() {
        let l = every_10ms();
        let window = Duration::from_millis(600);
        // a bucket only background calls use is theirs whole
        let alone = priority::background(BudgetShare::HALF, calls_in(&l, window)).await;
        assert!(alone >= 45, "{alone}");
        l.acquire("b").await;
        let shared = priority::background(BudgetShare::HALF, calls_in(&l, window)).await;
        assert!((20..=35).contains(&shared), "{shared} of 60 at half");
    }
}
