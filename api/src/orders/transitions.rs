//! The one table of order status transitions, shared by checkout, delivery and the
//! status sync: which moves are possible, and which statuses still hold stock reserved.
//!
//! Forward moves along the lifecycle may skip steps (a poll can miss intermediate
//! statuses), nothing moves backwards, CANCELLED is reachable from every status before
//! COMPLETED, RETURNED only after DELIVERED or COMPLETED, FAILED only before the POS
//! confirmed the order, and the end states (CANCELLED, RETURNED, FAILED) are final
//! except for an admin's retry of a FAILED delivery ([`allowed_for_admin_retry`]).

use entities::enums::OrderStatus;

/// Position along the happy path; `None` for the end states off it.
const fn rank(status: OrderStatus) -> Option<u8> {
    match status {
        OrderStatus::Pending => Some(0),
        OrderStatus::Submitted => Some(1),
        OrderStatus::Confirmed => Some(2),
        OrderStatus::Ready | OrderStatus::Shipped => Some(3),
        OrderStatus::Delivered => Some(4),
        OrderStatus::Completed => Some(5),
        OrderStatus::Cancelled | OrderStatus::Returned | OrderStatus::Failed => None,
    }
}

/// Whether an order may move from `from` to `to` (a status never "moves" to itself).
pub const fn allowed(from: OrderStatus, to: OrderStatus) -> bool {
    match (rank(from), to) {
        // the end states are final
        (None, _) => false,
        (Some(_), OrderStatus::Cancelled) => !matches!(from, OrderStatus::Completed),
        (Some(_), OrderStatus::Returned) => {
            matches!(from, OrderStatus::Delivered | OrderStatus::Completed)
        }
        (Some(_), OrderStatus::Failed) => {
            matches!(from, OrderStatus::Pending | OrderStatus::Submitted)
        }
        (Some(from_rank), _) => match rank(to) {
            // READY and SHIPPED share a rank: pickup or delivery, never both
            Some(to_rank) => to_rank > from_rank,
            None => false,
        },
    }
}

/// Whether a report of `reported` comes late: the order has already passed it (a
/// webhook or poll delivered after a newer one). Such a report is ignored, not refused:
/// statuses reach Canopy out of order, and an older one says nothing new. A FAILED order
/// has passed nothing (the POS never confirmed it), so a POS status after it is news.
pub const fn is_behind(current: OrderStatus, reported: OrderStatus) -> bool {
    match (rank(current), rank(reported)) {
        (Some(current_rank), Some(reported_rank)) => reported_rank < current_rank,
        // cancelled or returned after any step of the happy path; returned after completed
        (None, Some(_)) => matches!(current, OrderStatus::Cancelled | OrderStatus::Returned),
        (None, None) => false,
        (Some(_), None) => false,
    }
}

/// Whether an admin may move a FAILED order back to PENDING to deliver it again.
pub const fn allowed_for_admin_retry(from: OrderStatus, to: OrderStatus) -> bool {
    matches!(from, OrderStatus::Failed) && matches!(to, OrderStatus::Pending)
}

/// Whether an order in `status` still holds stock reserved: from placement until the
/// POS has sold it (COMPLETED) or it ended otherwise.
pub const fn holds_reservation(status: OrderStatus) -> bool {
    !matches!(
        status,
        OrderStatus::Completed
            | OrderStatus::Cancelled
            | OrderStatus::Returned
            | OrderStatus::Failed
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrderStatus::*;

    #[test]
    fn late_reports_of_passed_statuses_are_behind() {
        for (current, reported) in [
            (Completed, Ready),
            (Completed, Confirmed),
            (Ready, Submitted),
            (Cancelled, Confirmed),
            (Returned, Completed),
        ] {
            assert!(is_behind(current, reported), "{current:?} <- {reported:?}");
        }
        for (current, reported) in [
            (Ready, Completed),
            (Ready, Shipped),
            (Failed, Confirmed),
            (Completed, Cancelled),
            (Cancelled, Failed),
            (Ready, Ready),
        ] {
            assert!(!is_behind(current, reported), "{current:?} <- {reported:?}");
        }
    }

    #[test]
    fn the_happy_paths_are_allowed_and_may_skip_steps() {
        for (from, to) in [
            (Pending, Submitted),
            (Submitted, Confirmed),
            (Confirmed, Ready),
            (Confirmed, Shipped),
            (Shipped, Delivered),
            (Delivered, Completed),
            (Ready, Completed),
            (Submitted, Completed),
            (Completed, Returned),
            (Delivered, Returned),
            (Pending, Failed),
            (Submitted, Cancelled),
            (Delivered, Cancelled),
        ] {
            assert!(allowed(from, to), "{from:?} -> {to:?}");
        }
    }

    #[test]
    fn impossible_moves_are_refused() {
        for (from, to) in [
            (Delivered, Pending),
            (Completed, Confirmed),
            (Ready, Shipped),
            (Completed, Cancelled),
            (Cancelled, Submitted),
            (Returned, Completed),
            (Failed, Submitted),
            (Confirmed, Failed),
            (Submitted, Returned),
            (Ready, Ready),
        ] {
            assert!(!allowed(from, to), "{from:?} -> {to:?}");
        }
        assert!(allowed_for_admin_retry(Failed, Pending));
        assert!(!allowed_for_admin_retry(Cancelled, Pending));
    }
}
