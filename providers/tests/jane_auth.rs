//! Jane's OAuth2 client credentials: one token for many calls (also when
//! callers race), refresh before expiry, one refresh and retry on a 401,
//! bad credentials, and the configurable token URL with both credential forms.

#![allow(clippy::unwrap_used)]

mod jane_common;

use std::sync::Arc;
use std::time::Duration;

use jane_common::{config, default_sim, provider, sim, token_requests, with_ttl};
use providers::jane::JaneProvider;
use providers::simulator::seed::SeedConfig;
use providers::simulator::{Fault, Simulator};
use providers::{PosProvider, ProviderErrorKind};
use secrecy::SecretString;
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn store_path(sim: &impl Simulator, store_id: &str) -> u64 {
    sim.faults()
        .requests(&format!("/partner/v1/stores/{store_id}"))
}

#[tokio::test]
async fn one_token_serves_many_calls() {
    let sim = default_sim().await;
    let jane = provider(&sim, serde_json::json!({}));
    for _ in 0..3 {
        jane.locations().await.unwrap();
    }
    jane.catalog(None).await.unwrap();
    jane.stock(None).await.unwrap();
    assert_eq!(token_requests(&sim), 1);
}

#[tokio::test]
async fn concurrent_callers_share_one_token_fetch() {
    let sim = default_sim().await;
    let jane = Arc::new(provider(&sim, serde_json::json!({})));
    let calls = (0..8).map(|_| {
        let jane = jane.clone();
        async move { jane.locations().await }
    });
    for result in futures::future::join_all(calls).await {
        result.unwrap();
    }
    assert_eq!(token_requests(&sim), 1);
}

#[tokio::test]
async fn token_is_refreshed_before_it_expires() {
    // Tokens live 2 s; with a 1 s margin the adapter refreshes after 1 s,
    // before the simulator would refuse the token.
    let sim = sim(SeedConfig::default(), with_ttl(Duration::from_secs(2))).await;
    let jane = provider(&sim, serde_json::json!({"token_refresh_margin_secs": 1}));
    jane.locations().await.unwrap();
    tokio::time::sleep(Duration::from_millis(1200)).await;
    jane.locations().await.unwrap();
    assert_eq!(token_requests(&sim), 2);
    assert_eq!(
        store_path(&sim, sim.store_id()),
        2,
        "no call was refused and retried"
    );
}

#[tokio::test]
async fn a_401_refreshes_once_and_retries() {
    let sim = default_sim().await;
    let jane = provider(&sim, serde_json::json!({}));
    jane.locations().await.unwrap();
    sim.faults()
        .push_for("/partner/v1/stores", Fault::Status { status: 401 }, 1);
    jane.locations().await.unwrap();
    assert_eq!(token_requests(&sim), 2);
    assert_eq!(store_path(&sim, sim.store_id()), 3);
}

#[tokio::test]
async fn a_second_401_is_unauthorized_after_one_refresh() {
    let sim = default_sim().await;
    let jane = provider(&sim, serde_json::json!({}));
    sim.faults()
        .push_for("/partner/v1/stores", Fault::Status { status: 401 }, 2);
    let err = jane.locations().await.unwrap_err();
    assert_eq!(err.kind, ProviderErrorKind::Unauthorized);
    assert_eq!(token_requests(&sim), 2, "exactly one refresh");
    assert_eq!(store_path(&sim, sim.store_id()), 2, "exactly one retry");
}

#[tokio::test]
async fn bad_client_credentials_are_unauthorized() {
    let sim = default_sim().await;
    let mut config = config(&sim, serde_json::json!({}));
    config.api_secret = Some(SecretString::from("wrong"));
    let jane = JaneProvider::new(&config).unwrap();
    let err = jane.test_connection().await.unwrap_err();
    assert_eq!(err.kind, ProviderErrorKind::Unauthorized);
    assert_eq!(err.endpoint, "POST /oauth/token");
    assert_eq!(store_path(&sim, sim.store_id()), 0);
}

#[tokio::test]
async fn token_url_is_configuration_and_carries_both_credential_forms() {
    let server = MockServer::start().await;
    // "client:secret" in Basic, and the same in the form body.
    Mock::given(method("POST"))
        .and(path("/sandbox-auth/oauth/token"))
        .and(header("authorization", "Basic Y2xpZW50OnNlY3JldA=="))
        .and(body_string_contains("grant_type=client_credentials"))
        .and(body_string_contains("client_id=client"))
        .and(body_string_contains("client_secret=secret"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(include_str!("fixtures/jane/token.json"), "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/partner/v1/stores/7"))
        .and(header(
            "authorization",
            "Bearer eyJhbGciOiJIUzI1NiJ9.sandbox.token",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "data": {"store": {"id": 7, "name": "Sandbox Store", "recreational": true}}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let config = providers::ConnectionConfig {
        connection_id: uuid::Uuid::new_v4(),
        kind: providers::model::PosKind::Jane,
        base_url: format!("{}/api", server.uri()).parse().unwrap(),
        api_key: SecretString::from("client"),
        api_secret: Some(SecretString::from("secret")),
        webhook_secret: None,
        settings: serde_json::json!({
            "store_id": 7,
            "token_url": format!("{}/sandbox-auth/oauth/token", server.uri()),
        }),
    };
    let jane = JaneProvider::new(&config).unwrap();
    let locations = jane.locations().await.unwrap();
    assert_eq!(locations[0].external_id, "7");
    assert_eq!(locations[0].name, "Sandbox Store");
}
