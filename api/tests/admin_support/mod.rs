//! Shared set-up of the admin API tests: a simulator of every registered kind over one seeded
//! store, the GraphQL documents of the admin contract, and connection inputs built from
//! a simulator's configuration.
#![allow(dead_code, clippy::unwrap_used)]

use api::auth::Role;
use providers::{
    ConnectionConfig,
    registry::{self, SimulatorOptions},
    simulator::{Simulator, seed},
};
use secrecy::ExposeSecret;
use serde_json::{Value, json};

use crate::common::{TestApp, gql};

/// The fields of a `ProviderConnection` the tests read.
pub const CONNECTION_FIELDS: &str = "id kind name baseUrl apiKeyHint hasApiSecret hasWebhookSecret \
    enabled pollIntervalSeconds fullSyncIntervalSeconds settings webhookUrl health createdAt updatedAt \
    locations { id name } syncStatus { lastSuccessAt lagSeconds lastError nextRunAt running }";

/// `createProviderConnection`.
pub fn create_mutation() -> String {
    format!(
        "mutation($input: CreateProviderConnectionInput!) {{ createProviderConnection(input: $input) {{ {CONNECTION_FIELDS} }} }}"
    )
}

/// `updateProviderConnection`.
pub fn update_mutation() -> String {
    format!(
        "mutation($id: ID!, $input: UpdateProviderConnectionInput!) {{ updateProviderConnection(id: $id, input: $input) {{ {CONNECTION_FIELDS} }} }}"
    )
}

/// `triggerSync`.
pub fn sync_mutation() -> String {
    format!("mutation($id: ID!) {{ triggerSync(id: $id) {{ {CONNECTION_FIELDS} }} }}")
}

/// `providerConnections`.
pub fn list_query() -> String {
    format!("{{ providerConnections {{ {CONNECTION_FIELDS} }} }}")
}

/// `testProviderConnection`.
pub const TEST_MUTATION: &str = "mutation($id: ID!) { testProviderConnection(id: $id) { ok identity \
    locations { externalId name } permissions errorCode errorMessage latencyMs } }";

/// `deleteProviderConnection`.
pub const DELETE_MUTATION: &str = "mutation($id: ID!) { deleteProviderConnection(id: $id) }";

/// `auditLog`.
pub const AUDIT_QUERY: &str = "query($first: Int, $after: String, $targetType: String) { \
    auditLog(first: $first, after: $after, targetType: $targetType) { totalCount \
    pageInfo { hasNextPage endCursor } edges { cursor node { id actor action targetType targetId before after at } } } }";

/// One simulator of every registered kind over one seeded store, each accepting the
/// planted API key.
pub struct Simulators {
    sims: Vec<Box<dyn Simulator>>,
}

impl Simulators {
    /// Starts them on loopback ports, each accepting `api_key` as the `api_key` of
    /// its `connection_config`.
    pub async fn start(api_key: &str) -> Self {
        let store = seed::seeded(&seed::SeedConfig::default());
        let mut sims = Vec::new();
        for kind in registry::KINDS {
            let options = SimulatorOptions {
                api_key: Some(api_key.to_owned()),
                ..SimulatorOptions::default()
            };
            sims.push((kind.simulator)(store.clone(), options).await.unwrap());
        }
        Self { sims }
    }

    /// Each simulator, for the loops over every kind.
    pub fn all(&self) -> impl Iterator<Item = &dyn Simulator> {
        self.sims.iter().map(Box::as_ref)
    }

    /// A simulator whose connection carries the planted key (any kind will do).
    pub fn any(&self) -> &dyn Simulator {
        self.all().next().unwrap()
    }

    /// A simulator whose connection also needs an API secret, for the tests of
    /// keeping, replacing and clearing one.
    pub fn with_api_secret(&self) -> &dyn Simulator {
        self.all()
            .find(|sim| {
                sim.connection_config(uuid::Uuid::nil())
                    .api_secret
                    .is_some()
            })
            .expect("a registered kind authenticates with an API secret")
    }
}

/// The `CreateProviderConnectionInput` reaching `sim`: its credentials, its settings
/// with fast client retries, and its webhook secret in its own field.
pub fn create_input(sim: &dyn Simulator, name: &str) -> Value {
    input_from(sim.connection_config(uuid::Uuid::nil()), name)
}

/// The `CreateProviderConnectionInput` of `config`.
pub fn input_from(config: ConnectionConfig, name: &str) -> Value {
    let mut settings = config.settings;
    let webhook_secret = config
        .webhook_secret
        .as_ref()
        .map(|secret| secret.expose_secret().to_owned());
    settings["http"] = json!({
        "max_retries": 1,
        "base_backoff_ms": 1,
        "max_backoff_ms": 5,
        "request_timeout_ms": 5000,
        "breaker_failure_threshold": 50,
        "disable_rate_limits": true
    });
    json!({
        "kind": config.kind, // its JSON form is its GraphQL name
        "name": name,
        "baseUrl": config.base_url.as_str(),
        "apiKey": config.api_key.expose_secret(),
        "apiSecret": config.api_secret.as_ref().map(|s| s.expose_secret().to_owned()),
        "webhookSecret": webhook_secret,
        "settings": settings,
        "pollIntervalSeconds": 60,
    })
}

/// An admin token whose subject is `subject`.
pub fn admin(app: &TestApp, subject: &str) -> String {
    app.token(Role::Admin, subject)
}

/// Creates a connection to `sim` as `token`; returns the connection.
pub async fn create(app: &TestApp, token: &str, sim: &dyn Simulator, name: &str) -> Value {
    let data = gql::data(
        app,
        Some(token),
        &create_mutation(),
        json!({ "input": create_input(sim, name) }),
    )
    .await;
    data["createProviderConnection"].clone()
}

/// The `extensions` of the first error of a response body.
pub fn first_extensions(body: &Value) -> &Value {
    &body["errors"][0]["extensions"]
}
