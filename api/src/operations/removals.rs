//! A removal reaches every server at once: the process that removes a registration
//! publishes its hash on the event bus ([`announce`]), and each server's [`Safelist`]
//! forgets the hash as the event arrives ([`Safelist::forget_removed`]). Over Redis that
//! is every replica, and `canopy operations remove` too when it is given `REDIS_URL`;
//! without Redis a removal made elsewhere is seen when the cached entry expires.
//!
//! [`Safelist`]: super::Safelist
//! [`Safelist::forget_removed`]: super::Safelist::forget_removed

use serde::{Deserialize, Serialize};

use crate::events::{EventBus, EventBusExt, Topic};

/// Where removals are announced.
pub const REMOVED_TOPIC: Topic<Removed> = Topic::new("operations.removed");

/// A registration was removed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Removed {
    /// The removed document's hash.
    pub hash: String,
}

/// Tells every server that `hash` was removed. A failed publish is logged: servers that
/// miss it forget the hash when their cached entry expires.
pub async fn announce(events: &dyn EventBus, hash: &str) {
    let removed = Removed {
        hash: hash.to_owned(),
    };
    if let Err(error) = events.publish_event(&REMOVED_TOPIC, &removed).await {
        tracing::warn!(%error, "could not announce a persisted operation's removal; servers forget it within a minute");
    }
}
