//! Alert e-mail over SMTP (lettre, rustls on Tokio), for alerts at or above a severity.

use std::time::Duration;

use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor, message::Mailbox,
    message::header::ContentType,
};

use super::{NotifyError, Severity};
use crate::events::alert::AlertEvent;

/// The e-mail channel.
pub struct EmailChannel {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    to: Vec<Mailbox>,
    min_severity: Severity,
}

impl EmailChannel {
    /// A channel sending through the SMTP server at `url` (`smtp://`, `smtps://`, with
    /// credentials in the URL), with `timeout` per SMTP command.
    pub fn new(
        url: &str,
        from: &str,
        to: &[String],
        min_severity: Severity,
        timeout: Duration,
    ) -> Result<Self, NotifyError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|_| NotifyError::Config("CANOPY_ALERT_SMTP_URL is not a valid SMTP URL"))?
            .timeout(Some(timeout))
            .build();
        let from = from
            .parse()
            .map_err(|_| NotifyError::Config("CANOPY_ALERT_EMAIL_FROM is not an e-mail address"))?;
        let to = to
            .iter()
            .map(|address| address.trim().parse())
            .collect::<Result<Vec<Mailbox>, _>>()
            .map_err(|_| NotifyError::Config("CANOPY_ALERT_EMAIL_TO has an invalid address"))?;
        if to.is_empty() {
            return Err(NotifyError::Config(
                "CANOPY_ALERT_EMAIL_TO names no recipient",
            ));
        }
        Ok(Self {
            transport,
            from,
            to,
            min_severity,
        })
    }

    /// Whether alerts of `severity` are e-mailed.
    pub fn wants(&self, severity: Severity) -> bool {
        severity >= self.min_severity
    }

    /// One delivery attempt of the e-mail for `alert`.
    pub async fn send(&self, alert: &AlertEvent) -> Result<(), NotifyError> {
        let severity = Severity::from(alert.severity);
        let mut message = Message::builder().from(self.from.clone()).subject(format!(
            "[Canopy {}] {}",
            severity.as_str(),
            alert.kind
        ));
        for recipient in &self.to {
            message = message.to(recipient.clone());
        }
        let message = message
            .header(ContentType::TEXT_PLAIN)
            .body(body(alert))
            .map_err(|_| NotifyError::Config("the alert e-mail could not be built"))?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|error| NotifyError::Email {
                transient: error.is_transient() || error.is_timeout(),
                reason: if error.is_timeout() {
                    "timed out"
                } else {
                    "the SMTP server refused or failed"
                },
            })
    }
}

/// The plain-text body of an alert e-mail.
fn body(alert: &AlertEvent) -> String {
    let mut text = format!(
        "{}\n\nSeverity: {}\nKind: {}\nRaised at: {}\nAlert id: {}\n",
        alert.message,
        Severity::from(alert.severity).as_str(),
        alert.kind,
        alert.at.to_rfc3339(),
        alert.id,
    );
    if let Some(connection) = alert.connection_id {
        text.push_str(&format!("Connection: {connection}\n"));
    }
    text.push_str("\nResolve it on the Canopy admin page (/admin).\n");
    text
}
