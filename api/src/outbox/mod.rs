//! The outbox sender: delivers what the domain wrote to the `outbox` table (through
//! [`crate::events::outbox`], in the same transaction as the change) to the POS through
//! its adapter, exactly once in effect: order submissions, cancellations and returns,
//! and customer profile pushes.
//!
//! It sits above the domain modules and calls them; they never import it.
//! - [`queue`]: claiming due rows (`FOR UPDATE SKIP LOCKED` on PostgreSQL) and settling
//!   attempts, with the backoff persisted in `next_attempt_at`;
//! - [`send`]: one attempt at one row, routed by kind to the order handlers (`order`;
//!   the POS is idempotent on our order id) or to [`customer_push`];
//! - `submission`: what a POS needs to take an order or a customer;
//! - [`backoff`]: exponential backoff with full jitter;
//! - [`dead_letter`]: after `max_attempts` or a permanent refusal, FAILED + alert;
//! - [`unreachable`]: a POS that keeps failing deliveries raises one alert until it
//!   takes one again;
//! - [`retry`]: an admin's `retryOrderDelivery`;
//! - [`sender`]: the loop started with the background workers;
//! - [`delivery`]: the sender and the status poller assembled from the state.
//!
//! It never writes orders or reservations directly: status changes go through
//! [`crate::orders::status_sync::apply`].

pub mod backoff;
pub mod customer_push;
pub mod dead_letter;
pub mod delivery;
mod order;
pub mod queue;
pub mod retry;
pub mod send;
pub mod sender;
pub(crate) mod submission;
pub mod unreachable;

use providers::{ProviderError, ProviderErrorKind};
use sea_orm::DbErr;
use uuid::Uuid;

use crate::connections::ConnectionError;

pub use self::{send::Dispatcher, sender::OutboxSender};
pub use crate::config::OutboxConfig;

/// Why an attempt at an outbox row failed.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// The POS call failed (after the adapter's own retries).
    #[error(transparent)]
    Provider(#[from] ProviderError),
    /// The connection's adapter could not be built.
    #[error(transparent)]
    Connection(#[from] ConnectionError),
    /// A database failure.
    #[error("database: {0}")]
    Database(#[from] DbErr),
    /// The connection is disabled; the row waits until it is enabled again.
    #[error("the POS connection is disabled")]
    Disabled,
    /// Something this row depends on has not happened yet.
    #[error("waiting: {0}")]
    Waiting(String),
    /// The order cannot be sent as it stands (no POS ids, no connection).
    #[error("cannot be sent: {0}")]
    Unsendable(String),
    /// The row itself is malformed.
    #[error("bad outbox row: {0}")]
    BadPayload(String),
}

impl SendError {
    /// Whether a later attempt may succeed without anyone changing anything.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Provider(error) => error.is_transient(),
            Self::Connection(ConnectionError::Database(_))
            | Self::Database(_)
            | Self::Disabled
            | Self::Waiting(_) => true,
            Self::Connection(_) | Self::Unsendable(_) | Self::BadPayload(_) => false,
        }
    }

    /// The least wait before the next attempt: what a POS that refused for its rate
    /// limit asked for (a second when it said nothing), so retries do not keep its limit's
    /// window full; nothing for other failures.
    pub fn retry_floor(&self) -> std::time::Duration {
        match self {
            Self::Provider(ProviderError {
                kind: ProviderErrorKind::RateLimited { retry_after },
                ..
            }) => retry_after.unwrap_or(std::time::Duration::from_secs(1)),
            _ => std::time::Duration::ZERO,
        }
    }

    /// The POS connection concerned, when known.
    pub fn connection_id(&self) -> Option<Uuid> {
        match self {
            Self::Provider(error) => Some(error.connection_id),
            Self::Connection(ConnectionError::NotFound(id) | ConnectionError::BaseUrl(id)) => {
                Some(*id)
            }
            _ => None,
        }
    }
}
