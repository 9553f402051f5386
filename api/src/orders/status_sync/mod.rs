//! The order status sync: what each POS says about Canopy's orders, brought back.
//!
//! Each adapter maps its vendor's statuses onto `OrderStatus` (keeping the vendor's own
//! text); [`apply`] checks the shared transition table, stores the change as an order
//! event with its source, releases reservations when an order ends or the POS has sold
//! it, and publishes on the `order` topic. Statuses arrive by polling ([`poller`]:
//! Dutchie, Dispense) or by webhook ([`webhook`]: Jane); returns made at the register
//! arrive as return transactions in the synced purchases ([`pos_returns`]).

pub mod apply;
pub mod poller;
pub mod pos_returns;
pub mod reported;
pub mod returns;
pub mod webhook;

pub use self::{
    apply::{Applied, Observation, StatusApplier},
    poller::StatusPoller,
};
pub use crate::config::StatusSyncConfig;
