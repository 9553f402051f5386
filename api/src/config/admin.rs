//! Admin settings: how strict admin input is about POS URLs, and how long admin calls
//! to a POS (connection tests, on-demand syncs) may take.

use std::time::Duration;

use clap::Args;

/// Admin input policy that a deployment may relax, and how long admin calls to a POS may take.
#[derive(Args, Clone, Debug, PartialEq, Eq)]
pub struct AdminConfig {
    /// Accept `http://` POS base URLs on any host (by default only loopback hosts may use
    /// plain HTTP, for local simulators; everything else must be `https://`).
    #[arg(long, env = "CANOPY_ALLOW_PLAIN_HTTP_POS", global = true)]
    pub allow_plain_http_pos: bool,

    /// The longest a connection test (`testProviderConnection`) may take, whatever the
    /// adapter's retry policy.
    #[arg(long, env = "CANOPY_PROBE_TIMEOUT", default_value = "20s", value_parser = humantime::parse_duration, global = true)]
    pub probe_timeout: Duration,

    /// The longest an on-demand sync (`syncProviderConnection`) runs inside the request
    /// before the request gives up on it.
    #[arg(long, env = "CANOPY_ON_DEMAND_SYNC_TIMEOUT", default_value = "25s", value_parser = humantime::parse_duration, global = true)]
    pub sync_timeout: Duration,
}

impl Default for AdminConfig {
    /// The clap defaults, without flags or environment.
    fn default() -> Self {
        super::clap_defaults()
    }
}
