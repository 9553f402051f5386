//! Runs the node scripts in `tests/browser` that drive Debian's Chromium through
//! `playwright-core`: checks the browser is there, installs the scripts' npm
//! packages on first use, and runs one script with a time limit.

use std::{
    path::{Path, PathBuf},
    process::Output,
    time::Duration,
};

use providers::simulator::Simulator;
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use tokio::process::Command;

/// Debian's Chromium, which the scripts launch.
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// Time allowed for `npm ci`.
const NPM_CI_TIMEOUT: Duration = Duration::from_secs(300);

/// Whether the browser tests can run: Chromium is installed (under `CI=true` its absence
/// is a failure) and the scripts' npm packages are installed (installed here if not).
pub async fn ready() -> bool {
    if !Path::new(CHROMIUM).exists() {
        crate::common::skip::skip(format_args!(
            "{CHROMIUM} is missing (apt-get install chromium)"
        ));
        return false;
    }
    if !crate::common::skip::require_program("node") {
        return false;
    }
    install_playwright().await;
    true
}

/// Runs `node <script>` in `tests/browser` with `env` (plus `CHROMIUM_PATH`), within
/// `limit`, prints its output and fails the test when the script fails.
pub async fn run_script(script: &str, env: &[(&str, String)], limit: Duration) {
    let mut command = Command::new("node");
    command
        .arg(script)
        .current_dir(browser_dir())
        .env("CHROMIUM_PATH", CHROMIUM)
        .kill_on_drop(true);
    for (name, value) in env {
        command.env(name, value);
    }
    let output = tokio::time::timeout(limit, command.output())
        .await
        .unwrap_or_else(|_| panic!("{script} did not finish in time"))
        .expect("could not run node (is Node.js installed?)");
    print_output(&output);
    assert!(output.status.success(), "{script} failed");
}

/// `npm ci` in `tests/browser` unless a finished install is there, once per test binary
/// (its tests run in parallel) and under a file lock across processes: two `npm ci`
/// at once in one folder remove each other's files.
async fn install_playwright() {
    static INSTALLED: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    INSTALLED
        .get_or_init(|| async {
            let _lock = tokio::task::spawn_blocking(lock_installs)
                .await
                .expect("the npm install lock task panicked");
            // npm writes its hidden lockfile last: its presence means a whole install.
            if !browser_dir()
                .join("node_modules/.package-lock.json")
                .exists()
            {
                npm_ci().await;
            }
        })
        .await;
}

/// Holds an exclusive lock on a file in the temp dir until dropped.
fn lock_installs() -> std::fs::File {
    let path = std::env::temp_dir().join("canopy-browser-npm-ci.lock");
    let file = std::fs::File::create(&path)
        .unwrap_or_else(|error| panic!("cannot create {}: {error}", path.display()));
    file.lock()
        .unwrap_or_else(|error| panic!("cannot lock {}: {error}", path.display()));
    file
}

/// Runs `npm ci` in `tests/browser` within [`NPM_CI_TIMEOUT`].
async fn npm_ci() {
    let dir = browser_dir();
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

/// The folder of the node test scripts.
fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

/// A child's output, through the test harness (shown when the test fails).
fn print_output(output: &Output) {
    println!("{}", String::from_utf8_lossy(&output.stdout));
    println!("{}", String::from_utf8_lossy(&output.stderr));
}

/// What an admin types into the connection form to reach `sim`, named `name` (the
/// scripts' connection entries): the webhook secret goes in its own write-only field,
/// never among the vendor settings.
#[allow(dead_code)] // the widget's browser test adds no connections
pub fn form_entry(sim: &dyn Simulator, name: &str) -> Value {
    let config = sim.connection_config(uuid::Uuid::nil());
    let webhook_secret = config
        .webhook_secret
        .as_ref()
        .map(|secret| secret.expose_secret().to_owned());
    json!({
        "kind": providers::registry::kind(config.kind).label,
        "name": name,
        "baseUrl": config.base_url.as_str(),
        "apiKey": config.api_key.expose_secret(),
        "apiSecret": config.api_secret.as_ref().map(|secret| secret.expose_secret().to_owned()),
        "webhookSecret": webhook_secret,
        "settings": config.settings,
    })
}
