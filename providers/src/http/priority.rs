//! Call priority on a shared rate budget. Order delivery and order-status polling reach
//! a POS through the same adapter, so through the same rate-limit buckets; left to race,
//! a poll of every open order can take the budget new orders need.
//!
//! Calls made inside [`background`] are background calls (the status poller runs its
//! rounds there); every other call is foreground. On a bucket foreground calls also
//! draw on, background calls use at most their [`BudgetShare`] of it, and each one
//! waits while a foreground call is waiting, so a delivery never queues behind a poll.
//! A bucket only background calls use (Dutchie limits each endpoint on its own) stays
//! theirs whole.

use std::{fmt, future::Future, str::FromStr};

tokio::task_local! {
    static BACKGROUND: BudgetShare;
}

/// The share of a bucket's rate that background calls may use, in (0, 1].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct BudgetShare(u16);

impl BudgetShare {
    /// Thousandths: the resolution of a share.
    const SCALE: u16 = 1000;
    /// Half of each bucket (the status poller's default).
    pub const HALF: Self = Self(Self::SCALE / 2);
    /// The whole bucket.
    pub const ALL: Self = Self(Self::SCALE);

    /// The share as a fraction.
    pub fn fraction(self) -> f64 {
        f64::from(self.0) / f64::from(Self::SCALE)
    }

    /// This share of `calls`, at least one.
    pub(super) fn of(self, calls: u32) -> u32 {
        let share = u64::from(calls) * u64::from(self.0) / u64::from(Self::SCALE);
        u32::try_from(share).unwrap_or(u32::MAX).max(1)
    }
}

impl FromStr for BudgetShare {
    type Err = String;

    /// A fraction above 0 and at most 1, such as `0.5`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let refused = || {
            format!("{text:?} is not a share: give a fraction above 0 and at most 1, such as 0.5")
        };
        let fraction: f64 = text.trim().parse().map_err(|_| refused())?;
        if !(fraction > 0.0 && fraction <= 1.0) {
            return Err(refused());
        }
        // in (0, 1000] after the checks above, so the cast is exact
        let thousandths = (fraction * f64::from(Self::SCALE)).round().max(1.0) as u16;
        Ok(Self(thousandths))
    }
}

impl fmt::Display for BudgetShare {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.fraction())
    }
}

/// Runs `calls` as background calls limited to `share` of each bucket they share
/// with foreground calls.
pub async fn background<F: Future>(share: BudgetShare, calls: F) -> F::Output {
    BACKGROUND.scope(share, calls).await
}

/// The share of the background scope the current task runs in, if any.
pub(super) fn current() -> Option<BudgetShare> {
    BACKGROUND.try_with(|share| *share).ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn shares_parse_as_fractions() {
        assert_eq!("0.5".parse::<BudgetShare>(), Ok(BudgetShare::HALF));
        assert_eq!("1".parse::<BudgetShare>(), Ok(BudgetShare::ALL));
        assert_eq!(BudgetShare::HALF.to_string(), "0.5");
        assert_eq!("0.0001".parse::<BudgetShare>().unwrap().of(1000), 1);
        for bad in ["0", "-0.1", "1.5", "NaN", "inf", "half", ""] {
            assert!(bad.parse::<BudgetShare>().is_err(), "{bad}");
        }
        assert_eq!(BudgetShare::HALF.of(20), 10);
        assert_eq!(BudgetShare::HALF.of(1), 1);
    }

    #[tokio::test]
    async fn the_scope_marks_background_calls() {
        assert_eq!(current(), None);
        assert_eq!(
            background(BudgetShare::HALF, async { current() }).await,
            Some(BudgetShare::HALF)
        );
    }
}
