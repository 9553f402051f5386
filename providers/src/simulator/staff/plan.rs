//! What staff do with one online order: its fate, drawn once from the demo's seed and
//! the order's reference (so a seed replays the same fates whatever the timing), and
//! the next vendor status on its way there, read from the vendor's [`OrderStatuses`].

use std::hash::{DefaultHasher, Hash, Hasher};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::model::OrderStatus;
use crate::simulator::control::OrderStatuses;

/// How an online order ends at the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// Accepted, prepared, made ready and handed over (sold at the register).
    Completed,
    /// Turned down by staff before it is accepted.
    Rejected,
    /// Accepted and prepared, then cancelled by the store (nobody came for it).
    Cancelled,
}

impl Fate {
    /// The fate of the order with `reference`: one in a hundred orders per point of
    /// `cancel_percent` is rejected or cancelled (half each), the rest complete.
    pub fn of(seed: u64, reference: &str, cancel_percent: u8) -> Self {
        let mut hasher = DefaultHasher::new();
        seed.hash(&mut hasher);
        reference.hash(&mut hasher);
        let mut rng = StdRng::seed_from_u64(hasher.finish());
        if rng.random_range(0..100) >= u32::from(cancel_percent) {
            Fate::Completed
        } else if rng.random_bool(0.5) {
            Fate::Rejected
        } else {
            Fate::Cancelled
        }
    }
}

/// The vendor status staff move an order in `current` to next, on the way to `fate`;
/// `None` once the order is completed or cancelled (or in a status past staff's work,
/// such as a return). A status the vendor has beyond the named ones counts by what it
/// stands for when the vendor names it so, as submitted otherwise.
pub fn next_status(statuses: &OrderStatuses, fate: Fate, current: &str) -> Option<&'static str> {
    let stage = statuses
        .canonical(current)
        .unwrap_or(OrderStatus::Submitted);
    match (stage, fate) {
        (OrderStatus::Submitted, Fate::Rejected) => Some(statuses.cancelled),
        (OrderStatus::Submitted, _) => Some(statuses.confirmed),
        (OrderStatus::Confirmed, _) => Some(statuses.ready),
        (OrderStatus::Ready, Fate::Cancelled) => Some(statuses.cancelled),
        (OrderStatus::Ready, _) => Some(statuses.completed),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATUSES: OrderStatuses = OrderStatuses {
        submitted: "new",
        confirmed: "accepted",
        ready: "ready",
        completed: "done",
        cancelled: "void",
        all: &["new", "review", "accepted", "ready", "done", "void"],
    };

    fn walk(fate: Fate) -> Vec<&'static str> {
        let mut path = Vec::new();
        let mut current = STATUSES.submitted;
        while let Some(next) = next_status(&STATUSES, fate, current) {
            path.push(next);
            current = next;
        }
        path
    }

    #[test]
    fn each_fate_walks_the_vendor_statuses() {
        assert_eq!(walk(Fate::Completed), ["accepted", "ready", "done"]);
        assert_eq!(walk(Fate::Rejected), ["void"]);
        assert_eq!(walk(Fate::Cancelled), ["accepted", "ready", "void"]);
    }

    #[test]
    fn an_unnamed_vendor_status_counts_as_submitted() {
        assert_eq!(
            next_status(&STATUSES, Fate::Completed, "review"),
            Some("accepted")
        );
    }

    #[test]
    fn fates_follow_the_seed_and_the_rate() {
        let refs: Vec<String> = (0..400).map(|i| format!("order-{i}")).collect();
        let fates = |seed, percent| -> Vec<Fate> {
            refs.iter().map(|r| Fate::of(seed, r, percent)).collect()
        };
        assert_eq!(fates(7, 20), fates(7, 20), "same seed, same fates");
        assert_ne!(fates(7, 20), fates(8, 20), "another seed, other fates");
        assert!(fates(7, 0).iter().all(|f| *f == Fate::Completed));
        assert!(fates(7, 100).iter().all(|f| *f != Fate::Completed));
        let ended = fates(7, 20)
            .iter()
            .filter(|f| **f != Fate::Completed)
            .count();
        assert!((40..=120).contains(&ended), "{ended} of 400 at 20%");
    }
}
