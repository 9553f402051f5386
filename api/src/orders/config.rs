//! Checkout settings: order size limits, how long a reservation waits for the POS, how
//! often expired reservations are swept, and the fallback minimum age.

use std::time::Duration;

use clap::Args;

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
        crate::config::clap_defaults()
    }
}
