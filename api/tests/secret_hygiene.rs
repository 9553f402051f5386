//! A planted POS credential must appear nowhere it could leak: not in any API response
//! (successes, validation errors, failed connection tests, the audit log, metrics), not
//! in the logs at debug level, not in the SQLite database file.
#![allow(clippy::unwrap_used)]

mod admin_support;
mod common;

use std::{
    io::Write,
    path::PathBuf,
    sync::{Arc, Mutex, OnceLock, PoisonError},
};

use admin_support::{
    AUDIT_QUERY, Simulators, TEST_MUTATION, admin, create_input, create_mutation, list_query,
    sync_mutation, update_mutation,
};
use common::{TestApp, fixtures::each_backend, gql};
use serde_json::{Value, json};
use tracing_subscriber::{EnvFilter, fmt::MakeWriter};

/// The planted credentials: distinctive, so any copy of them is found.
const KEY: &str = "PLANTED-key-9b1f2e7c4d6a8035-api";
const SECRET: &str = "PLANTED-secret-5e3c1a9f7b2d4068";
const WEBHOOK_SECRET: &str = "PLANTED-whsec-a4c2e6f8b0d1397e";
const WRONG_KEY: &str = "PLANTED-wrong-key-0d9e8f7a6b5c4321";
const PLANTED: [&str; 4] = [KEY, SECRET, WEBHOOK_SECRET, WRONG_KEY];

/// Everything every subscriber in this process logged.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Self;

    fn make_writer(&'a self) -> Self {
        self.clone()
    }
}

/// Installs a debug-level subscriber (for `tracing` and `log` records) writing to memory.
fn capture_logs() -> Captured {
    static LOGS: OnceLock<Captured> = OnceLock::new();
    LOGS.get_or_init(|| {
        let captured = Captured::default();
        tracing_subscriber::fmt()
            .with_env_filter(EnvFilter::new("debug"))
            .with_writer(captured.clone())
            .with_ansi(false)
            .try_init()
            .unwrap();
        captured
    })
    .clone()
}

/// Runs a document, keeping the whole response text.
async fn run(
    app: &TestApp,
    token: &str,
    document: &str,
    variables: Value,
    seen: &mut Vec<String>,
) -> Value {
    let (status, body) = gql::execute(app, Some(token), document, variables).await;
    seen.push(format!("{status} {body}"));
    body
}

/// Every admin operation, with the planted secrets in play; returns what the API said.
async fn exercise(app: &TestApp, sims: &Simulators) -> Vec<String> {
    let mut seen = Vec::new();
    let token = admin(app, "ops");
    let mut input = create_input(sims.any(), "Hygiene store");
    assert_eq!(input["apiKey"], KEY);
    input["apiSecret"] = json!(SECRET);
    input["webhookSecret"] = json!(WEBHOOK_SECRET);
    let created = run(
        app,
        &token,
        &create_mutation(),
        json!({ "input": input }),
        &mut seen,
    )
    .await;
    let id = created["data"]["createProviderConnection"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let tested = run(app, &token, TEST_MUTATION, json!({ "id": id }), &mut seen).await;
    assert_eq!(
        tested["data"]["testProviderConnection"]["ok"], true,
        "{tested}"
    );
    run(
        app,
        &token,
        &sync_mutation(),
        json!({ "id": id }),
        &mut seen,
    )
    .await;
    run(app, &token, &list_query(), json!({}), &mut seen).await;
    run(
        app,
        &token,
        "query($id: ID!) { providerConnection(id: $id) { id apiKeyHint settings } }",
        json!({ "id": id }),
        &mut seen,
    )
    .await;
    run(
        app,
        &token,
        &update_mutation(),
        json!({ "id": id, "input": { "name": "Renamed", "apiSecret": SECRET } }),
        &mut seen,
    )
    .await;

    // invalid input carrying the secrets: refused without repeating them
    let hostile = [
        ("name", json!(KEY.repeat(4))),
        (
            "baseUrl",
            json!(format!("https://ops:{KEY}@pos.example.com")),
        ),
        ("baseUrl", json!(format!("http://pos.example.com/{KEY}"))),
        ("apiKey", json!(format!("{KEY}\n"))),
        // longer than any key, a private key in PEM included
        (
            "apiKey",
            json!(KEY.repeat(api::admin::validate::SECRET_CHARS.end() / KEY.len() + 1)),
        ),
        ("settings", json!({ "password": KEY })),
        ("settings", json!(KEY)),
    ];
    for (field, value) in hostile {
        let mut input = create_input(sims.any(), "Refused");
        input[field] = value;
        let body = run(
            app,
            &token,
            &create_mutation(),
            json!({ "input": input }),
            &mut seen,
        )
        .await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
            "{field}: {body}"
        );
        let body = run(
            app,
            &token,
            &update_mutation(),
            json!({ "id": id, "input": { field: input[field].clone() } }),
            &mut seen,
        )
        .await;
        assert!(body["errors"].is_array(), "{field}: {body}");
    }

    // a wrong key: the POS refuses it, the failed test says so without the key
    run(
        app,
        &token,
        &update_mutation(),
        json!({ "id": id, "input": { "apiKey": WRONG_KEY } }),
        &mut seen,
    )
    .await;
    let failed = run(app, &token, TEST_MUTATION, json!({ "id": id }), &mut seen).await;
    assert_eq!(
        failed["data"]["testProviderConnection"]["ok"], false,
        "{failed}"
    );
    run(
        app,
        &token,
        &sync_mutation(),
        json!({ "id": id }),
        &mut seen,
    )
    .await;
    run(app, &token, &list_query(), json!({}), &mut seen).await;
    run(app, &token, AUDIT_QUERY, json!({ "first": 100 }), &mut seen).await;
    seen.push(app.metrics_text().await);
    seen
}

/// The SQLite file (and its journal files) of `app`.
fn sqlite_files(app: &TestApp) -> Vec<PathBuf> {
    let url = app.state.config.database_url.expose().to_owned();
    let path = url
        .trim_start_matches("sqlite://")
        .split('?')
        .next()
        .unwrap();
    let path = PathBuf::from(path);
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|file| {
            file.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(&name)
        })
        .collect()
}

fn assert_absent(haystack: &[u8], place: &str) {
    for secret in PLANTED {
        assert!(
            !haystack
                .windows(secret.len())
                .any(|window| window == secret.as_bytes()),
            "{secret} leaked into {place}"
        );
    }
}

#[tokio::test]
async fn planted_credentials_appear_in_no_response_log_or_database_file() {
    let logs = capture_logs();
    let sims = Simulators::start(KEY).await;
    for backend in each_backend().await {
        let app = &backend.app;
        let responses = exercise(app, &sims).await;
        for response in &responses {
            assert_absent(
                response.as_bytes(),
                &format!("a response on {}: {response}", backend.backend),
            );
        }
        if backend.backend == "sqlite" {
            // the database file and its write-ahead log, live and after a checkpoint
            let live = sqlite_files(app);
            assert!(!live.is_empty());
            for file in &live {
                assert_absent(&std::fs::read(file).unwrap(), &file.display().to_string());
            }
            app.state.db.clone().close().await.unwrap();
            for file in sqlite_files(app) {
                assert_absent(&std::fs::read(&file).unwrap(), &file.display().to_string());
            }
        }
    }
    let logged = logs
        .0
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    assert!(
        logged.len() > 10_000,
        "the logs were captured ({} bytes)",
        logged.len()
    );
    assert!(
        String::from_utf8_lossy(&logged).contains("provider_connections"),
        "statements were logged"
    );
    assert_absent(&logged, "the logs");
}
