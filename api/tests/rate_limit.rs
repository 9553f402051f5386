//! Abuse limits in front of the handlers: requests per client per minute (429
//! `RATE_LIMITED` with `Retry-After`), websocket sessions per client, and the POS webhook
//! payload size (413).
#![allow(clippy::unwrap_used)]

mod common;

use api::auth::Role;
use common::{TestApp, WAIT, first_code, spawn_app_with};
use reqwest::{StatusCode, header};
use serde_json::{Value, json};
use tokio_tungstenite::{
    connect_async,
    tungstenite::{self, client::IntoClientRequest, http::HeaderValue},
};

async fn api_version(app: &TestApp, token: Option<&str>) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url("/graphql"))
        .header("accept", "application/graphql-response+json")
        .json(&json!({ "query": "{ apiVersion }" }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

async fn assert_rate_limited(response: reqwest::Response) {
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = response.headers()[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (1..=60).contains(&retry_after),
        "Retry-After: {retry_after}"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(first_code(&body), "RATE_LIMITED", "{body}");
    assert_eq!(body["errors"][0]["extensions"]["retryAfter"], retry_after);
}

#[tokio::test]
async fn each_client_gets_its_own_budget() {
    let app = spawn_app_with(|config| {
        config.limits.rate_limit_per_minute = 60;
        config.limits.rate_limit_burst = 3;
    })
    .await;
    for _ in 0..3 {
        assert_eq!(api_version(&app, None).await.status(), StatusCode::OK);
    }
    // Anonymous callers share their IP's budget; it is spent.
    assert_rate_limited(api_version(&app, None).await).await;
    // A forged token does not buy a fresh budget: it counts against the IP.
    assert_rate_limited(api_version(&app, Some("forged.token.value")).await).await;
    // GET counts too.
    let response = app
        .client
        .get(app.url("/graphql?query={apiVersion}"))
        .send()
        .await
        .unwrap();
    assert_rate_limited(response).await;

    // Authenticated clients are counted by token subject, each on its own.
    let ops = app.token(Role::Admin, "ops");
    let shop = app.token(Role::Storefront, "shop");
    for _ in 0..3 {
        assert_eq!(api_version(&app, Some(&ops)).await.status(), StatusCode::OK);
    }
    assert_rate_limited(api_version(&app, Some(&ops)).await).await;
    assert_eq!(
        api_version(&app, Some(&shop)).await.status(),
        StatusCode::OK
    );

    // Probes are never limited.
    let health = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_zero_rate_disables_the_limit() {
    let app = spawn_app_with(|config| {
        config.limits.rate_limit_per_minute = 0;
        config.limits.rate_limit_burst = 1;
    })
    .await;
    for _ in 0..20 {
        assert_eq!(api_version(&app, None).await.status(), StatusCode::OK);
    }
}

fn ws_request(app: &TestApp) -> tungstenite::handshake::client::Request {
    let mut request = format!("ws://{}/graphql/ws", app.addr)
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "sec-websocket-protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    request
}

#[tokio::test]
async fn websocket_sessions_per_client_are_capped() {
    let app = spawn_app_with(|config| config.limits.max_ws_per_client = 2).await;
    let (first, _) = connect_async(ws_request(&app)).await.unwrap();
    let (_second, _) = connect_async(ws_request(&app)).await.unwrap();

    match connect_async(ws_request(&app)).await {
        Err(tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
            assert!(response.headers().contains_key("retry-after"));
        }
        other => panic!("a third session was not refused: {other:?}"),
    }

    // Closing a session frees its slot (once the server has seen the close).
    drop(first);
    tokio::time::timeout(WAIT, async {
        loop {
            if connect_async(ws_request(&app)).await.is_ok() {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the closed session's slot was never freed");
}

#[tokio::test]
async fn oversize_webhook_payloads_are_413() {
    let app = spawn_app_with(|config| config.limits.max_webhook_bytes = 1024).await;
    let url = app.url(&format!("/webhooks/{}", uuid::Uuid::now_v7()));
    let response = app
        .client
        .post(&url)
        .header("content-type", "application/json")
        .body(format!(r#"{{"padding":"{}"}}"#, "x".repeat(4096)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = response.json().await.unwrap();
    assert_eq!(first_code(&body), "BAD_USER_INPUT", "{body}");

    // The GraphQL endpoint keeps its own, larger limit.
    let response = app
        .post_graphql(
            &json!({ "query": "{ apiVersion }", "variables": { "pad": "x".repeat(4096) } }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}
