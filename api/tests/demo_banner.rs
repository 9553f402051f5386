//! `canopy serve --demo` as a storefront engineer meets it, run as the real binary: it
//! prints one banner naming GraphiQL, the admin page, the widget and every simulator,
//! with an admin token that works against `/graphql` and a customer token; routine
//! start-up logs (migrations) stay below info; the admin page signs in with the demo's
//! token in one click (in headless Chromium, `target/admin-demo.png`). Without `--demo`,
//! `/demo/session` does not exist.
//!
//! Without `/usr/bin/chromium` the browser part skips with a note, except under
//! `CI=true`, where it fails.
#![allow(clippy::unwrap_used)]

mod browser_support;
mod common;

use std::{
    path::Path,
    process::Stdio,
    sync::{Arc, Mutex},
    time::Duration,
};

use common::{process::ServerProcess, wait};
use providers::registry::KINDS;
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio::{
    io::{AsyncBufRead, AsyncBufReadExt, BufReader},
    process::{Child, Command},
};

/// How long the demo may take to import its stores and print the banner.
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// How long the browser run may take.
const BROWSER_TIMEOUT: Duration = Duration::from_secs(90);
/// The banner's last line.
const BANNER_END: &str = "throwaway secret";

/// A running `canopy serve --demo` and what it printed.
struct DemoProcess {
    child: Child,
    banner: Banner,
    /// Its log (standard error), as read so far.
    log: Arc<Mutex<Vec<String>>>,
    _dir: TempDir,
}

/// What the banner says.
#[derive(Debug, Default)]
struct Banner {
    graphiql: String,
    admin_page: String,
    widget: String,
    admin_token: String,
    customer_token: String,
    /// Each simulator's kind label and URL.
    simulators: Vec<(String, String)>,
}

impl DemoProcess {
    /// Starts the demo on a SQLite file, without staff, on a port the system picks, with
    /// no environment (so the default log filter applies); returns once the banner is out.
    async fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let database = format!("sqlite://{}/c.db?mode=rwc", dir.path().display());
        let mut child = Command::new(env!("CARGO_BIN_EXE_canopy"))
            .args(["--database-url", &database, "serve", "--demo"])
            .args(["--addr", "127.0.0.1:0", "--demo-no-staff"])
            .env_clear()
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
        let sink = Arc::clone(&log);
        tokio::spawn(async move {
            while let Ok(Some(line)) = stderr.next_line().await {
                sink.lock().unwrap().push(line);
            }
        });
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let banner = tokio::time::timeout(START_TIMEOUT, read_banner(&mut stdout))
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "no banner in time; log:\n{}",
                    log.lock().unwrap().join("\n")
                )
            });
        // keep draining standard output so the process never blocks on a full pipe
        tokio::spawn(async move {
            let mut lines = stdout.lines();
            while let Ok(Some(_)) = lines.next_line().await {}
        });
        Self {
            child,
            banner,
            log,
            _dir: dir,
        }
    }

    /// Stops the process with SIGTERM, as an operator would, and checks it exits cleanly.
    async fn stop(mut self) {
        common::process::send_signal(self.child.id().unwrap(), "TERM");
        let status = tokio::time::timeout(START_TIMEOUT, self.child.wait())
            .await
            .expect("the demo did not stop in time")
            .unwrap();
        assert!(status.success(), "the demo exited with {status}");
    }
}

/// Reads standard output up to the banner's last line and parses the banner.
async fn read_banner(stdout: &mut (impl AsyncBufRead + Unpin)) -> Banner {
    let mut text = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        assert!(
            stdout.read_line(&mut line).await.unwrap() > 0,
            "the demo exited before its banner; it printed:\n{}",
            text.join("\n")
        );
        text.push(line.trim_end().to_owned());
        if line.contains(BANNER_END) {
            break;
        }
    }
    parse(&text)
}

