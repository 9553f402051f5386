//! How Canopy works with an edge cache (Varnish, Fastly, Cloudflare) in front of it: the
//! surrogate-key headers of public responses and the purge endpoint it calls when stock
//! or the catalog changes. Off until `CANOPY_PURGE_URL` is set.
//!
//! The purge request is a template: `{keys}` in the URL (percent-encoded), in a header
//! value or in the body stands for the purged keys joined with `--purge-key-separator`.
//! - Varnish (the VCL of `bench/varnish_menu.sh`): `CANOPY_PURGE_URL=http://varnish:6081/`,
//!   `CANOPY_PURGE_METHOD=PURGE`, `CANOPY_PURGE_HEADERS='Surrogate-Key: {keys}'`.
//! - Fastly: `CANOPY_PURGE_URL=https://api.fastly.com/service/SERVICE_ID/purge`,
//!   `CANOPY_PURGE_METHOD=POST`,
//!   `CANOPY_PURGE_HEADERS='Fastly-Key: TOKEN; Surrogate-Key: {keys}'`.
//! - Cloudflare: `CANOPY_PURGE_URL=https://api.cloudflare.com/client/v4/zones/ZONE_ID/purge_cache`,
//!   `CANOPY_PURGE_METHOD=POST`,
//!   `CANOPY_PURGE_HEADERS='Authorization: Bearer TOKEN; Content-Type: application/json'`,
//!   `CANOPY_PURGE_BODY='{"tags":["{keys}"]}'`, `CANOPY_PURGE_KEY_SEPARATOR='","'`.

use std::time::Duration;

use clap::Args;
use http::HeaderName;

use super::Secret;

/// Edge cache settings (flags and environment variables).
#[derive(Args, Clone, Debug)]
pub struct EdgeConfig {
    /// Response headers that name a public response's surrogate keys, comma-separated.
    /// `Cache-Tag` (Cloudflare) lists them comma-separated, any other header
    /// space-separated (Fastly's and Varnish's `Surrogate-Key`).
    #[arg(
        long,
        env = "CANOPY_SURROGATE_KEY_HEADERS",
        value_delimiter = ',',
        default_value = "Surrogate-Key,Cache-Tag",
        value_parser = header_name,
        global = true
    )]
    pub surrogate_key_headers: Vec<HeaderName>,

    /// The edge cache's purge endpoint (`{keys}` may appear in it); unset, nothing is
    /// purged. It may hold a token, so it is never printed.
    #[arg(long, env = "CANOPY_PURGE_URL", global = true)]
    pub purge_url: Option<Secret>,

    /// The purge request's method (`PURGE`, `BAN`, `POST`…).
    #[arg(
        long,
        env = "CANOPY_PURGE_METHOD",
        default_value = "POST",
        global = true
    )]
    pub purge_method: String,

    /// The purge request's headers, `Name: value` separated by `;` (`{keys}` may appear
    /// in a value). They may hold tokens, so they are never printed.
    #[arg(long, env = "CANOPY_PURGE_HEADERS", global = true)]
    pub purge_headers: Option<Secret>,

    /// The purge request's body (`{keys}` may appear in it); unset, no body.
    #[arg(long, env = "CANOPY_PURGE_BODY", global = true)]
    pub purge_body: Option<String>,

    /// What joins the keys where `{keys}` stands.
    #[arg(
        long,
        env = "CANOPY_PURGE_KEY_SEPARATOR",
        default_value = " ",
        global = true
    )]
    pub purge_key_separator: String,

    /// Most keys in one purge request (Cloudflare takes 30 tags per call); more are sent
    /// in several requests.
    #[arg(
        long,
        env = "CANOPY_PURGE_MAX_KEYS",
        default_value_t = 30,
        global = true
    )]
    pub purge_max_keys: usize,

    /// How long keys are gathered before one purge request carries them all.
    #[arg(long, env = "CANOPY_PURGE_WINDOW", default_value = "75ms", value_parser = humantime::parse_duration, global = true)]
    pub purge_window: Duration,

    /// How long after a purge the same keys are purged again (`0s`: never). A response
    /// computed before a change and stored by the edge just after the change's purge
    /// would otherwise be served stale until its `max-age`; the second purge ends that
    /// within this time.
    #[arg(long, env = "CANOPY_PURGE_REPEAT_AFTER", default_value = "1s", value_parser = humantime::parse_duration, global = true)]
    pub purge_repeat_after: Duration,

    /// Purge requests per second at most (the CDN's API rate limit).
    #[arg(
        long,
        env = "CANOPY_PURGE_PER_SECOND",
        default_value_t = 10,
        global = true
    )]
    pub purge_per_second: u32,

    /// Time allowed for one purge request.
    #[arg(long, env = "CANOPY_PURGE_TIMEOUT", default_value = "5s", value_parser = humantime::parse_duration, global = true)]
    pub purge_timeout: Duration,

    /// Retries of a failed purge request (with exponential backoff and jitter).
    #[arg(long, env = "CANOPY_PURGE_RETRIES", default_value_t = 3, global = true)]
    pub purge_retries: usize,

    /// Wait before the first retry of a failed purge; it doubles with each retry.
    #[arg(long, env = "CANOPY_PURGE_MIN_BACKOFF", default_value = "100ms", value_parser = humantime::parse_duration, global = true)]
    pub purge_min_backoff: Duration,

    /// Purges waiting to be sent at most; beyond it new ones are dropped and counted
    /// (the edge then serves those entries until their `max-age`).
    #[arg(
        long,
        env = "CANOPY_PURGE_QUEUE",
        default_value_t = 1024,
        global = true
    )]
    pub purge_queue: usize,
}

fn header_name(text: &str) -> Result<HeaderName, http::header::InvalidHeaderName> {
    HeaderName::from_bytes(text.trim().as_bytes())
}

impl Default for EdgeConfig {
    /// The clap defaults, without flags or environment.
    fn default() -> Self {
        super::clap_defaults()
    }
}
