//! The live stock widget: `/widget` and its script are served, and in headless Chromium
//! (Debian's `chromium`, driven by `playwright-core` from `tests/browser/`) the number in
//! its `role="status"` region drops when the register sells a unit at a simulator.
//!
//! Without `/usr/bin/chromium` the browser test skips with a note, except under
//! `CI=true`, where it fails.
#![allow(clippy::unwrap_used)]

mod common;
mod live_support;

use std::{
    path::{Path, PathBuf},
    process::Output,
    time::Duration,
};

use common::spawn_app;
use live_support::LiveDemo;
use tokio::process::Command;
use uuid::Uuid;

/// Debian's Chromium.
const CHROMIUM: &str = "/usr/bin/chromium";
/// How long `npm ci` may take.
const NPM_CI_TIMEOUT: Duration = Duration::from_secs(300);
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
    if !browser_available() {
        return;
    }
    install_playwright().await;

    let app = spawn_app().await;
    let live = LiveDemo::start(&app, true).await;
    let shelf = live.shelves(&app, 1).await.remove(0);
    let widget = app.url(&format!(
        "/widget?product={}&location={}",
        shelf.product, shelf.location
    ));

    let run = Command::new("node")
        .arg("widget_e2e.mjs")
        .current_dir(browser_dir())
        .env("WIDGET_URL", widget)
        .env("SIM_URL", live.dutchie_url())
        .env("SIM_PRODUCT", &shelf.external_product)
        .env("SIM_LOCATION", &shelf.external_location)
        .env("CHROMIUM_PATH", CHROMIUM)
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(BROWSER_TIMEOUT, run)
        .await
        .expect("the browser test did not finish in time")
        .expect("could not run node (is Node.js installed?)");
    print_output(&output);
    assert!(output.status.success(), "the widget browser test failed");

    live.stop().await;
    app.stop().await.unwrap();
}

/// Whether Chromium is installed; under `CI=true` its absence is a failure.
fn browser_available() -> bool {
    if Path::new(CHROMIUM).exists() {
        return true;
    }
    let ci = std::env::var("CI").is_ok_and(|ci| ci == "true");
    assert!(
        !ci,
        "{CHROMIUM} is missing; CI must install Debian's chromium package"
    );
    eprintln!("skipped: {CHROMIUM} is missing (apt-get install chromium)");
    false
}

/// `npm ci` in `tests/browser` when `playwright-core` is not installed yet.
async fn install_playwright() {
    let dir = browser_dir();
    if dir
        .join("node_modules/playwright-core/package.json")
        .exists()
    {
        return;
    }
    let install = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(&dir)
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(NPM_CI_TIMEOUT, install)
        .await
        .expect("npm ci did not finish in time")
        .expect("could not run npm (is Node.js installed?)");
    print_output(&output);
    assert!(
        output.status.success(),
        "npm ci failed in {}",
        dir.display()
    );
}

/// The folder of the node test scripts (shared with the /admin browser test).
fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

/// A child's output, through the test harness (shown when the test fails).
fn print_output(output: &Output) {
    println!("{}", String::from_utf8_lossy(&output.stdout));
    println!("{}", String::from_utf8_lossy(&output.stderr));
}
