//! The `/admin` page: served with its assets and security headers, and driven end to end
//! in headless Chromium (Debian's `chromium`, by `playwright-core` from
//! `tests/browser/`): an admin signs in, adds a Dutchie, a Jane and a Dispense connection
//! against their simulators, tests each, syncs each and sees it healthy; the screenshot lands in
//! `target/admin-page.png` in the checkout.
//!
//! Without `/usr/bin/chromium` the browser test skips with a note, except under
//! `CI=true`, where it fails.
#![allow(clippy::unwrap_used)]

mod browser_support;
mod common;

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use api::auth::Role;
use common::spawn_app;
use providers::{
    registry::{self, KINDS, SimulatorOptions},
    simulator::{
        SimStore, Simulator,
        seed::{self, SeedConfig},
    },
};
use serde_json::Value;

/// How long the whole browser run may take.
const BROWSER_TIMEOUT: Duration = Duration::from_secs(240);

#[tokio::test]
async fn admin_page_and_assets_are_served_with_security_headers() {
    let app = spawn_app().await;
    for (path, content_type, marker) in [
        (
            "/admin",
            "text/html",
            "<label for=\"token\">Admin token</label>",
        ),
        ("/admin/", "text/html", "Add connection"),
        ("/admin/admin.js", "text/javascript", "sessionStorage"),
        ("/admin/admin.css", "text/css", ":focus-visible"),
    ] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let headers = response.headers().clone();
        let header = |name: &str| headers.get(name).unwrap().to_str().unwrap().to_owned();
        assert!(header("content-type").starts_with(content_type), "{path}");
        assert!(
            header("content-security-policy").contains("script-src 'self'"),
            "{path}"
        );
        assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(header("x-frame-options"), "DENY", "{path}");
        assert!(response.text().await.unwrap().contains(marker), "{path}");
    }
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_adds_every_pos_kind_in_the_browser_and_sees_them_healthy() {
    if !browser_support::ready().await {
        return;
    }

    let app = spawn_app().await;
    let mut sims: Vec<Box<dyn Simulator>> = Vec::new();
    for kind in KINDS {
        let options = SimulatorOptions::default();
        sims.push((kind.simulator)(store(), options).await.unwrap());
    }
    let connections: Vec<Value> = sims
        .iter()
        .map(|sim| {
            let label = registry::kind(sim.kind()).label;
            browser_support::form_entry(sim.as_ref(), &format!("{label} store (e2e)"))
        })
        .collect();
    let screenshot = screenshot_path();

    browser_support::run_script(
        "admin_e2e.mjs",
        &[
            ("CANOPY_ADMIN_URL", app.url("/admin")),
            ("CANOPY_ADMIN_TOKEN", app.token(Role::Admin, "admin-e2e")),
            ("POS_CONNECTIONS", Value::from(connections).to_string()),
            ("SCREENSHOT_PATH", screenshot.display().to_string()),
        ],
        BROWSER_TIMEOUT,
    )
    .await;
    println!("screenshot: {}", screenshot.display());

    drop(sims);
    app.stop().await.unwrap();
}

/// A small seeded store for one simulator.
fn store() -> SimStore {
    seed::seeded(&SeedConfig {
        products: 30,
        customers: 5,
        transactions: 5,
        ..SeedConfig::default()
    })
}

/// `target/admin-page.png` in the checkout, the CI artifact (whatever `CARGO_TARGET_DIR`
/// the build used).
fn screenshot_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/admin-page.png")
}
