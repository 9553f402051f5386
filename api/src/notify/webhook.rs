//! Alert webhooks: a JSON POST per alert to the URL configured for its severity,
//! signed so the receiver can check it came from us and is fresh.
//!
//! Signature: `X-Canopy-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`
//! with `X-Canopy-Timestamp: <unix seconds>`; receivers should reject timestamps more
//! than a few minutes old.

use std::time::Duration;

use hmac::{Hmac, Mac};
use reqwest::{Client, StatusCode, header::CONTENT_TYPE};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;
use url::Url;

use super::{NotifyError, Severity};

/// The header carrying the signature.
pub const SIGNATURE_HEADER: &str = "x-canopy-signature";
/// The header carrying the signing time (Unix seconds).
pub const TIMESTAMP_HEADER: &str = "x-canopy-timestamp";

/// `sha256=<hex>` of HMAC-SHA256 over `"<timestamp>.<body>"` keyed with `secret`.
pub fn signature(secret: &[u8], timestamp: i64, body: &[u8]) -> Result<String, NotifyError> {
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(secret).map_err(|_| NotifyError::SigningKey)?;
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Ok(format!(
        "sha256={}",
        hex::encode(mac.finalize().into_bytes())
    ))
}

/// The webhook channel: one URL per severity (each optional) and the signing key.
pub struct WebhookChannel {
    client: Client,
    info: Option<Url>,
    warning: Option<Url>,
    critical: Option<Url>,
    secret: SecretString,
}

impl WebhookChannel {
    /// A channel posting to the given URLs with `timeout` per attempt.
    pub fn new(
        urls: [Option<Url>; 3],
        secret: SecretString,
        timeout: Duration,
    ) -> Result<Self, NotifyError> {
        let client = Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(NotifyError::Client)?;
        let [info, warning, critical] = urls;
        Ok(Self {
            client,
            info,
            warning,
            critical,
            secret,
        })
    }

    /// Whether alerts of `severity` are posted.
    pub fn wants(&self, severity: Severity) -> bool {
        self.url(severity).is_some()
    }

    fn url(&self, severity: Severity) -> Option<&Url> {
        match severity {
            Severity::Info => self.info.as_ref(),
            Severity::Warning => self.warning.as_ref(),
            Severity::Critical => self.critical.as_ref(),
        }
    }

    /// One delivery attempt of `body` for an alert of `severity`.
    pub async fn send(&self, severity: Severity, body: &[u8]) -> Result<(), NotifyError> {
        let Some(url) = self.url(severity) else {
            return Ok(());
        };
        let timestamp = chrono::Utc::now().timestamp();
        let signature = signature(self.secret.expose_secret().as_bytes(), timestamp, body)?;
        let response = self
            .client
            .post(url.clone())
            .header(CONTENT_TYPE, "application/json")
            .header(TIMESTAMP_HEADER, timestamp)
            .header(SIGNATURE_HEADER, signature)
            .body(body.to_vec())
            .send()
            .await
            .map_err(|error| NotifyError::Webhook {
                transient: true,
                reason: without_url(&error),
            })?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        Err(NotifyError::Webhook {
            transient: status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS,
            reason: format!("the receiver answered {status}"),
        })
    }
}

/// A request error's description without its URL (webhook URLs often carry tokens).
fn without_url(error: &reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else {
        "request failed"
    };
    kind.to_owned()
}
