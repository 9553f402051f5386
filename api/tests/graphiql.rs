//! GraphiQL at `/graphql`, served from the binary: the page and its files carry a
//! Content-Security-Policy that names no other origin and the page names no other host;
//! in headless Chromium (Debian's `chromium`, driven by `playwright-core` from
//! `tests/browser/`, every host but localhost unresolvable) a query typed into the editor
//! runs and its result shows, a subscription reaches `/graphql/ws`, and nothing is
//! requested elsewhere or breaks the policy. The screenshot lands in `target/graphiql.png`.
//!
//! Without `/usr/bin/chromium` the browser test skips with a note, except under
//! `CI=true`, where it fails.
#![allow(clippy::unwrap_used)]

mod browser_support;
mod common;

use std::{path::Path, time::Duration};

use common::{fixtures::Seed, spawn_app};

/// How long the whole browser run may take.
const BROWSER_TIMEOUT: Duration = Duration::from_secs(120);

/// The page's files, as the page names them.
const ASSETS: [(&str, &str); 6] = [
    ("/graphql/assets/boot.js", "text/javascript"),
    ("/graphql/assets/graphiql.css", "text/css"),
    (
        "/graphql/assets/vendor/react-18.3.1/react.production.min.js",
        "text/javascript",
    ),
    (
        "/graphql/assets/vendor/react-dom-18.3.1/react-dom.production.min.js",
        "text/javascript",
    ),
    (
        "/graphql/assets/vendor/graphiql-3.9.0/graphiql.min.js",
        "text/javascript",
    ),
    (
        "/graphql/assets/vendor/graphiql-3.9.0/graphiql.min.css",
        "text/css",
    ),
];

#[tokio::test]
async fn the_page_and_its_files_name_no_other_origin() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/graphql"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let policy = header(&response, "content-security-policy");
    assert_eq!(header(&response, "cache-control"), "no-cache");
    let page = response.text().await.unwrap();
    assert!(page.contains("<title>Canopy GraphiQL</title>"), "{page}");
    assert!(!page.contains("://"), "the page names a host: {page}");
    for (path, _) in ASSETS {
        assert!(page.contains(path), "the page does not load {path}");
    }
    assert_strict(&policy);
    // the websocket origins named are this server's own
    let own = app.addr.to_string();
    let websockets: Vec<&str> = policy
        .split(' ')
        .filter(|source| source.starts_with("ws://") || source.starts_with("wss://"))
        .collect();
    assert_eq!(
        websockets,
        [format!("ws://{own}"), format!("wss://{own}")],
        "{policy}"
    );

    for (path, content_type) in ASSETS {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert!(
            header(&response, "content-type").starts_with(content_type),
            "{path}"
        );
        assert_strict(&header(&response, "content-security-policy"));
        assert_eq!(header(&response, "x-content-type-options"), "nosniff");
        let caching = header(&response, "cache-control");
        if path.contains("/vendor/") {
            assert!(caching.contains("immutable"), "{path}: {caching}");
        } else {
            assert_eq!(caching, "no-cache", "{path}");
        }
    }

    // a Host that could smuggle a source into the policy adds none
    let response = app
        .client
        .get(app.url("/graphql"))
        .header("accept", "text/html")
        .header("host", "evil.example;script-src")
        .send()
        .await
        .unwrap();
    let policy = header(&response, "content-security-policy");
    assert!(!policy.contains("evil"), "{policy}");
    assert_strict(&policy);

    // without text/html, GET /graphql is still the endpoint
    let response = app
        .client
        .get(app.url("/graphql?query=%7B__typename%7D"))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.text().await.unwrap().contains("\"Query\""));
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_query_typed_into_graphiql_runs_without_leaving_the_server() {
    if !browser_support::ready().await {
        return;
    }
    let app = spawn_app().await;
    let location = Seed::new(&app.state.db)
        .location("GraphiQL Heights (e2e)")
        .await;
    let screenshot = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/graphiql.png");
    browser_support::run_script(
        "graphiql_e2e.mjs",
        &[
            ("GRAPHIQL_URL", app.url("/graphql")),
            ("QUERY", "{ locations { id name } }".to_owned()),
            ("EXPECTED", format!("\"{}\"", location.name)),
            (
                "SUBSCRIPTION",
                format!(
                    "subscription {{ stockChanged(locationId: \"{}\") {{ onHand }} }}",
                    location.id
                ),
            ),
            ("SCREENSHOT_PATH", screenshot.display().to_string()),
        ],
        BROWSER_TIMEOUT,
    )
    .await;
    app.stop().await.unwrap();
}

/// Header `name` of `response`, which must be there.
fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_str()
        .unwrap()
        .to_owned()
}

/// Only this server's own files run, and no source but `'self'`, `data:` and this
/// server's websocket origins is named.
fn assert_strict(policy: &str) {
    assert!(policy.contains("default-src 'none'"), "{policy}");
    assert!(policy.contains("script-src 'self';"), "{policy}");
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    for source in policy.split([';', ' ']).filter(|s| s.contains(':')) {
        let local = source == "data:"
            || source.starts_with("ws://127.0.0.1:")
            || source.starts_with("wss://127.0.0.1:");
        assert!(local, "the policy names {source}: {policy}");
    }
}
