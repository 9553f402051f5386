//! The per-connection circuit breaker: after `threshold` consecutive failed
//! calls it opens and refuses calls for `open_for`; then it lets one trial
//! call through (half-open). The trial's success closes it, its failure
//! opens it again.
//!
//! A small state machine rather than a crate: the maintained breaker crates
//! wrap the call themselves (tower layers, `failsafe`'s futures), while the
//! policy needs to ask before a call and report after its retries. The API
//! server reuses it around Redis, where ordinary calls ask with
//! [`Breaker::acquire_if_closed`] and a background probe makes the trial.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Closed { failures: u32 },
    Open { until: Instant },
    HalfOpen { trial_in_flight: bool },
}

/// A circuit breaker counting consecutive failed calls.
#[derive(Debug)]
pub struct Breaker {
    threshold: u32,
    open_for: Duration,
    state: Mutex<State>,
}

/// A change of state reported by [`Breaker::record`], for logs and metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// The breaker was closed and now refuses calls.
    Opened,
    /// A trial call succeeded: the breaker lets every call through again.
    Closed,
}

/// Permission to make one call; report its outcome with [`Breaker::record`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use = "report the call's outcome with Breaker::record"]
pub struct Permit {
    trial: bool,
}

impl Breaker {
    /// A closed breaker opening after `threshold` consecutive failures (at least one).
    pub fn new(threshold: u32, open_for: Duration) -> Self {
        Breaker {
            threshold: threshold.max(1),
            open_for,
            state: Mutex::new(State::Closed { failures: 0 }),
        }
    }

    /// Asks to make a call. `Err(wait)` when the breaker is open (or a trial
    /// call is already in flight): how long until a trial may be made.
    pub fn acquire(&self) -> Result<Permit, Duration> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        match *state {
            State::Closed { .. } => Ok(Permit { trial: false }),
            State::Open { until } => {
                let now = Instant::now();
                if now >= until {
                    *state = State::HalfOpen {
                        trial_in_flight: true,
                    };
                    Ok(Permit { trial: true })
                } else {
                    Err(until - now)
                }
            }
            State::HalfOpen { trial_in_flight } => {
                if trial_in_flight {
                    Err(self.open_for)
                } else {
                    *state = State::HalfOpen {
                        trial_in_flight: true,
                    };
                    Ok(Permit { trial: true })
                }
            }
        }
    }

    /// Permission for an ordinary call while the breaker is closed, `None`
    /// otherwise: for callers that leave the half-open trial to a probe, so
    /// that no caller's request waits on a backend still down.
    pub fn acquire_if_closed(&self) -> Option<Permit> {
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        matches!(*state, State::Closed { .. }).then_some(Permit { trial: false })
    }

    /// Reports the outcome of a permitted call: `failed` when the POS was
    /// unavailable or timed out (answers, even errors, count as success).
    /// Returns the change of state the outcome caused, if any.
    pub fn record(&self, permit: Permit, failed: bool) -> Option<Change> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let open = State::Open {
            until: Instant::now() + self.open_for,
        };
        let before = *state;
        *state = match (before, failed) {
            (_, false) => State::Closed { failures: 0 },
            (State::HalfOpen { .. }, true) if permit.trial => open,
            (State::Closed { failures }, true) if failures + 1 >= self.threshold => open,
            (State::Closed { failures }, true) => State::Closed {
                failures: failures + 1,
            },
            // A call permitted while closed that failed after the breaker opened: stays as is.
            (current, true) => current,
        };
        match (before, *state) {
            (State::Closed { .. }, State::Open { .. }) => Some(Change::Opened),
            (State::Open { .. } | State::HalfOpen { .. }, State::Closed { .. }) => {
                Some(Change::Closed)
            }
            _ => None,
        }
    }

    /// Whether the breaker currently refuses calls.
    pub fn is_open(&self) -> bool {
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        matches!(*state, State::Open { until } if Instant::now() < until)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const OPEN_FOR: Duration = Duration::from_secs(10);

    fn fail(b: &Breaker) {
        let p = b.acquire().unwrap();
        b.record(p, true);
    }

    #[tokio::test(start_paused = true)]
    async fn opens_after_threshold_consecutive_failures() {
        let b = Breaker::new(3, OPEN_FOR);
        fail(&b);
        fail(&b);
        assert!(!b.is_open());
        fail(&b);
        assert!(b.is_open());
        assert_eq!(b.acquire().unwrap_err(), OPEN_FOR);
    }

    #[tokio::test(start_paused = true)]
    async fn a_success_resets_the_count() {
        let b = Breaker::new(2, OPEN_FOR);
        fail(&b);
        let p = b.acquire().unwrap();
        b.record(p, false);
        fail(&b);
        assert!(!b.is_open());
    }

    #[tokio::test(start_paused = true)]
    async fn half_open_allows_one_trial_then_closes_on_success() {
        let b = Breaker::new(1, OPEN_FOR);
        fail(&b);
        tokio::time::advance(OPEN_FOR).await;
        let trial = b.acquire().unwrap();
        assert!(b.acquire().is_err(), "only one trial at a time");
        b.record(trial, false);
        assert!(b.acquire().is_ok());
    }

    #[tokio::test(start_paused = true)]
    async fn ordinary_calls_wait_for_the_probe_and_changes_are_reported() {
        let b = Breaker::new(1, OPEN_FOR);
        let p = b.acquire_if_closed().unwrap();
        assert_eq!(b.record(p, true), Some(Change::Opened));
        tokio::time::advance(OPEN_FOR).await;
        assert!(b.acquire_if_closed().is_none(), "the trial is the probe's");
        let trial = b.acquire().unwrap();
        assert_eq!(b.record(trial, false), Some(Change::Closed));
        assert!(b.acquire_if_closed().is_some());
    }

    #[tokio::test(start_paused = true)]
    async fn failed_trial_reopens() {
        let b = Breaker::new(1, OPEN_FOR);
        fail(&b);
        tokio::time::advance(OPEN_FOR).await;
        let trial = b.acquire().unwrap();
        b.record(trial, true);
        assert!(b.is_open());
        assert_eq!(b.acquire().unwrap_err(), OPEN_FOR);
    }
}
