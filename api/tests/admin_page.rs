//! The `/admin` page: served with its assets and security headers, and driven end to end
//! in headless Chromium (Debian's `chromium`, by `playwright-core` from
//! `tests/browser/`): an admin signs in, adds a Dutchie, a Jane and a Dispense connection
//! against their simulators, tests each, syncs each and sees it healthy; the screenshot lands in
//! `target/admin-page.png` in the checkout. Then the Products section: a suggested match
//! split and a conflicting merge refused.
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

use api::{
    auth::Role,
    catalog::MatchKeys,
    connections::{self, ConnectionInput},
    sync::{RunMode, Synchronizer},
};
use common::spawn_app;
use providers::{
    gtin,
    model::PosKind,
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

/// Two Dutchie stores synced with one product matched on brand, name and size (its SKU
/// dropped at the second store) and one conflict (same SKU, different barcodes): the
/// admin sees both in the Products section, splits the suggestion and is refused the
/// merge of the conflict, in the browser.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_reviews_product_matches_in_the_browser() {
    if !browser_support::ready().await {
        return;
    }
    let app = spawn_app().await;
    let first = dutchie().await;
    let second = dutchie().await;
    let ids: Vec<String> = first.store().read(|s| s.products.keys().cloned().collect());
    let keys: Vec<Option<String>> = first.store().read(|s| {
        ids.iter()
            .map(|id| MatchKeys::of(&s.products[id]).unwrap().match_key)
            .collect()
    });
    let named = (0..ids.len())
        .find(|&i| keys[i].is_some() && keys.iter().filter(|k| **k == keys[i]).count() == 1)
        .unwrap();
    let conflicting = (named + 1) % ids.len();
    second
        .store()
        .update_product(&ids[named], |p| p.sku = None)
        .unwrap();
    for (sim, n) in [(&first, 1), (&second, 2)] {
        let upc = gtin::with_check_digit(&format!("{:011}", 50_000_000_000_u64 + n));
        sim.store()
            .update_product(&ids[conflicting], |p| p.upc = Some(upc))
            .unwrap();
    }
    let sync = Synchronizer::for_state(&app.state);
    for sim in [&first, &second] {
        let mut config = sim.connection_config(uuid::Uuid::nil());
        config.settings["http"] = serde_json::json!({ "disable_rate_limits": true });
        let input = ConnectionInput::from_config(format!("{} store", sim.kind()), config);
        let connection = connections::create(sync.db(), sync.keyring(), &input)
            .await
            .unwrap();
        sync.sync_connection(connection.id, RunMode::Full)
            .await
            .unwrap();
    }
    let shown = |id: &str| {
        first.store().read(|s| {
            let p = &s.products[id];
            p.brand
                .as_ref()
                .map_or_else(|| p.name.clone(), |b| format!("{b} {}", p.name))
        })
    };
    browser_support::run_script(
        "admin_products_e2e.mjs",
        &[
            ("CANOPY_ADMIN_URL", app.url("/admin")),
            ("CANOPY_ADMIN_TOKEN", app.token(Role::Admin, "admin-e2e")),
            ("SUGGESTED_PRODUCT", shown(&ids[named])),
            ("CONFLICT_PRODUCT", shown(&ids[conflicting])),
            (
                "SCREENSHOT_PATH",
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("../target/admin-products.png")
                    .display()
                    .to_string(),
            ),
        ],
        BROWSER_TIMEOUT,
    )
    .await;
    drop((first, second));
    app.stop().await.unwrap();
}

/// A Dutchie simulator over a small seeded store.
async fn dutchie() -> Box<dyn Simulator> {
    let kind = registry::kind(PosKind::Dutchie);
    (kind.simulator)(store(), SimulatorOptions::default())
        .await
        .unwrap()
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
