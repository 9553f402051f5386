//! `ConnectionTestResult`: what `testProviderConnection` reached.

use async_graphql::SimpleObject;

use crate::admin::{ProbeResult, probe::millis};

/// The outcome of a connection test; a POS failure is `ok: false` with a code.
#[derive(SimpleObject)]
pub struct ConnectionTestResult {
    /// The POS accepted the credentials.
    pub ok: bool,
    /// Who the credentials belong to, as the POS names it.
    pub identity: Option<String>,
    /// The stores the credentials see.
    pub locations: Vec<ExternalLocationInfo>,
    /// Permissions or scopes the POS reports.
    pub permissions: Vec<String>,
    /// Why it failed, as a stable code (`UNAUTHORIZED`, `UNAVAILABLE`, `TIMEOUT` …).
    pub error_code: Option<String>,
    /// Why it failed, for people.
    pub error_message: Option<String>,
    /// How long the test took, milliseconds.
    pub latency_ms: i32,
}

/// A store as the POS names it.
#[derive(SimpleObject)]
pub struct ExternalLocationInfo {
    /// The POS's id for it.
    pub external_id: String,
    /// Its name at the POS.
    pub name: String,
}

impl From<ProbeResult> for ConnectionTestResult {
    fn from(result: ProbeResult) -> Self {
        Self {
            ok: result.ok,
            identity: result.identity,
            locations: result
                .locations
                .into_iter()
                .map(|(external_id, name)| ExternalLocationInfo { external_id, name })
                .collect(),
            permissions: result.permissions,
            error_code: result.error_code.map(str::to_owned),
            error_message: result.error_message,
            latency_ms: millis(result.latency),
        }
    }
}
