//! Runtime configuration: one clap struct read from flags and environment variables.
//!
//! Every setting is a long flag with an environment variable of the same name, so a
//! deployment configures Canopy through its environment and an operator can override
//! any value on the command line. Secrets live in [`Secret`], which never prints.
//!
//! The settings of the modules above this layer are sections of [`Config`], one file
//! each, so the modules import their settings from here and never the other way round:
//! [`AdminConfig`], [`EdgeConfig`], [`NotifyConfig`], [`OutboxConfig`], and the orders' [`CheckoutConfig`]
//! and [`StatusSyncConfig`].

mod admin;
mod edge;
mod notify;
mod orders;
mod outbox;
mod role;
#[cfg(test)]
mod tests;

use std::{fmt, str::FromStr, sync::Arc, time::Duration};

use base64::{Engine, engine::general_purpose::STANDARD as BASE64};
use clap::{Args, FromArgMatches, ValueEnum};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretBox, SecretString};

pub use self::{
    admin::AdminConfig,
    edge::EdgeConfig,
    notify::{NotifyConfig, Severity},
    orders::{CheckoutConfig, StatusSyncConfig},
    outbox::OutboxConfig,
    role::ProcessRole,
};

/// The default database: a SQLite file in the working directory, created on first use.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://canopy.db?mode=rwc";

/// Settings shared by every `canopy` subcommand.
#[derive(Args, Clone, Debug)]
pub struct Config {
    /// Database URL: `sqlite://…` for one store on one machine, `postgres://…` in production.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, global = true)]
    pub database_url: Secret,

