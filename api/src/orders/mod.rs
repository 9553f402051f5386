//! Online orders: placement (validation, compliance, reservation and the outbox row in
//! one transaction), cancellation, returns and reservation expiry (checkout), the shared
//! status transition table, and the status sync that brings the POS's changes back.
//! Delivery to the POS is the `outbox` module's, which calls into this module, never the
//! other way round.

pub mod cancel;
pub mod events;
pub mod expiry;
pub mod input;
pub mod place;
pub mod preview;
pub mod reservations;
pub mod returns;
pub mod sale;
pub mod status_sync;
pub mod transitions;
pub mod txn;
