//! `testProviderConnection`: one call to the POS through the connection's adapter,
//! reporting what the credentials reach. A POS failure is a result (`ok: false` with a
//! code and message), not an error; the message is scrubbed of the connection's own
//! secrets in case a vendor echoes them.

use std::time::{Duration, Instant};

use providers::{ConnectionConfig, ProviderError, ProviderErrorKind, model::ConnectionReport};
use secrecy::ExposeSecret;
use serde_json::json;
use uuid::Uuid;

use super::{
    connections::{change_record, require},
    errors::from_connection,
};
use crate::{audit, connections, error::ApiError, secrets::Keyring, state::AppState};

/// What a connection test reached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProbeResult {
    /// The POS accepted the credentials.
    pub ok: bool,
    /// Who the credentials belong to, as the POS names it.
    pub identity: Option<String>,
    /// The stores the credentials see, as `(external id, name)`.
    pub locations: Vec<(String, String)>,
    /// Permissions or scopes the POS reports.
    pub permissions: Vec<String>,
    /// Why it failed, as a stable code (`UNAUTHORIZED`, `UNAVAILABLE` …).
    pub error_code: Option<&'static str>,
    /// Why it failed, for people.
    pub error_message: Option<String>,
    /// How long the test took.
    pub latency: Duration,
}

/// Tests connection `id` against its POS and audits the attempt.
pub async fn test_connection(
    state: &AppState,
    actor: &str,
    id: Uuid,
) -> Result<ProbeResult, ApiError> {
    let row = require(&state.db, id).await?;
    let keyring = Keyring::new(&state.master_key);
    let config = connections::connection_config(&keyring, &row).map_err(from_connection)?;
    let result = probe(config, state.config.admin.probe_timeout).await;
    let outcome = json!({
        "ok": result.ok,
        "identity": result.identity,
        "locations": result.locations.len(),
        "errorCode": result.error_code,
        "latencyMs": millis(result.latency),
    });
    audit::record(
        &state.db,
        change_record(actor, "provider_connection.test", id, None, Some(outcome)),
    )
    .await?;
    Ok(result)
}

/// Builds the adapter for `config` and asks the POS who we are, for at most `timeout`.
async fn probe(config: ConnectionConfig, timeout: Duration) -> ProbeResult {
    let started = Instant::now();
    let secrets: Vec<String> = std::iter::once(&config.api_key)
        .chain(config.api_secret.as_ref())
        .map(|secret| secret.expose_secret().to_owned())
        .filter(|secret| !secret.is_empty())
        .collect();
    let outcome = match providers::connect(config) {
        Ok(provider) => tokio::time::timeout(timeout, provider.test_connection())
            .await
            .unwrap_or_else(|_| Err(timeout_error())),
        Err(error) => Err(error),
    };
    let latency = started.elapsed();
    match outcome {
        Ok(report) => reached(report, latency),
        Err(error) => failed(&error, &secrets, latency),
    }
}

fn reached(report: ConnectionReport, latency: Duration) -> ProbeResult {
    ProbeResult {
        ok: true,
        identity: Some(report.identity),
        locations: report
            .locations
            .into_iter()
            .map(|location| (location.external_id, location.name))
            .collect(),
        permissions: report.permissions,
        error_code: None,
        error_message: None,
        latency,
    }
}

fn failed(error: &ProviderError, secrets: &[String], latency: Duration) -> ProbeResult {
    let message = secrets.iter().fold(error.kind.to_string(), |text, secret| {
        text.replace(secret.as_str(), "[REDACTED]")
    });
    ProbeResult {
        ok: false,
        identity: None,
        locations: Vec::new(),
        permissions: Vec::new(),
        error_code: Some(error_code(&error.kind)),
        error_message: Some(message),
        latency,
    }
}

fn timeout_error() -> ProviderError {
    ProviderError::new(Uuid::nil(), "test connection", ProviderErrorKind::Timeout)
}

/// The stable code of a POS failure.
pub const fn error_code(kind: &ProviderErrorKind) -> &'static str {
    match kind {
        ProviderErrorKind::Unauthorized => "UNAUTHORIZED",
        ProviderErrorKind::Forbidden(_) => "FORBIDDEN",
        ProviderErrorKind::NotFound(_) => "NOT_FOUND",
        ProviderErrorKind::Rejected(_) => "REJECTED",
        ProviderErrorKind::RateLimited { .. } => "RATE_LIMITED",
        ProviderErrorKind::Unavailable(_) => "UNAVAILABLE",
        ProviderErrorKind::Timeout => "TIMEOUT",
        ProviderErrorKind::CircuitOpen { .. } => "CIRCUIT_OPEN",
        ProviderErrorKind::Malformed(_) => "MALFORMED",
        ProviderErrorKind::Config(_) => "CONFIG",
        ProviderErrorKind::Unsupported(_) => "UNSUPPORTED",
        ProviderErrorKind::WebhookRejected(_) => "WEBHOOK_REJECTED",
    }
}

/// Whole milliseconds, saturating.
pub fn millis(duration: Duration) -> i32 {
    i32::try_from(duration.as_millis()).unwrap_or(i32::MAX)
}