    /// Largest number of pooled database connections.
    #[arg(
        long,
        env = "CANOPY_DB_MAX_CONNECTIONS",
        default_value_t = 10,
        global = true
    )]
    pub db_max_connections: u32,

    /// Pooled database connections kept open even when idle.
    #[arg(
        long,
        env = "CANOPY_DB_MIN_CONNECTIONS",
        default_value_t = 1,
        global = true
    )]
    pub db_min_connections: u32,

    /// Time an idle pooled database connection is kept above the minimum.
    #[arg(long, env = "CANOPY_DB_IDLE_TIMEOUT", default_value = "5m", value_parser = humantime::parse_duration, global = true)]
    pub db_idle_timeout: Duration,

    /// How often PostgreSQL is pinged to tell whether it answers; two failed pings in a
    /// row make requests that need it fail at once until one succeeds.
    #[arg(long, env = "CANOPY_DB_PROBE_INTERVAL", default_value = "1s", value_parser = humantime::parse_duration, global = true)]
    pub db_probe_interval: Duration,

    /// Longest a single PostgreSQL statement may run (SQLite ignores it).
    #[arg(long, env = "CANOPY_DB_STATEMENT_TIMEOUT", default_value = "30s", value_parser = humantime::parse_duration, global = true)]
    pub db_statement_timeout: Duration,

    /// Time allowed to connect to the database or to borrow a pooled connection.
    #[arg(long, env = "CANOPY_DB_TIMEOUT", default_value = "5s", value_parser = humantime::parse_duration, global = true)]
    pub db_timeout: Duration,

    /// Redis URL; unset keeps the cache and the event bus in process (one replica only).
    #[arg(long, env = "REDIS_URL", global = true)]
    pub redis_url: Option<Secret>,

    /// Time allowed for one Redis connection attempt or command.
    #[arg(long, env = "CANOPY_REDIS_TIMEOUT", default_value = "2s", value_parser = humantime::parse_duration, global = true)]
    pub redis_timeout: Duration,

    /// How often the event bus checks its Redis pub/sub connection is alive (one `PING`).
    #[arg(long, env = "CANOPY_REDIS_HEARTBEAT", default_value = "15s", value_parser = humantime::parse_duration, global = true)]
    pub redis_heartbeat: Duration,

    /// Longest wait between two attempts to restore a lost Redis pub/sub connection.
    #[arg(long, env = "CANOPY_REDIS_MAX_RECONNECT_DELAY", default_value = "5s", value_parser = humantime::parse_duration, global = true)]
    pub redis_max_reconnect_delay: Duration,

    /// Consecutive failed or timed-out Redis commands that open the Redis circuit breaker:
    /// while open, cache reads miss at once, writes are skipped and events are dropped.
    #[arg(
        long,
        env = "CANOPY_REDIS_BREAKER_THRESHOLD",
        default_value_t = 3,
        global = true
    )]
    pub redis_breaker_threshold: u32,

    /// How often an open Redis circuit breaker probes Redis (one `PING`) to close again.
    #[arg(long, env = "CANOPY_REDIS_PROBE_INTERVAL", default_value = "5s", value_parser = humantime::parse_duration, global = true)]
    pub redis_probe_interval: Duration,

    /// Prefix of every Redis key and pub/sub channel, so several deployments can share a Redis.
    #[arg(
        long,
        env = "CANOPY_REDIS_PREFIX",
        default_value = "canopy",
        global = true
    )]
    pub redis_prefix: String,

    /// Largest number of entries the in-process cache holds.
    #[arg(
        long,
        env = "CANOPY_CACHE_CAPACITY",
        default_value_t = 100_000,
        global = true
    )]
    pub cache_capacity: u64,

    /// Default time to live of cached API reads.
    #[arg(long, env = "CANOPY_CACHE_TTL", default_value = "30s", value_parser = humantime::parse_duration, global = true)]
    pub cache_ttl: Duration,

    /// Cache whole responses of public GraphQL queries (anonymous and storefront viewers),
    /// keyed under the catalog, stock and location tags; `false` executes every request.
    #[arg(
        long,
        env = "CANOPY_RESPONSE_CACHE",
        default_value_t = true,
        action = clap::ArgAction::Set,
        global = true
    )]
    pub response_cache: bool,

    /// Persisted queries: `apq` (Apollo's automatic persisted queries: any client may
    /// send a hash for a document it sent before), `safelist` (only documents registered
    /// with `canopy operations add` or by an admin run, except for admins) or `off`.
    #[arg(
        long,
        env = "CANOPY_PERSISTED_QUERIES",
        value_enum,
        default_value_t = PersistedQueries::Apq,
        global = true
    )]
    pub persisted_queries: PersistedQueries,

    /// Events buffered per topic for each subscriber; a slower subscriber skips ahead.
    #[arg(
        long,
        env = "CANOPY_EVENT_BUFFER",
        default_value_t = 1024,
        global = true
    )]
    pub event_buffer: usize,

    /// HS256 secret that signs and verifies API tokens.
    #[arg(long, env = "CANOPY_JWT_SECRET", hide_env_values = true, global = true)]
    pub jwt_secret: Option<Secret>,

    /// Audience (`aud`) that tokens must carry; unset accepts tokens without one.
    #[arg(long, env = "CANOPY_JWT_AUDIENCE", global = true)]
    pub jwt_audience: Option<String>,

    /// Issuer (`iss`) that tokens must carry; unset accepts any issuer. `canopy token`
    /// writes it into the tokens it mints.
    #[arg(long, env = "CANOPY_JWT_ISSUER", global = true)]
    pub jwt_issuer: Option<String>,

    /// A JWKS file (`{"keys":[…]}`) of RS256/ES256 public keys, each with a `kid`, that
    /// verify tokens from an identity provider alongside the HS256 secret.
    #[arg(long, env = "CANOPY_JWKS_FILE", global = true)]
    pub jwks_file: Option<std::path::PathBuf>,

    /// How often the server re-reads `CANOPY_JWKS_FILE` when it changes (key rotation);
    /// `0s` reads it once at start-up.
    #[arg(long, env = "CANOPY_JWKS_RELOAD", default_value = "30s", value_parser = humantime::parse_duration, global = true)]
    pub jwks_reload: Duration,

    /// 32 bytes, base64: the key that encrypts POS credentials at rest.
    #[arg(long, env = "CANOPY_MASTER_KEY", hide_env_values = true, global = true)]
    pub master_key: Option<Secret>,

    /// Log filter in `tracing` env-filter syntax, for example `info,api=debug`.
    #[arg(
        long,
        env = "RUST_LOG",
        default_value = "info,sea_orm_migration=warn",
        global = true
    )]
    pub log_filter: String,

    /// Log output format.
    #[arg(long, env = "CANOPY_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,

    /// Time allowed for one HTTP request (websocket sessions excepted).
    #[arg(long, env = "CANOPY_REQUEST_TIMEOUT", default_value = "30s", value_parser = humantime::parse_duration, global = true)]
    pub request_timeout: Duration,

    /// Time a connection may take to send a request's headers, counted from when it
    /// opens or from the end of its previous response: a silent connection, a trickled
    /// request head and an idle keep-alive connection are closed after it.
    #[arg(long, env = "CANOPY_HEADER_READ_TIMEOUT", default_value = "10s", value_parser = humantime::parse_duration, global = true)]
    pub header_read_timeout: Duration,

    /// Time in-flight requests and background work (POS calls) get to finish after a
    /// shutdown signal; the process exits at its end.
    #[arg(long, env = "CANOPY_SHUTDOWN_GRACE", default_value = "10s", value_parser = humantime::parse_duration, global = true)]
    pub shutdown_grace: Duration,

    /// Bearer token that `/metrics` requires (compared in constant time). Without it and
    /// without `CANOPY_METRICS_ADDR`, `/metrics` answers only admin tokens and loopback peers.
    #[arg(
        long,
        env = "CANOPY_METRICS_TOKEN",
        hide_env_values = true,
        global = true
    )]
    pub metrics_token: Option<Secret>,

    /// A separate address serving `/metrics` alone (for example an internal interface);
    /// the API address then has no `/metrics`.
    #[arg(long, env = "CANOPY_METRICS_ADDR", global = true)]
    pub metrics_addr: Option<std::net::SocketAddr>,

    /// Abuse limits of the GraphQL endpoint.
    #[command(flatten)]
    pub limits: Limits,

    /// Admin input policy.
    #[command(flatten)]
    pub admin: AdminConfig,

    /// Where alert notifications go.
    #[command(flatten)]
    pub notify: NotifyConfig,

    /// How the order outbox is delivered to the POSes.
    #[command(flatten)]
    pub outbox: OutboxConfig,

    /// How order statuses are polled from the POSes.
    #[command(flatten)]
    pub order_status: StatusSyncConfig,

    /// Order limits and reservation expiry.
    #[command(flatten)]
    pub checkout: CheckoutConfig,

    /// Surrogate keys and purges of an edge cache in front of Canopy.
    #[command(flatten)]
    pub edge: EdgeConfig,
}

