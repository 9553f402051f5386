//! Coalescing of concurrent misses: while one request executes a cacheable query, the
//! others asking for the same entry wait for its response instead of executing it again,
//! so an invalidation under load costs one execution per replica, not one per request.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
};

use bytes::Bytes;
use tokio::sync::watch;

/// The misses being executed, by entry key.
#[derive(Default)]
pub(super) struct Flights {
    inflight: Mutex<HashMap<String, watch::Receiver<Option<Bytes>>>>,
}

/// A request's place in the flight of its entry.
pub(super) enum Flight {
    /// This request executes; the others wait for what it lands.
    Leader(Leader),
    /// Another request executes; this one waits for the entry it lands.
    Follower(watch::Receiver<Option<Bytes>>),
}

impl Flights {
    /// Joins the flight of `key`, leading it when none is under way.
    pub(super) fn join(self: &Arc<Self>, key: &str) -> Flight {
        let mut inflight = self.inflight.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(receiver) = inflight.get(key) {
            return Flight::Follower(receiver.clone());
        }
        let (sender, receiver) = watch::channel(None);
        inflight.insert(key.to_owned(), receiver);
        Flight::Leader(Leader {
            flights: Arc::clone(self),
            key: key.to_owned(),
            sender,
        })
    }
}

/// The executing request of a flight. Dropping it without [`Leader::land`] (the response
/// was not cacheable, or the request was cancelled) releases the followers to execute on
/// their own.
pub(super) struct Leader {
    flights: Arc<Flights>,
    key: String,
    sender: watch::Sender<Option<Bytes>>,
}

impl Leader {
    /// The entry key the flight is for.
    pub(super) fn key(&self) -> &str {
        &self.key
    }

    /// Hands the stored entry to every follower.
    pub(super) fn land(self, entry: Bytes) {
        // No follower listening is fine: the entry is in the cache for later requests.
        let _ = self.sender.send(Some(entry));
    }
}

impl Drop for Leader {
    fn drop(&mut self) {
        self.flights
            .inflight
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&self.key);
    }
}

/// The entry a flight's leader lands; `None` when it landed none.
pub(super) async fn wait(mut follower: watch::Receiver<Option<Bytes>>) -> Option<Bytes> {
    follower
        .wait_for(Option::is_some)
        .await
        .ok()
        .and_then(|entry| entry.clone())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use bytes::Bytes;

    use super::{Flight, Flights, wait};

    #[tokio::test]
    async fn followers_get_what_the_leader_lands() {
        let flights = Arc::new(Flights::default());
        let Flight::Leader(leader) = flights.join("k") else {
            panic!("the first request leads");
        };
        let Flight::Follower(follower) = flights.join("k") else {
            panic!("the second request follows");
        };
        assert!(matches!(flights.join("other"), Flight::Leader(_)));
        leader.land(Bytes::from_static(b"entry"));
        assert_eq!(wait(follower).await, Some(Bytes::from_static(b"entry")));
        assert!(
            matches!(flights.join("k"), Flight::Leader(_)),
            "the flight ended"
        );
    }

    #[tokio::test]
    async fn a_leader_that_lands_nothing_releases_its_followers() {
        let flights = Arc::new(Flights::default());
        let Flight::Leader(leader) = flights.join("k") else {
            panic!("the first request leads");
        };
        let Flight::Follower(follower) = flights.join("k") else {
            panic!("the second request follows");
        };
        drop(leader);
        assert_eq!(wait(follower).await, None);
    }
}
