//! One set of client-side limiters per connection per process.
//!
//! A vendor counts its rate limit per account, not per client object, while a process
//! builds several adapters for one connection: the sync worker's, order delivery's, the
//! webhook receiver's, an admin's on-demand sync. Each adapter has its own
//! [`HttpPolicy`](super::HttpPolicy), but they all draw on the [`Limiters`] this module
//! hands out for the connection, so together they keep to the vendor's documented rate
//! (Treez's 10 calls a second) instead of each spending it in full and meeting 429s.
//!
//! Limiters live as long as some policy holds them; an entry whose policies are all gone
//! is pruned on the next lookup. A policy built with different limits (the admin changed
//! the connection's overrides) gets fresh limiters, which later policies then share.

use std::{
    collections::HashMap,
    sync::{Arc, LazyLock, Mutex, PoisonError, Weak},
};

use uuid::Uuid;

use super::{config::RateLimit, limiter::Limiters};

/// The limits one set of limiters was built for.
#[derive(PartialEq, Eq)]
struct Built {
    limits: Vec<RateLimit>,
    low_remaining: u32,
}

/// Live limiters by connection, with the limits they were built for.
type Registry = HashMap<Uuid, (Built, Weak<Limiters>)>;

static REGISTRY: LazyLock<Mutex<Registry>> = LazyLock::new(Mutex::default);

/// The limiters every policy of `connection_id` in this process shares, built for
/// `limits` and `low_remaining` when none with those limits are alive.
pub(super) fn for_connection(
    connection_id: Uuid,
    limits: &[RateLimit],
    low_remaining: u32,
) -> Arc<Limiters> {
    let wanted = Built {
        limits: limits.to_vec(),
        low_remaining,
    };
    let mut registry = REGISTRY.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((built, limiters)) = registry.get(&connection_id)
        && *built == wanted
        && let Some(limiters) = limiters.upgrade()
    {
        return limiters;
    }
    registry.retain(|_, (_, limiters)| limiters.strong_count() > 0);
    let limiters = Arc::new(Limiters::new(limits, low_remaining));
    registry.insert(connection_id, (wanted, Arc::downgrade(&limiters)));
    limiters
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn limits(per_second: u32) -> Vec<RateLimit> {
        vec![RateLimit::new("b", per_second, Duration::from_secs(1))]
    }

    #[test]
    fn policies_of_one_connection_share_its_limiters() {
        let connection = Uuid::new_v4();
        let first = for_connection(connection, &limits(10), 0);
        let second = for_connection(connection, &limits(10), 0);
        assert!(Arc::ptr_eq(&first, &second));
        let other = for_connection(Uuid::new_v4(), &limits(10), 0);
        assert!(!Arc::ptr_eq(&first, &other));
    }

    #[test]
    fn changed_limits_get_fresh_limiters() {
        let connection = Uuid::new_v4();
        let before = for_connection(connection, &limits(10), 0);
        let after = for_connection(connection, &limits(5), 0);
        assert!(!Arc::ptr_eq(&before, &after));
        assert!(Arc::ptr_eq(
            &after,
            &for_connection(connection, &limits(5), 0)
        ));
    }

    #[test]
    fn limiters_nobody_holds_are_forgotten() {
        let connection = Uuid::new_v4();
        drop(for_connection(connection, &limits(10), 0));
        // the next lookup of any connection prunes the dead entry
        let _other = for_connection(Uuid::new_v4(), &limits(10), 0);
        let registry = REGISTRY.lock().unwrap_or_else(PoisonError::into_inner);
        assert!(!registry.contains_key(&connection));
    }
}
