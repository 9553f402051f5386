//! Where alert notifications go: flags and environment variables.

use std::time::Duration;

use clap::{Args, ValueEnum};
use entities::enums::AlertSeverity;

use super::Secret;

/// Alert notification channels; all optional, nothing is sent when none is set.
#[derive(Args, Clone, Debug)]
pub struct NotifyConfig {
    /// Webhook URL receiving INFO alerts (signed JSON POST).
    #[arg(
        long,
        env = "CANOPY_ALERT_WEBHOOK_INFO",
        hide_env_values = true,
        global = true
    )]
    pub alert_webhook_info: Option<Secret>,

    /// Webhook URL receiving WARNING alerts (signed JSON POST).
    #[arg(
        long,
        env = "CANOPY_ALERT_WEBHOOK_WARNING",
        hide_env_values = true,
        global = true
    )]
    pub alert_webhook_warning: Option<Secret>,

    /// Webhook URL receiving CRITICAL alerts (signed JSON POST).
    #[arg(
        long,
        env = "CANOPY_ALERT_WEBHOOK_CRITICAL",
        hide_env_values = true,
        global = true
    )]
    pub alert_webhook_critical: Option<Secret>,

    /// Key of the HMAC-SHA256 signature on alert webhooks (required with any webhook URL).
    #[arg(
        long,
        env = "CANOPY_ALERT_WEBHOOK_SECRET",
        hide_env_values = true,
        global = true
    )]
    pub alert_webhook_secret: Option<Secret>,

    /// SMTP server for alert e-mail, for example `smtps://user:password@smtp.example.com`
    /// or `smtp://smtp.example.com:587?tls=required`.
    #[arg(
        long,
        env = "CANOPY_ALERT_SMTP_URL",
        hide_env_values = true,
        global = true
    )]
    pub alert_smtp_url: Option<Secret>,

    /// Sender of alert e-mail, for example `Canopy <alerts@example.com>`.
    #[arg(long, env = "CANOPY_ALERT_EMAIL_FROM", global = true)]
    pub alert_email_from: Option<String>,

    /// Recipients of alert e-mail, comma-separated.
    #[arg(
        long,
        env = "CANOPY_ALERT_EMAIL_TO",
        value_delimiter = ',',
        global = true
    )]
    pub alert_email_to: Vec<String>,

    /// Least severity that is e-mailed.
    #[arg(long, env = "CANOPY_ALERT_EMAIL_MIN_SEVERITY", value_enum, default_value_t = Severity::Warning, global = true)]
    pub alert_email_min_severity: Severity,

    /// Time allowed for one delivery attempt (webhook request or SMTP session).
    #[arg(long, env = "CANOPY_NOTIFY_TIMEOUT", default_value = "10s", value_parser = humantime::parse_duration, global = true)]
    pub notify_timeout: Duration,

    /// Retries of a failed delivery (with exponential backoff) before it is given up.
    #[arg(
        long,
        env = "CANOPY_NOTIFY_RETRIES",
        default_value_t = 3,
        global = true
    )]
    pub notify_retries: usize,

    /// Wait before the first retry of a failed delivery; it doubles with each retry
    /// (with jitter).
    #[arg(long, env = "CANOPY_NOTIFY_MIN_BACKOFF", default_value = "200ms", value_parser = humantime::parse_duration, global = true)]
    pub notify_min_backoff: Duration,

    /// Longest wait between two retries of a failed delivery.
    #[arg(long, env = "CANOPY_NOTIFY_MAX_BACKOFF", default_value = "10s", value_parser = humantime::parse_duration, global = true)]
    pub notify_max_backoff: Duration,
}

/// Alert severities, ordered from least to most severe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// Needs a look.
    Warning,
    /// Affects customers or orders now.
    Critical,
}

impl From<AlertSeverity> for Severity {
    fn from(severity: AlertSeverity) -> Self {
        match severity {
            AlertSeverity::Info => Self::Info,
            AlertSeverity::Warning => Self::Warning,
            AlertSeverity::Critical => Self::Critical,
        }
    }
}

impl Severity {
    /// The upper-case name, as in the API.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Info => "INFO",
            Self::Warning => "WARNING",
            Self::Critical => "CRITICAL",
        }
    }
}
