//! How the outbox sender paces itself: polling, batch size, backoff and dead letter.

use std::time::Duration;

use clap::Args;

/// Outbox sender settings (flags and environment variables).
#[derive(Args, Clone, Debug, PartialEq, Eq)]
pub struct OutboxConfig {
    /// Time between looks for due outbox rows when the last look found none.
    #[arg(long = "outbox-poll-interval", env = "CANOPY_OUTBOX_POLL_INTERVAL", default_value = "500ms", value_parser = humantime::parse_duration, global = true)]
    pub poll_interval: Duration,

    /// Rows one sender claims at a time.
    #[arg(
        long = "outbox-batch",
        env = "CANOPY_OUTBOX_BATCH",
        default_value_t = 32,
        global = true
    )]
    pub batch: u32,

    /// Rows of a claimed batch sent concurrently.
    #[arg(
        long = "outbox-concurrency",
        env = "CANOPY_OUTBOX_CONCURRENCY",
        default_value_t = 8,
        global = true
    )]
    pub concurrency: usize,

    /// Attempts before a row is dead-lettered (and its order marked FAILED); a row failing
    /// for a reason that may pass is also kept for `--outbox-give-up-after`.
    #[arg(
        long = "outbox-max-attempts",
        env = "CANOPY_OUTBOX_MAX_ATTEMPTS",
        default_value_t = 8,
        global = true
    )]
    pub max_attempts: i32,

    /// A row that keeps failing for a reason that may pass (its POS down, timing out or
    /// rate limiting) is retried for at least this long, however many attempts that
    /// takes, before it is dead-lettered. Longer than `--reservation-ttl`, an order
    /// waiting for a POS that is down is delivered when the POS returns, or expired
    /// (CANCELLED, stock released) when its reservation runs out, never FAILED.
    #[arg(long = "outbox-give-up-after", env = "CANOPY_OUTBOX_GIVE_UP_AFTER", default_value = "45m", value_parser = humantime::parse_duration, global = true)]
    pub give_up_after: Duration,

    /// Backoff before the second attempt; doubles with each attempt (full jitter).
    #[arg(long = "outbox-base-backoff", env = "CANOPY_OUTBOX_BASE_BACKOFF", default_value = "1s", value_parser = humantime::parse_duration, global = true)]
    pub base_backoff: Duration,

    /// Longest backoff between two attempts.
    #[arg(long = "outbox-max-backoff", env = "CANOPY_OUTBOX_MAX_BACKOFF", default_value = "5m", value_parser = humantime::parse_duration, global = true)]
    pub max_backoff: Duration,

    /// How long a claim lasts: a row whose sender died is claimed again after it.
    /// Longer than any one send (the adapters' timeouts and retries).
    #[arg(long = "outbox-claim-lease", env = "CANOPY_OUTBOX_CLAIM_LEASE", default_value = "2m", value_parser = humantime::parse_duration, global = true)]
    pub claim_lease: Duration,

    /// An outbox row due longer ago than this counts as stuck: `canopy check` reports it
    /// and the reconciler raises an alert.
    #[arg(long = "outbox-stuck-after", env = "CANOPY_OUTBOX_STUCK_AFTER", default_value = "15m", value_parser = humantime::parse_duration, global = true)]
    pub stuck_after: Duration,
}

impl Default for OutboxConfig {
    /// The clap defaults, without flags or environment.
    fn default() -> Self {
        super::clap_defaults()
    }
}
