//! Online orders: placement (validation, compliance, reservation and the outbox row in
//! one transaction), cancellation, returns and reservation expiry (checkout), the shared
//! status transition table, and delivery to the POS through the outbox with the status
//! sync that brings the POS's changes back (delivery).

pub mod adapters;
pub mod cancel;
pub mod config;
pub mod delivery;
pub mod enqueue;
pub mod events;
pub mod expiry;
pub mod input;
pub mod outbox;
pub mod place;
pub mod reservations;
pub mod returns;
pub mod sale;
pub mod status_sync;
pub mod transitions;
pub mod txn;
