//! Alert notifications beyond the API, the admin page and the logs: an optional signed
//! webhook per severity ([`webhook`]) and optional e-mail ([`email`]).
//!
//! The [`Notifier`] listens on the event bus for newly opened alerts
//! ([`crate::events::alert::ALERT_TOPIC`], published where alerts are raised) and
//! delivers each to every channel that wants its severity, with a timeout per attempt
//! and a bounded number of retries with exponential backoff for transient failures.
//! Delivery failures are logged (without URLs, which may carry tokens) and dropped:
//! the alert itself stays in the database and on the admin page. It owns no state and
//! never reads the database.

pub mod email;
pub mod webhook;

use std::sync::Arc;

use backon::{ExponentialBuilder, Retryable};
use futures::StreamExt;
use secrecy::SecretString;
use tokio_util::{sync::CancellationToken, task::TaskTracker};
use url::Url;

pub use self::{email::EmailChannel, webhook::WebhookChannel};
pub use crate::config::{NotifyConfig, Severity};
use crate::{
    config::Secret,
    events::{
        EventBusExt, Received, SharedEventBus,
        alert::{ALERT_TOPIC, AlertEvent},
    },
};

/// Why a notification could not be set up or delivered. Never carries a URL or secret.
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    /// The notification settings are unusable.
    #[error("alert notifications: {0}")]
    Config(&'static str),
    /// The HTTP client could not be built.
    #[error("alert webhook client: {0}")]
    Client(#[source] reqwest::Error),
    /// The signing key was refused.
    #[error("alert webhook signing key refused")]
    SigningKey,
    /// A webhook delivery failed.
    #[error("alert webhook: {reason}")]
    Webhook {
        /// Whether a retry may succeed.
        transient: bool,
        /// What happened.
        reason: String,
    },
    /// An e-mail delivery failed.
    #[error("alert e-mail: {reason}")]
    Email {
        /// Whether a retry may succeed.
        transient: bool,
        /// What happened.
        reason: &'static str,
    },
}

impl NotifyError {
    /// Whether trying again may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Self::Webhook {
                transient: true,
                ..
            } | Self::Email {
                transient: true,
                ..
            }
        )
    }
}

/// Delivers alerts to the configured channels.
pub struct Notifier {
    webhook: Option<WebhookChannel>,
    email: Option<EmailChannel>,
    /// When to retry a failed delivery.
    backoff: ExponentialBuilder,
}

impl Notifier {
    /// The notifier `config` describes; `None` when no channel is configured.
    pub fn from_config(config: &NotifyConfig) -> Result<Option<Self>, NotifyError> {
        let webhook = webhook_channel(config)?;
        let email = match (&config.alert_smtp_url, &config.alert_email_from) {
            (Some(url), Some(from)) => Some(EmailChannel::new(
                url.expose(),
                from,
                &config.alert_email_to,
                config.alert_email_min_severity,
                config.notify_timeout,
            )?),
            (None, None) => None,
            _ => {
                return Err(NotifyError::Config(
                    "CANOPY_ALERT_SMTP_URL and CANOPY_ALERT_EMAIL_FROM go together",
                ));
            }
        };
        Ok((webhook.is_some() || email.is_some()).then(|| Self {
            webhook,
            email,
            backoff: ExponentialBuilder::default()
                .with_min_delay(config.notify_min_backoff)
                .with_max_delay(config.notify_max_backoff)
                .with_max_times(config.notify_retries)
                .with_jitter(),
        }))
    }

    /// Delivers `alert` to every channel that wants its severity; failures are logged.
    pub async fn notify(&self, alert: &AlertEvent) {
        let severity = Severity::from(alert.severity);
        if let Some(webhook) = self.webhook.as_ref().filter(|w| w.wants(severity)) {
            match serde_json::to_vec(alert) {
                Ok(body) => {
                    let sent = (|| webhook.send(severity, &body))
                        .retry(self.backoff)
                        .when(NotifyError::is_transient)
                        .await;
                    self.report("webhook", alert, sent);
                }
                Err(error) => tracing::error!(%error, "alert webhook body could not be encoded"),
            }
        }
        if let Some(email) = self.email.as_ref().filter(|e| e.wants(severity)) {
            let sent = (|| email.send(alert))
                .retry(self.backoff)
                .when(NotifyError::is_transient)
                .await;
            self.report("email", alert, sent);
        }
    }

    /// Delivers every alert opened from now on until `shutdown`, each in its own task
    /// on `tracker` so a slow receiver does not hold up the next alert.
    pub fn start(
        self,
        events: &SharedEventBus,
        tracker: &TaskTracker,
        shutdown: CancellationToken,
    ) {
        let notifier = Arc::new(self);
        let mut alerts = events.subscribe_events(&ALERT_TOPIC);
        let spawner = tracker.clone();
        tracker.spawn(async move {
            loop {
                let received = tokio::select! {
                    () = shutdown.cancelled() => break,
                    received = alerts.next() => received,
                };
                match received {
                    Some(Received::Event(alert)) => {
                        let notifier = notifier.clone();
                        spawner.spawn(async move { notifier.notify(&alert).await });
                    }
                    Some(Received::Lagged { skipped }) => {
                        tracing::warn!(
                            skipped,
                            "alert notifications skipped: the notifier fell behind"
                        );
                    }
                    None => break,
                }
            }
        });
    }

    fn report(&self, channel: &'static str, alert: &AlertEvent, sent: Result<(), NotifyError>) {
        match sent {
            Ok(()) => {
                tracing::info!(channel, alert = %alert.id, kind = %alert.kind, "alert notification sent")
            }
            Err(error) => {
                tracing::warn!(channel, alert = %alert.id, kind = %alert.kind, %error, "alert notification failed")
            }
        }
    }
}

/// The webhook channel of `config`, when any webhook URL is set.
fn webhook_channel(config: &NotifyConfig) -> Result<Option<WebhookChannel>, NotifyError> {
    let parse = |url: &Option<Secret>| {
        url.as_ref()
            .map(|url| {
                Url::parse(url.expose())
                    .ok()
                    .filter(|url| matches!(url.scheme(), "http" | "https"))
                    .ok_or(NotifyError::Config(
                        "an alert webhook URL is not an http(s) URL",
                    ))
            })
            .transpose()
    };
    let urls = [
        parse(&config.alert_webhook_info)?,
        parse(&config.alert_webhook_warning)?,
        parse(&config.alert_webhook_critical)?,
    ];
    if urls.iter().all(Option::is_none) {
        return Ok(None);
    }
    let secret = config
        .alert_webhook_secret
        .as_ref()
        .ok_or(NotifyError::Config(
            "alert webhooks need CANOPY_ALERT_WEBHOOK_SECRET",
        ))?;
    let secret = SecretString::from(secret.expose().to_owned());
    WebhookChannel::new(urls, secret, config.notify_timeout).map(Some)
}
