//! Who may read `/metrics`: with `CANOPY_METRICS_TOKEN` only a request bearing it (others
//! get 404); with `CANOPY_METRICS_ADDR` only that address serves it; with neither, admin
//! tokens and loopback peers (the test client is on loopback: see `http.rs`).
#![allow(clippy::unwrap_used)]

mod common;

use std::net::TcpListener;

use api::auth::Role;
use common::{fresh_postgres_url, process::ServerProcess, spawn_app_with};
use reqwest::StatusCode;

#[tokio::test]
async fn a_metrics_token_is_required_when_configured() {
    let app = spawn_app_with(|config| {
        config.metrics_token = Some("scrape-me-please".parse().unwrap());
    })
    .await;
    let url = app.url("/metrics");
    let bare = app.client.get(&url).send().await.unwrap();
    assert_eq!(bare.status(), StatusCode::NOT_FOUND);
    let admin = app.token(Role::Admin, "ops");
    for wrong in ["scrape-me-pleasE", "scrape-me", admin.as_str()] {
        let refused = app
            .client
            .get(&url)
            .bearer_auth(wrong)
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::NOT_FOUND, "{wrong}");
    }
    let scraped = app
        .client
        .get(&url)
        .bearer_auth("scrape-me-please")
        .send()
        .await
        .unwrap();
    assert_eq!(scraped.status(), StatusCode::OK);
    assert!(
        scraped
            .text()
            .await
            .unwrap()
            .contains("http_requests_total")
    );
    app.stop().await.unwrap();
}

#[tokio::test]
async fn a_separate_metrics_address_takes_metrics_off_the_api_address() {
    let Some(url) = fresh_postgres_url().await else {
        return;
    };
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let metrics_addr = format!("127.0.0.1:{port}");
    let server = ServerProcess::start(
        &url,
        None,
        &[("CANOPY_METRICS_ADDR", metrics_addr.as_str())],
    )
    .await;
    let client = reqwest::Client::new();
    let api = client.get(server.url("/metrics")).send().await.unwrap();
    assert_eq!(api.status(), StatusCode::NOT_FOUND);
    let scraped = client
        .get(format!("http://{metrics_addr}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(scraped.status(), StatusCode::OK);
    assert!(scraped.text().await.unwrap().contains("# TYPE"));
}
