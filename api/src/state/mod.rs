//! The application state: everything a request handler or resolver needs, built once,
//! with the handles on background work it carries ([`control`], [`running`]).

pub mod control;
pub mod running;

use std::sync::Arc;

use redis::{Client, aio::ConnectionManagerConfig};
use sea_orm::{DatabaseConnection, DbErr};

use crate::{
    auth::JwtKeys,
    cache::{
        MemoryCache, RedisCache, RedisCircuit, SharedCache,
        edge::{EdgeError, EdgePurges, PurgingCache},
    },
    config::{Config, ConfigError, MasterKey, Secrets},
    db::{self, DbCircuit},
    events::{ListenerTiming, MemoryEventBus, RedisEventBus, SharedEventBus},
};

pub use self::{control::SyncControl, running::RunningSyncs};

/// Shared by the router and the GraphQL schema; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The configuration the process started with.
    pub config: Arc<Config>,
    /// The database pool.
    pub db: DatabaseConnection,
    /// Whether the database is known not to answer (requests then fail at once).
    pub db_circuit: Arc<DbCircuit>,
    /// The read cache (in process or Redis).
    pub cache: SharedCache,
    /// The event bus (in process or Redis pub/sub).
    pub events: SharedEventBus,
    /// Token signing and verification keys.
    pub jwt: Arc<JwtKeys>,
    /// The key that encrypts POS credentials at rest.
    pub master_key: Arc<MasterKey>,
    /// The handle on the background sync (`triggerSync`, webhook wake-ups).
    pub sync: SyncControl,
    /// The connections this process is syncing on demand.
    pub runs: RunningSyncs,
    /// The circuit breaker around Redis, when Redis is configured: its state tells of an
    /// outage.
    pub redis: Option<Arc<RedisCircuit>>,
    /// This process's edge cache purge sender, when a purge URL is configured (the
    /// cache above already purges through it; this handle tells of failures).
    pub edge_purges: Option<EdgePurges>,
}

/// Why the state could not be built.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// The configuration is incomplete or invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The database is unreachable or a migration failed.
    #[error("database: {0}")]
    Database(#[from] DbErr),
    /// The JWKS file cannot be used.
    #[error("jwks: {0}")]
    Jwks(#[from] crate::auth::JwksError),
    /// Redis is unreachable.
    #[error("redis: {0}")]
    Redis(#[from] redis::RedisError),
    /// The edge cache purge settings are unusable.
    #[error(transparent)]
    Edge(#[from] EdgeError),
}

impl AppState {
    /// Connects the database (applying pending migrations) and the cache and event bus
    /// backends: Redis when `REDIS_URL` is set, in process otherwise.
    pub async fn build(config: Config, secrets: Secrets) -> Result<Self, StartupError> {
        let db = db::connect(&config).await?;
        db::migrate(&db).await?;
        let db_circuit = DbCircuit::start(db.clone(), config.db_probe_interval, config.db_timeout);
        let (cache, events, redis) = backends(&config).await?;
        let edge_purges = EdgePurges::start(&config.edge)?;
        let cache: SharedCache = match &edge_purges {
            Some(purges) => Arc::new(PurgingCache::new(cache, purges.clone())),
            None => cache,
        };
        tracing::info!(
            cache = cache.backend(),
            events = events.backend(),
            "state ready"
        );
        let jwt = JwtKeys::from_config(secrets.jwt_secret.expose().as_bytes(), &config)?;
        Ok(Self {
            config: Arc::new(config),
            db,
            db_circuit,
            cache,
            jwt: Arc::new(jwt),
            master_key: Arc::new(secrets.master_key),
            sync: SyncControl::new(events.clone()),
            runs: RunningSyncs::default(),
            events,
            redis,
            edge_purges,
        })
    }
}

/// The cache and event bus the configuration asks for, and the circuit guarding Redis
/// when they are on Redis.
pub(crate) async fn backends(
    config: &Config,
) -> Result<(SharedCache, SharedEventBus, Option<Arc<RedisCircuit>>), redis::RedisError> {
    let Some(url) = &config.redis_url else {
        return Ok((
            Arc::new(MemoryCache::new(config.cache_capacity)),
            Arc::new(MemoryEventBus::new(config.event_buffer)),
            None,
        ));
    };
    let client = Client::open(url.expose())?;
    let manager = client
        .get_connection_manager_with_config(
            ConnectionManagerConfig::new()
                .set_connection_timeout(Some(config.redis_timeout))
                .set_response_timeout(Some(config.redis_timeout))
                .set_number_of_retries(3),
        )
        .await?;
    let circuit = Arc::new(RedisCircuit::new(
        config.redis_breaker_threshold,
        config.redis_probe_interval,
    ));
    let cache = RedisCache::start(manager.clone(), &config.redis_prefix, Arc::clone(&circuit));
    let events = RedisEventBus::start(
        client,
        manager,
        Arc::clone(&circuit),
        &config.redis_prefix,
        config.event_buffer,
        ListenerTiming {
            io_timeout: config.redis_timeout,
            heartbeat: config.redis_heartbeat,
            max_reconnect_delay: config.redis_max_reconnect_delay,
        },
    );
    Ok((Arc::new(cache), Arc::new(events), Some(circuit)))
}
