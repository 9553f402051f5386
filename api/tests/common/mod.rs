//! Shared test helpers: `spawn_app()` on a random port with a fresh SQLite file, a fresh
//! PostgreSQL schema when `TEST_DATABASE_URL` is set, and gating for external services.
#![allow(dead_code, clippy::unwrap_used)]

pub mod fixtures;
pub mod gql;
pub mod own_postgres;
pub mod own_redis;
pub mod process;
pub mod proxy;
pub mod skip;
pub mod statements;
pub mod varnish;
pub mod wait;
pub mod ws;

use std::{io, net::SocketAddr, time::Duration};

use api::{
    AppState,
    auth::{JwtKeys, Role},
    config::{Config, MasterKey, Secret, Secrets},
    server::Server,
};
use clap::Parser;
use sea_orm::{ConnectionTrait, Database};
use serde_json::Value;
use tempfile::TempDir;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// The HS256 secret of every test server.
pub const TEST_JWT_SECRET: &str = "test-secret-that-is-long-enough-for-hs256!";

/// How long a test waits for anything before failing.
pub const WAIT: Duration = Duration::from_secs(10);

#[derive(Parser)]
struct ConfigOnly {
    #[command(flatten)]
    config: Config,
}

/// The default configuration with a SQLite file in `dir`, in-process cache and bus.
pub fn test_config(dir: &TempDir) -> Config {
    let mut config = ConfigOnly::parse_from(["canopy"]).config;
    config.database_url = format!("sqlite://{}/canopy.db?mode=rwc", dir.path().display())
        .parse()
        .unwrap();
    config.redis_url = None;
    config.jwt_secret = Some(TEST_JWT_SECRET.parse().unwrap());
    config.jwt_audience = None;
    config.master_key = None;
    config.shutdown_grace = Duration::from_secs(5);
    config
}

/// A running server and a client for it.
pub struct TestApp {
    /// Where the server listens.
    pub addr: SocketAddr,
    /// The state the server runs on.
    pub state: AppState,
    /// Cancelling this shuts the server down.
    pub shutdown: CancellationToken,
    /// An HTTP client.
    pub client: reqwest::Client,
    server: JoinHandle<io::Result<()>>,
    _dir: TempDir,
}

/// A server on `127.0.0.1:0` with a fresh SQLite database and default settings.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Like [`spawn_app`], with the configuration adjusted by `configure` first.
pub async fn spawn_app_with(configure: impl FnOnce(&mut Config)) -> TestApp {
    spawn_app_adjusted(configure, |state| state).await
}

/// Like [`spawn_app_with`], serving `adjust(state)` instead of the state built from the
/// configuration (for example with a database connection that records its statements).
pub async fn spawn_app_adjusted(
    configure: impl FnOnce(&mut Config),
    adjust: impl FnOnce(AppState) -> AppState,
) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(&dir);
    configure(&mut config);
    let secrets = Secrets {
        jwt_secret: TEST_JWT_SECRET.parse::<Secret>().unwrap(),
        master_key: MasterKey::random(),
    };
    let state = adjust(AppState::build(config, secrets).await.unwrap());
    let shutdown = CancellationToken::new();
    let server = Server::bind(
        "127.0.0.1:0".parse().unwrap(),
        state.clone(),
        shutdown.clone(),
    )
    .await
    .unwrap();
    let addr = server.local_addr().unwrap();
    let server = tokio::spawn(server.run(shutdown.clone()));
    TestApp {
        addr,
        state,
        shutdown,
        client: reqwest::Client::new(),
        server,
        _dir: dir,
    }
}

impl TestApp {
    /// `http://127.0.0.1:port{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// A token for `role` signed with the server's key.
    pub fn token(&self, role: Role, subject: &str) -> String {
        self.state
            .jwt
            .mint(role, subject, Duration::from_secs(3600))
            .unwrap()
    }

    /// POSTs `body` as JSON to `/graphql`, accepting `application/graphql-response+json`.
    pub async fn post_graphql(&self, body: &Value) -> reqwest::Response {
        self.client
            .post(self.url("/graphql"))
            .header("accept", "application/graphql-response+json")
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// The Prometheus text of `/metrics` (the test client reads it as a loopback peer).
    pub async fn metrics_text(&self) -> String {
        let response = self.client.get(self.url("/metrics")).send().await.unwrap();
        assert!(
            response.status().is_success(),
            "/metrics: {}",
            response.status()
        );
        response.text().await.unwrap()
    }

    /// Cancels the shutdown token and waits for the server to stop.
    pub async fn stop(self) -> io::Result<()> {
        self.shutdown.cancel();
        tokio::time::timeout(WAIT, self.server)
            .await
            .expect("the server did not stop in time")
            .unwrap()
    }
}

/// The `extensions.code` of the first error of a GraphQL response body.
pub fn first_code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"].as_str().unwrap()
}

/// The URL of an external service for tests: `None` (the test is [`skip::skip`]ped) when
/// the variable is unset, a failure when it is unset under `CI=true`.
pub fn service_url(variable: &str) -> Option<String> {
    match std::env::var(variable) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            skip::skip(format_args!("{variable} is not set"));
            None
        }
    }
}

/// A database URL for a fresh, empty PostgreSQL schema on `TEST_DATABASE_URL`.
pub async fn fresh_postgres_url() -> Option<String> {
    let base = service_url("TEST_DATABASE_URL")?;
    let schema = format!("canopy_test_{}", uuid::Uuid::new_v4().simple());
    let admin = Database::connect(base.as_str()).await.unwrap();
    admin
        .execute_unprepared(&format!("CREATE SCHEMA \"{schema}\""))
        .await
        .unwrap();
    admin.close().await.unwrap();
    let separator = if base.contains('?') { '&' } else { '?' };
    Some(format!("{base}{separator}options[search_path]={schema}"))
}

/// HS256 keys matching the test servers'.
pub fn test_keys() -> JwtKeys {
    JwtKeys::hs256(TEST_JWT_SECRET.as_bytes(), None)
}