/// Abuse limits applied to every GraphQL request.
#[derive(Args, Clone, Debug)]
pub struct Limits {
    /// Deepest selection nesting a query may have. The default admits the standard
    /// introspection query (15 levels) that GraphiQL and code generators send.
    #[arg(long, env = "CANOPY_MAX_DEPTH", default_value_t = 15, global = true)]
    pub max_depth: usize,

    /// Highest complexity score a query may have; also the most selections (fields and
    /// directives, fragments and each `_entities` representation counted in full) a
    /// document may execute, counted before anything expands it.
    #[arg(
        long,
        env = "CANOPY_MAX_COMPLEXITY",
        default_value_t = 2_000,
        global = true
    )]
    pub max_complexity: usize,

    /// Most field aliases one document may use.
    #[arg(long, env = "CANOPY_MAX_ALIASES", default_value_t = 30, global = true)]
    pub max_aliases: usize,

    /// Deepest nesting of `[`, `{` and `(` in a GraphQL document's text, and of selection
    /// sets through fragment spreads; deeper documents are refused before parsing.
    #[arg(long, env = "CANOPY_MAX_NESTING", default_value_t = 64, global = true)]
    pub max_nesting: usize,

    /// Most `_entities` representations one request may pass.
    #[arg(
        long,
        env = "CANOPY_MAX_ENTITIES",
        default_value_t = 100,
        global = true
    )]
    pub max_entities: usize,

    /// Largest page size (`first`) a connection field accepts.
    #[arg(long, env = "CANOPY_MAX_FIRST", default_value_t = 100, global = true)]
    pub max_first: usize,

    /// Largest HTTP request body, in bytes.
    #[arg(long, env = "CANOPY_MAX_BODY_BYTES", default_value_t = 1024 * 1024, global = true)]
    pub max_body_bytes: usize,

    /// Largest POS webhook payload (`POST /webhooks/…`), in bytes; larger ones are 413.
    #[arg(long, env = "CANOPY_MAX_WEBHOOK_BYTES", default_value_t = 256 * 1024, global = true)]
    pub max_webhook_bytes: usize,

    /// Requests per minute one client may send to `/graphql` and `/graphql/ws` (a client
    /// is the token's subject when authenticated, else its IP address); `0` disables.
    #[arg(
        long,
        env = "CANOPY_RATE_LIMIT_PER_MINUTE",
        default_value_t = 1_200,
        global = true
    )]
    pub rate_limit_per_minute: u32,

    /// Requests one client may send at once before the per-minute rate applies.
    #[arg(
        long,
        env = "CANOPY_RATE_LIMIT_BURST",
        default_value_t = 200,
        global = true
    )]
    pub rate_limit_burst: u32,

    /// Open websocket sessions one client (IP address) may hold; `0` disables the limit.
    #[arg(
        long,
        env = "CANOPY_MAX_WS_PER_CLIENT",
        default_value_t = 16,
        global = true
    )]
    pub max_ws_per_client: usize,

    /// Time a websocket client has to send `connection_init` after the upgrade; the
    /// session is then closed with 4408.
    #[arg(long, env = "CANOPY_WS_INIT_TIMEOUT", default_value = "10s", value_parser = humantime::parse_duration, global = true)]
    pub ws_init_timeout: Duration,

    /// Subscriptions one websocket session may run at once; one more is refused with an
    /// `error` message (`RATE_LIMITED`) until another completes. `0` disables the limit.
    #[arg(
        long,
        env = "CANOPY_MAX_SUBSCRIPTIONS_PER_SOCKET",
        default_value_t = 100,
        global = true
    )]
    pub max_subscriptions_per_socket: usize,

    /// Reverse proxies in front of the server that append to `X-Forwarded-For`; the
    /// client's address is the entry this many places from the right. `0` (no proxy)
    /// uses the peer address and ignores the header, which clients could forge.
    #[arg(
        long,
        env = "CANOPY_TRUSTED_PROXY_HOPS",
        default_value_t = 0,
        global = true
    )]
    pub trusted_proxy_hops: usize,
}

