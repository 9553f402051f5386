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

use std::time::Duration;

use clap::Args;
use providers::http::BudgetShare;

pub use self::{
    apply::{Applied, Observation, StatusApplier},
    poller::StatusPoller,
};

/// Status polling settings (flags and environment variables).
#[derive(Args, Clone, Debug, PartialEq, Eq)]
pub struct StatusSyncConfig {
    /// Time between two rounds of order status polls.
    #[arg(id = "order_status_interval", long = "order-status-interval", env = "CANOPY_ORDER_STATUS_INTERVAL", default_value = "15s", value_parser = humantime::parse_duration, global = true)]
    pub poll_interval: Duration,

    /// Orders of one connection polled concurrently.
    #[arg(
        id = "order_status_concurrency",
        long = "order-status-concurrency",
        env = "CANOPY_ORDER_STATUS_CONCURRENCY",
        default_value_t = 4,
        global = true
    )]
    pub concurrency: usize,

    /// The share of each POS connection's rate limit that status polls may use when
    /// order delivery draws on the same limit (a fraction in (0, 1]); polls also wait
    /// while a delivery is waiting, so open orders never starve new ones.
    #[arg(
        long = "status-poll-budget-share",
        env = "CANOPY_STATUS_POLL_BUDGET_SHARE",
        default_value_t = BudgetShare::HALF,
        global = true
    )]
    pub poll_budget_share: BudgetShare,
}

impl Default for StatusSyncConfig {
    /// The clap defaults, without flags or environment.
    fn default() -> Self {
        crate::config::clap_defaults()
    }
}
