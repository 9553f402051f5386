//! Graceful shutdown: the server future completes once the shutdown token is cancelled.
#![allow(clippy::unwrap_used)]

mod common;

use common::spawn_app;
use reqwest::StatusCode;

#[tokio::test]
async fn server_stops_after_the_shutdown_signal() {
    let app = spawn_app().await;
    let client = app.client.clone();
    let url = app.url("/healthz");
    let response = client.get(&url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    app.stop().await.unwrap();

    let after = reqwest::Client::new().get(&url).send().await;
    assert!(after.is_err(), "the listener is closed after shutdown");
}