/// The settings of the clap [`Args`] struct `T` when no flag is given, whatever the
/// environment holds: its `#[arg(default_value…)]` attributes, the one place its defaults
/// are written. A settings struct's `Default` impl returns this.
///
/// # Panics
/// When a default does not parse, a mistake in the struct's attributes that its tests catch.
pub fn clap_defaults<T: Args + FromArgMatches>() -> T {
    let command = T::augment_args(clap::Command::new("defaults").no_binary_name(true))
        .mut_args(|arg| arg.env(None));
    command
        .try_get_matches_from(std::iter::empty::<&str>())
        .and_then(|matches| T::from_arg_matches(&matches))
        .unwrap_or_else(|error| {
            panic!("the clap defaults of a settings struct do not parse: {error}")
        })
}

/// What a server does with persisted queries and documents nobody registered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum PersistedQueries {
    /// No persisted queries: every request sends its document.
    Off,
    /// Apollo's automatic persisted queries: a document sent once with its hash may be
    /// named by the hash alone from then on, on every replica.
    #[default]
    Apq,
    /// Only registered documents run (admins excepted); a registered one may be named by
    /// its hash alone.
    Safelist,
}

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// A configuration value that must never be printed: `Debug` shows `[REDACTED]`.
#[derive(Clone)]
pub struct Secret(Arc<SecretString>);