/// The banner's URLs, tokens and simulators.
fn parse(lines: &[String]) -> Banner {
    let mut banner = Banner::default();
    let url = |line: &str, label: &str| {
        line.trim()
            .strip_prefix(label)
            .map(|rest| rest.trim().to_owned())
    };
    let mut in_simulators = false;
    for (index, line) in lines.iter().enumerate() {
        let next = || lines.get(index + 1).map_or("", |l| l.trim()).to_owned();
        if let Some(found) = url(line, "GraphiQL") {
            banner.graphiql = found;
        } else if let Some(found) = url(line, "Admin page") {
            banner.admin_page = found;
        } else if let Some(found) = url(line, "Stock widget") {
            banner.widget = found;
        } else if line.trim_start().starts_with("Admin token") {
            banner.admin_token = next();
        } else if line.trim_start().starts_with("Customer token") {
            banner.customer_token = next();
        } else if line.trim() == "POS simulators:" {
            in_simulators = true;
        } else if in_simulators {
            match line.split_whitespace().collect::<Vec<_>>()[..] {
                [kind, url] => banner.simulators.push((kind.to_owned(), url.to_owned())),
                _ => in_simulators = false,
            }
        }
    }
    banner
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_says_where_to_go_and_its_tokens_open_the_api_and_the_admin_page() {
    let demo = DemoProcess::start().await;
    let banner = &demo.banner;
    let client = reqwest::Client::new();
    println!("{banner:#?}");

    // the pages it names are served
    assert!(banner.graphiql.ends_with("/graphql"), "{banner:?}");
    assert!(banner.admin_page.ends_with("/admin"), "{banner:?}");
    assert!(banner.widget.contains("/widget?product="), "{banner:?}");
    let graphiql = get_text(&client, &banner.graphiql, "text/html").await;
    assert!(graphiql.contains("Canopy GraphiQL"));
    let admin = get_text(&client, &banner.admin_page, "text/html").await;
    assert!(admin.contains("Sign in with the demo admin token"));
    get_text(&client, &banner.widget, "text/html").await;

    // every simulator, each answering at its URL
    let kinds: Vec<&str> = banner.simulators.iter().map(|(k, _)| k.as_str()).collect();
    let expected: Vec<&str> = KINDS.iter().map(|kind| kind.label).collect();
    assert_eq!(kinds, expected, "{banner:?}");
    for (kind, url) in &banner.simulators {
        let answer = client.get(url).timeout(common::WAIT).send().await;
        assert!(answer.is_ok(), "the {kind} simulator at {url}: {answer:?}");
    }

    // the admin token is an admin's: it reads the connections, which nobody else may
    let endpoint = banner.graphiql.clone();
    let query = "{ providerConnections { name kind } }";
    let answer = graphql(&client, &endpoint, Some(&banner.admin_token), query).await;
    assert!(answer.get("errors").is_none(), "{answer}");
    let connections = answer["data"]["providerConnections"].as_array().unwrap();
    assert_eq!(connections.len(), KINDS.len(), "{answer}");
    let anonymous = graphql(&client, &endpoint, None, query).await;
    assert!(anonymous.get("errors").is_some(), "{anonymous}");
    // the customer token is a customer's
    let me = graphql(
        &client,
        &endpoint,
        Some(&banner.customer_token),
        "{ me { email } }",
    )
    .await;
    assert!(me["data"]["me"]["email"].is_string(), "{me}");
    // the admin page's offer comes from /demo/session, with the printed token
    let session = base(&endpoint) + "/demo/session";
    let session: Value =
        serde_json::from_str(&get_text(&client, &session, "application/json").await).unwrap();
    assert_eq!(session["adminToken"], banner.admin_token.as_str());

    // routine start-up stays below info, while info logs are on
    wait::until(common::WAIT, "the log of the listening server", || {
        let log = Arc::clone(&demo.log);
        async move { has_line(&log, "canopy listening") }
    })
    .await;
    let log = demo.log.lock().unwrap().join("\n");
    assert!(
        !log.to_lowercase().contains("migration"),
        "migrations are logged at info:\n{log}"
    );

    if browser_support::ready().await {
        let names: Vec<&str> = connections
            .iter()
            .map(|connection| connection["name"].as_str().unwrap())
            .collect();
        let screenshot = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/admin-demo.png");
        browser_support::run_script(
            "admin_demo_e2e.mjs",
            &[
                ("CANOPY_ADMIN_URL", banner.admin_page.clone()),
                ("DEMO_CONNECTIONS", json!(names).to_string()),
                ("SCREENSHOT_PATH", screenshot.display().to_string()),
            ],
            BROWSER_TIMEOUT,
        )
        .await;
    }
    demo.stop().await;
}

#[tokio::test]
async fn without_demo_there_is_no_demo_session() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}/c.db?mode=rwc", dir.path().display());
    let server = ServerProcess::start(&database, None, &[]).await;
    let response = reqwest::get(server.url("/demo/session")).await.unwrap();
    assert_eq!(response.status(), 404);
    // the admin page itself is there, with its (hidden) offer
    let response = reqwest::get(server.url("/admin")).await.unwrap();
    assert_eq!(response.status(), 200);
}

/// Whether `log` has a line containing `text`.
fn has_line(log: &Mutex<Vec<String>>, text: &str) -> bool {
    log.lock().unwrap().iter().any(|line| line.contains(text))
}

/// `http://host:port` of `url`.
fn base(url: &str) -> String {
    let url = reqwest::Url::parse(url).unwrap();
    url[..url::Position::BeforePath].to_owned()
}

/// The body of a successful `GET url`, accepting `accept`.
async fn get_text(client: &reqwest::Client, url: &str, accept: &str) -> String {
    let response = client
        .get(url)
        .header("accept", accept)
        .timeout(common::WAIT)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{url}");
    response.text().await.unwrap()
}

/// Runs `query` at `endpoint` with `token`, if any.
async fn graphql(
    client: &reqwest::Client,
    endpoint: &str,
    token: Option<&str>,
    query: &str,
) -> Value {
    let mut request = client
        .post(endpoint)
        .header("accept", "application/json")
        .json(&json!({ "query": query }))
        .timeout(common::WAIT);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap().json().await.unwrap()
}
