//! A POS that stops answering while orders wait for it: after [`ALERT_AFTER`] failed
//! attempts at one row, a `pos_unreachable` alert (one per connection) says orders are
//! queued and backing off; the first delivery the POS takes again resolves it.

use entities::{enums::AlertSeverity, outbox};
use uuid::Uuid;

use super::SendError;
use crate::alerts::NewAlert;

/// Failed attempts at one row before the connection's alert opens.
pub const ALERT_AFTER: i32 = 3;

/// The alert's kind.
const KIND: &str = "pos_unreachable";

/// The condition of `connection` not answering.
pub fn condition(connection: Uuid) -> String {
    format!("{KIND}:{connection}")
}

/// The alert for `row`'s failed attempt, once it has failed often enough and the POS
/// (rather than Canopy) is the cause.
pub fn alert(row: &outbox::Model, error: &SendError) -> Option<NewAlert> {
    let SendError::Provider(cause) = error else {
        return None;
    };
    (row.attempts >= ALERT_AFTER).then(|| NewAlert {
        severity: AlertSeverity::Critical,
        kind: KIND,
        connection_id: Some(cause.connection_id),
        product_id: None,
        location_id: None,
        message: "the POS is not taking deliveries: they are queued and retried with backoff"
            .to_owned(),
        details: serde_json::json!({
            "outboxId": row.id,
            "kind": row.kind,
            "attempts": row.attempts,
            "error": cause.to_string(),
        }),
        dedupe_key: condition(cause.connection_id),
    })
}
