//! The simulators' clock: wall time plus a settable skew, so tests can make
//! a vendor's timestamps run ahead of or behind Canopy's (the clock-skew fault).

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, TimeDelta, Utc};

/// A cloneable handle to one simulator clock; clones share the skew.
#[derive(Debug, Clone, Default)]
pub struct SimClock {
    skew_ms: Arc<AtomicI64>,
}

impl SimClock {
    /// A clock without skew.
    pub fn new() -> Self {
        SimClock::default()
    }

    /// The simulator's "now": wall time plus the skew, to the millisecond.
    pub fn now(&self) -> DateTime<Utc> {
        let now = Utc::now() + self.skew();
        // Whole milliseconds: every vendor format can carry them.
        DateTime::from_timestamp_millis(now.timestamp_millis()).unwrap_or(now)
    }

    /// Sets the skew (positive runs ahead of the wall clock).
    pub fn set_skew(&self, skew: TimeDelta) {
        self.skew_ms
            .store(skew.num_milliseconds(), Ordering::Relaxed);
    }

    /// The current skew.
    pub fn skew(&self) -> TimeDelta {
        TimeDelta::milliseconds(self.skew_ms.load(Ordering::Relaxed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skew_shifts_now() {
        let clock = SimClock::new();
        let other = clock.clone();
        other.set_skew(TimeDelta::hours(2));
        let diff = clock.now() - Utc::now();
        assert!(diff > TimeDelta::minutes(119) && diff <= TimeDelta::hours(2));
        assert_eq!(clock.skew(), TimeDelta::hours(2));
    }
}
