//! When a failed row is tried again: exponential backoff with full jitter, persisted in
//! `outbox.next_attempt_at` (so it survives restarts and is shared by replicas).

use std::time::Duration;

use rand::Rng;

/// The delay after attempt number `attempts` (1 for the first) failed: a uniformly
/// random duration in `[0, min(max, base · 2^(attempts-1))]` ("full jitter"), so
/// senders retrying after one outage spread out instead of arriving together.
pub fn delay(attempts: i32, base: Duration, max: Duration, rng: &mut impl Rng) -> Duration {
    let exponent = u32::try_from(attempts.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
    let ceiling = base.saturating_mul(1_u32 << exponent).min(max);
    let millis = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
    Duration::from_millis(rng.random_range(0..=millis))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn grows_exponentially_up_to_the_cap_and_never_exceeds_it() {
        let mut rng = rand::rng();
        let base = Duration::from_millis(100);
        let max = Duration::from_secs(5);
        for attempts in 1..40 {
            let ceiling = (base * 2_u32.pow(u32::try_from(attempts - 1).unwrap().min(20))).min(max);
            for _ in 0..50 {
                assert!(delay(attempts, base, max, &mut rng) <= ceiling);
            }
        }
        // jitter: not always the same value
        let samples: std::collections::BTreeSet<_> =
            (0..50).map(|_| delay(6, base, max, &mut rng)).collect();
        assert!(samples.len() > 1);
    }
}
