//! The live stock widget: `/widget` and its script are served, and in headless Chromium
//! (Debian's `chromium`, driven by `playwright-core` from `tests/browser/`) the number in
//! its `role="status"` region drops when the register sells a unit at a simulator.
//!
//! Without `/usr/bin/chromium` the browser test skips with a note, except under
//! `CI=true`, where it fails.
#![allow(clippy::unwrap_used)]

mod browser_support;
mod common;
mod live_support;

use std::time::Duration;

use common::spawn_app;
use live_support::LiveDemo;
use uuid::Uuid;

/// How long the whole browser run may take.
const BROWSER_TIMEOUT: Duration = Duration::from_secs(120);

#[tokio::test]
async fn the_widget_page_and_script_are_served() {
    let app = spawn_app().await;
    let page = format!(
        "/widget?product={}&location={}",
        Uuid::now_v7(),
        Uuid::now_v7()
    );
    let response = app.client.get(app.url(&page)).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("/widget/stock-widget.js")
    );

    let response = app
        .client
        .get(app.url("/widget/stock-widget.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    assert!(response.text().await.unwrap().contains("role"));

    // the websocket client the script imports, importable from any storefront's origin
    let response = app
        .client
        .get(app.url("/shared/graphql-ws.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("graphql-transport-ws")
    );

    let response = app
        .client
        .get(app.url("/widget?product=1&location=2"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sale_at_the_register_changes_the_number_on_the_page() {
    if !browser_support::ready().await {
        return;
    }

    let app = spawn_app().await;
    let live = LiveDemo::start(&app, true).await;
    let shelf = live.shelves(&app, 1).await.remove(0);
    let widget = app.url(&format!(
        "/widget?product={}&location={}",
        shelf.product, shelf.location
    ));

    browser_support::run_script(
        "widget_e2e.mjs",
        &[
            ("WIDGET_URL", widget),
            ("SIM_URL", live.sim_url().to_string()),
            ("SIM_PRODUCT", shelf.external_product.clone()),
            ("SIM_LOCATION", shelf.external_location.clone()),
        ],
        BROWSER_TIMEOUT,
    )
    .await;

    live.stop().await;
    app.stop().await.unwrap();
}
