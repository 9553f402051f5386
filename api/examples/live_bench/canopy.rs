//! The server under test, through its public API: GraphQL over HTTP with an admin
//! token, provider connections to simulators, and the server process's memory.

use std::time::{Duration, Instant};

use api::auth::{JwtKeys, Role};
use providers::simulator::Simulator;
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use uuid::Uuid;

const CREATE: &str = "mutation Create($input: CreateProviderConnectionInput!) { createProviderConnection(input: $input) { id } }";
const TRIGGER: &str = "mutation Trigger($id: ID!) { triggerSync(id: $id) { id } }";
const STATUS: &str =
    "query { providerConnections { id locations { id } syncStatus { lastSuccessAt lastError } } }";

/// A connection as the bench uses it: its id and its (one) location's id.
pub struct Connection {
    pub id: String,
    pub location: String,
}

/// The server under test.
pub struct Api {
    client: reqwest::Client,
    base: String,
    admin: String,
    pid: u32,
}

impl Api {
    pub fn new(base: &str, secret: &str, pid: u32) -> Self {
        let keys = JwtKeys::hs256(secret.as_bytes(), None);
        let admin = keys
            .mint(Role::Admin, "bench:admin", Duration::from_secs(4 * 3600))
            .unwrap();
        Self {
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(120))
                .build()
                .unwrap(),
            base: base.trim_end_matches('/').to_owned(),
            admin,
            pid,
        }
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// The `data` of an admin GraphQL request; panics on errors.
    pub async fn gql(&self, query: &str, variables: Value) -> Value {
        let body: Value = self
            .client
            .post(format!("{}/graphql", self.base))
            .bearer_auth(&self.admin)
            .json(&json!({"query": query, "variables": variables}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(body.get("errors").is_none(), "{body}");
        body["data"].clone()
    }

    /// Creates a connection to `sim` through `createProviderConnection` (polled every
    /// `poll_seconds`, no client-side rate limits: the bench measures Canopy), starts
    /// its import with `triggerSync` and waits until the import has succeeded.
    pub async fn connect(&self, sim: &dyn Simulator, poll_seconds: u32) -> Connection {
        let config = sim.connection_config(Uuid::nil());
        let mut settings = config.settings.clone();
        settings["http"] = json!({"disable_rate_limits": true});
        let input = json!({
            "kind": config.kind.as_str().to_uppercase(),
            "name": format!("bench {}", config.kind.as_str()),
            "baseUrl": config.base_url.as_str(),
            "apiKey": config.api_key.expose_secret(),
            "apiSecret": config.api_secret.as_ref().map(|s| s.expose_secret().to_owned()),
            "webhookSecret": config.webhook_secret.as_ref().map(|s| s.expose_secret().to_owned()),
            "settings": settings,
            "pollIntervalSeconds": poll_seconds,
            "fullSyncIntervalSeconds": 86_400,
        });
        let created = self.gql(CREATE, json!({"input": input})).await;
        let id = created["createProviderConnection"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        self.gql(TRIGGER, json!({"id": id})).await;
        let started = Instant::now();
        loop {
            let data = self.gql(STATUS, json!({})).await;
            let row = data["providerConnections"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["id"] == id.as_str())
                .unwrap()
                .clone();
            if row["syncStatus"]["lastSuccessAt"].is_string()
                && let Some(location) = row["locations"][0]["id"].as_str()
            {
                return Connection {
                    id,
                    location: location.to_owned(),
                };
            }
            assert!(
                started.elapsed() < Duration::from_secs(600),
                "the import of {} did not finish: {row}",
                config.kind.as_str()
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// POSTs `body` to the simulator's control route `/_sim/{path}`.
    pub async fn control(&self, sim: &dyn Simulator, path: &str, body: Value) {
        let url = format!("{}_sim/{path}", sim.base_url());
        let response = self.client.post(url).json(&body).send().await.unwrap();
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
    }

    /// The server's resident memory, KiB (`VmRSS`).
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid)).unwrap();
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap()
    }
}