impl Secret {
    /// The secret value, for the one place that needs it.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl FromStr for Secret {
    type Err = std::convert::Infallible;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Ok(Self(Arc::new(SecretString::from(value))))
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[REDACTED]")
    }
}

/// The 32-byte key that encrypts POS credentials at rest.
pub struct MasterKey(SecretBox<[u8; MasterKey::LEN]>);

impl MasterKey {
    /// Key length in bytes (AES-256).
    pub const LEN: usize = 32;

    /// Decodes a base64 key of exactly [`MasterKey::LEN`] bytes.
    pub fn from_base64(encoded: &str) -> Result<Self, ConfigError> {
        let bytes = BASE64
            .decode(encoded.trim())
            .map_err(|_| ConfigError::MasterKeyLength)?;
        let key: [u8; Self::LEN] = bytes.try_into().map_err(|_| ConfigError::MasterKeyLength)?;
        Ok(Self(SecretBox::new(Box::new(key))))
    }

    /// A fresh random key (for `--demo`).
    pub fn random() -> Self {
        let mut key = [0_u8; Self::LEN];
        rand::rng().fill_bytes(&mut key);
        Self(SecretBox::new(Box::new(key)))
    }

    /// The raw key bytes, for the encryption layer only.
    pub fn expose(&self) -> &[u8; Self::LEN] {
        self.0.expose_secret()
    }
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey([REDACTED])")
    }
}

/// The secrets a server needs, taken from the configuration or generated for a demo.
#[derive(Debug)]
pub struct Secrets {
    /// Signs and verifies HS256 tokens.
    pub jwt_secret: Secret,
    /// Encrypts POS credentials at rest.
    pub master_key: MasterKey,
}

/// A configuration that cannot start Canopy.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A required secret is not set.
    #[error("{0} is not set (`canopy serve --demo` generates throwaway secrets)")]
    MissingSecret(&'static str),
    /// `CANOPY_MASTER_KEY` is not 32 bytes of base64.
    #[error("CANOPY_MASTER_KEY must be {} bytes encoded in base64", MasterKey::LEN)]
    MasterKeyLength,
    /// The JWT secret is too short to resist guessing.
    #[error(
        "CANOPY_JWT_SECRET must be at least {} bytes",
        Config::MIN_JWT_SECRET_LEN
    )]
    WeakJwtSecret,
}

impl Config {
    /// Shortest accepted HS256 secret, in bytes.
    pub const MIN_JWT_SECRET_LEN: usize = 32;

    /// The configured JWT secret, checked for length.
    pub fn jwt_secret(&self) -> Result<Secret, ConfigError> {
        let secret = self
            .jwt_secret
            .clone()
            .ok_or(ConfigError::MissingSecret("CANOPY_JWT_SECRET"))?;
        if secret.expose().len() < Self::MIN_JWT_SECRET_LEN {
            return Err(ConfigError::WeakJwtSecret);
        }
        Ok(secret)
    }

    /// The server's secrets: from the configuration, or throwaway ones when `demo` is set
    /// (with a warning, since tokens and stored credentials die with the process).
    pub fn secrets(&self, demo: bool) -> Result<Secrets, ConfigError> {
        let jwt_secret = match (&self.jwt_secret, demo) {
            (None, true) => {
                tracing::warn!("demo mode: generated a throwaway CANOPY_JWT_SECRET");
                random_secret()
            }
            _ => self.jwt_secret()?,
        };
        let master_key = match (&self.master_key, demo) {
            (Some(encoded), _) => MasterKey::from_base64(encoded.expose())?,
            (None, true) => {
                tracing::warn!("demo mode: generated a throwaway CANOPY_MASTER_KEY");
                MasterKey::random()
            }
            (None, false) => return Err(ConfigError::MissingSecret("CANOPY_MASTER_KEY")),
        };
        Ok(Secrets {
            jwt_secret,
            master_key,
        })
    }
}

fn random_secret() -> Secret {
    let mut bytes = [0_u8; 48];
    rand::rng().fill_bytes(&mut bytes);
    Secret(Arc::new(SecretString::from(BASE64.encode(bytes))))
}
