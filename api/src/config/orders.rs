//! Order settings: checkout (order size limits, how long a reservation waits for the POS,
//! how often expired reservations are swept, the fallback minimum age) and how order
//! statuses are polled from the POSes.

use std::time::Duration;

use clap::Args;
use providers::http::BudgetShare;

/// Checkout settings (flags and environment variables).
#[derive(Args, Clone, Debug, PartialEq, Eq)]
pub struct CheckoutConfig {
    /// Most units of one product on one order.
    #[arg(
        long = "order-max-quantity",
        env = "CANOPY_ORDER_MAX_QUANTITY",
        default_value_t = 100,
        global = true
    )]
    pub max_quantity: i32,

    /// Most lines on one order.
    #[arg(
        long = "order-max-lines",
        env = "CANOPY_ORDER_MAX_LINES",
        default_value_t = 50,
        global = true
    )]
    pub max_lines: usize,

    /// Longest idempotency key accepted.
    #[arg(
        long = "order-max-idempotency-key",
        env = "CANOPY_ORDER_MAX_IDEMPOTENCY_KEY",
        default_value_t = 128,
        global = true
    )]
    pub max_idempotency_key: usize,

    /// How long stock stays reserved for an order the POS has not taken (still PENDING).
    #[arg(long = "reservation-ttl", env = "CANOPY_RESERVATION_TTL", default_value = "30m", value_parser = humantime::parse_duration, global = true)]
    pub reservation_ttl: Duration,

    /// Time between sweeps for expired reservations.
    #[arg(long = "reservation-sweep-interval", env = "CANOPY_RESERVATION_SWEEP_INTERVAL", default_value = "15s", value_parser = humantime::parse_duration, global = true)]
    pub sweep_interval: Duration,

    /// Time between two runs of the reconciler (checks the invariants, releases leaked
    /// reservations, alerts on the rest).
    #[arg(long = "reconcile-interval", env = "CANOPY_RECONCILE_INTERVAL", default_value = "5m", value_parser = humantime::parse_duration, global = true)]
    pub reconcile_interval: Duration,

    /// Minimum age where the location's jurisdiction has no age rule for the market.
    #[arg(
        long = "default-min-age",
        env = "CANOPY_DEFAULT_MIN_AGE",
        default_value_t = 21,
        global = true
    )]
    pub default_min_age: i32,
}

impl Default for CheckoutConfig {
    /// The clap defaults, without flags or environment.
    fn default() -> Self {
        super::clap_defaults()
    }
}

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
        super::clap_defaults()
    }
}
