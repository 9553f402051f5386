//! Canopy behind a real Varnish (Debian's `varnishd`, `deploy/varnish/canopy.vcl`): a
//! public menu read twice is served the second time without reaching Canopy; a register
//! sale at a POS simulator, once Canopy applies it, purges the menu by surrogate key so
//! Varnish serves the new count within about a second; customer and admin reads and
//! POSTs reach Canopy every time. What reaches Canopy is counted by a hop in front of it
//! that only the test's own requests pass, not by Varnish's headers.
//! A response computed before a change and stored by Varnish just after its purge is
//! purged again a second later. A purge endpoint that hangs or fails never slows a read
//! or a sync, and a purge still gathering at shutdown is sent before the process exits.
#![allow(clippy::unwrap_used)]

mod checkout_support;
mod common;
mod sync_support;

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use api::auth::Role;
use checkout_support::Shop;
use common::{
    TestApp, WAIT,
    process::ServerProcess,
    spawn_app_with,
    varnish::{Varnish, free_port, varnishd},
    wait::until,
};
use entities::stock_level;
use providers::model::PosKind;
use reqwest::header;
use serde_json::{Value, json};
use sync_support::{SyncEnv, next_event, simulator, stock_by_pos_ids};
use tokio::{net::TcpListener, sync::oneshot};
use uuid::Uuid;

const MENU: &str = "query Menu($l: ID) { products(locationId: $l, first: 100) { edges { node { id name stock(locationId: $l) { available } } } } }";

/// `GET /graphql` of the menu of `location` at `base` (Canopy or Varnish), with `token`.
async fn menu(
    client: &reqwest::Client,
    base: &str,
    location: Uuid,
    token: Option<&str>,
) -> reqwest::Response {
    let variables = json!({ "l": location }).to_string();
    let mut request = client
        .get(format!("{base}/graphql"))
        .query(&[("query", MENU), ("variables", variables.as_str())])
        .header(header::ACCEPT, "application/json");
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    response
}

/// What `row`'s product shows as available in a menu body.
fn available(body: &Value, row: &stock_level::Model) -> Option<i64> {
    body["data"]["products"]["edges"]
        .as_array()?
        .iter()
        .find(|edge| edge["node"]["id"] == row.product_id.to_string())?["node"]["stock"]
        .as_array()?
        .first()?["available"]
        .as_i64()
}

/// Canopy purging a Varnish on `varnish_port`, with a Dutchie simulator imported, and a
/// stock row it can sell two of.
struct Imported {
    app: TestApp,
    env: SyncEnv,
    sim: Box<dyn providers::simulator::Simulator>,
    connection: Uuid,
    /// The row's product and location as the POS names them.
    pos_ids: (String, String),
    row: stock_level::Model,
}

impl Imported {
    /// Imports the simulator into an app purging by `PURGE` with a `Surrogate-Key`
    /// header, each change's keys a second time `repeat_after` later; returns once the
    /// import's purges are out.
    async fn start(varnish_port: u16, repeat_after: Duration) -> Self {
        let app = spawn_app_with(|config| {
            config.edge.purge_url = format!("http://127.0.0.1:{varnish_port}/").parse().ok();
            config.edge.purge_method = "PURGE".to_owned();
            config.edge.purge_headers = "Surrogate-Key: {keys}".parse().ok();
            config.edge.purge_window = Duration::from_millis(20);
            config.edge.purge_repeat_after = repeat_after;
        })
        .await;
        let env = SyncEnv::of_app(&app.state);
        let sim = simulator(PosKind::Dutchie).await;
        let connection = env.connect(sim.as_ref()).await.id;
        env.sync
            .sync_connection(connection, api::sync::RunMode::Full)
            .await
            .unwrap();
        let (product, location, row) = stock_by_pos_ids(&env, connection)
            .await
            .into_iter()
            .find(|(_, _, row)| row.on_hand >= 2 && row.reserved == 0)
            .unwrap();
        let imported = Self {
            app,
            env,
            sim,
            connection,
            pos_ids: (product, location),
            row,
        };
        imported.purges().settled().await;
        imported
    }

    fn purges(&self) -> &api::cache::edge::EdgePurges {
        self.app.state.edge_purges.as_ref().unwrap()
    }

    /// Sells two of the row's product at the register and waits until Canopy has
    /// applied the sale (its stock event); returns when that was.
    async fn sell_two(&self) -> Instant {
        let mut events = self.env.stock_events();
        let (product, location) = &self.pos_ids;
        self.sim
            .store()
            .record_sale(product, location, 2, None)
            .unwrap();
        self.env
            .sync
            .sync_connection(self.connection, api::sync::RunMode::Incremental)
            .await
            .unwrap();
        loop {
            let event = next_event(&mut events).await;
            if (event.product_id, event.location_id) == (self.row.product_id, self.row.location_id)
            {
                assert_eq!(event.available, self.row.on_hand - 2);
                return Instant::now();
            }
        }
    }

    /// Reads the menu at `base` until it shows the sale, for at most `limit` after
    /// `applied`; returns what it last showed and when.
    async fn until_sold(
        &self,
        base: &str,
        applied: Instant,
        limit: Duration,
    ) -> (Option<i64>, Duration) {
        let client = reqwest::Client::new();
        let sold = Some(self.row.on_hand - 2);
        loop {
            let body: Value = menu(&client, base, self.row.location_id, None)
                .await
                .json()
                .await
                .unwrap();
            let seen = available(&body, &self.row);
            if seen == sold || applied.elapsed() >= limit {
                return (seen, applied.elapsed());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// A hop between Varnish and Canopy. It counts the requests that reach Canopy through it,
/// by method (Canopy's own `http_requests_total` is process-wide, and the other tests of
/// this binary move it too), and when armed it holds the next response until the test
/// releases it: a response computed before a change and delivered after its purge.
#[derive(Clone)]
struct Hop {
    client: reqwest::Client,
    backend: String,
    reached: Arc<Mutex<HashMap<String, u64>>>,
    armed: Arc<Mutex<Option<Hold>>>,
}

/// An armed hold: what tells the test Canopy has answered, and what releases the answer.
type Hold = (oneshot::Sender<()>, oneshot::Receiver<()>);

impl Hop {
    /// A hop to `backend`, listening on a free port.
    async fn start(backend: std::net::SocketAddr) -> (Self, std::net::SocketAddr) {
        let hop = Self {
            client: reqwest::Client::new(),
            backend: format!("http://{backend}"),
            reached: Arc::default(),
            armed: Arc::default(),
        };
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let router = axum::Router::new()
            .fallback(Self::forward)
            .with_state(hop.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
        (hop, addr)
    }

    /// How many `method` requests to `/graphql` reached Canopy through the hop.
    fn reached(&self, method: &str) -> u64 {
        self.reached
            .lock()
            .unwrap()
            .get(method)
            .copied()
            .unwrap_or_default()
    }

    /// Holds the next response: `held` fires once Canopy has answered, and the answer
    /// goes on when the returned sender fires.
    fn arm(&self) -> (oneshot::Receiver<()>, oneshot::Sender<()>) {
        let (held_tx, held) = oneshot::channel();
        let (release, release_rx) = oneshot::channel();
        *self.armed.lock().unwrap() = Some((held_tx, release_rx));
        (held, release)
    }

    async fn forward(
        axum::extract::State(hop): axum::extract::State<Self>,
        request: axum::extract::Request,
    ) -> axum::response::Response {
        let (parts, body) = request.into_parts();
        if parts.uri.path() == "/graphql" {
            *hop.reached
                .lock()
                .unwrap()
                .entry(parts.method.to_string())
                .or_default() += 1;
        }
        let url = format!("{}{}", hop.backend, parts.uri);
        let body = axum::body::to_bytes(body, usize::MAX).await.unwrap();
        let mut forwarded = hop.client.request(parts.method, url).body(body);
        for (name, value) in &parts.headers {
            if name != header::HOST {
                forwarded = forwarded.header(name, value);
            }
        }
        let answer = forwarded.send().await.unwrap();
        let mut response = axum::http::Response::builder().status(answer.status());
        for (name, value) in answer.headers() {
            if name != header::TRANSFER_ENCODING && name != header::CONTENT_LENGTH {
                response = response.header(name, value);
            }
        }
        let body = answer.bytes().await.unwrap();
        let armed = hop.armed.lock().unwrap().take();
        if let Some((held, release)) = armed {
            let _ = held.send(());
            let _ = release.await;
        }
        response.body(axum::body::Body::from(body)).unwrap()
    }
}

#[tokio::test]
async fn varnish_serves_public_menus_until_canopy_purges_them() {
    let Some(varnishd) = varnishd() else {
        return;
    };
    let port = free_port();
    // hits are counted exactly here: no second purge may land between two reads
    let imported = Imported::start(port, Duration::ZERO).await;
    let (app, row) = (&imported.app, &imported.row);
    let (hop, hop_addr) = Hop::start(app.addr).await;
    let varnish = Varnish::start(&varnishd, port, hop_addr).await;
    let client = reqwest::Client::new();
    let canopy = app.url("");
    let edge = varnish.url("");

    // Canopy names the menu's keys; the edge strips them
    let direct = menu(&client, &canopy, row.location_id, None).await;
    let keys = direct.headers()["surrogate-key"]
        .to_str()
        .unwrap()
        .to_owned();
    for key in [
        "catalog".to_owned(),
        format!("stock-at:{}", row.location_id),
        format!("location:{}", row.location_id),
    ] {
        assert!(keys.split(' ').any(|k| k == key), "{key} not in {keys}");
    }
    assert_eq!(
        direct.headers()["cache-tag"].to_str().unwrap(),
        keys.replace(' ', ",")
    );
    // ...and every product and location it shows, also when Canopy's own cache answers
    let body: Value = direct.json().await.unwrap();
    let shown: Vec<String> = body["data"]["products"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| format!("product:{}", edge["node"]["id"].as_str().unwrap()))
        .collect();
    assert!(
        !shown.is_empty() && shown.len() <= 99,
        "{} products",
        shown.len()
    );
    let hit = menu(&client, &canopy, row.location_id, None).await;
    assert_eq!(hit.headers()["surrogate-key"].to_str().unwrap(), keys);
    for key in &shown {
        assert!(keys.split(' ').any(|k| k == key), "{key} not in {keys}");
    }

    // (a) the second read is Varnish's alone
    let before = hop.reached("GET");
    let first: Value = menu(&client, &edge, row.location_id, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(hop.reached("GET"), before + 1);
    let second = menu(&client, &edge, row.location_id, None).await;
    assert_eq!(second.headers()["x-cache"], "HIT");
    assert!(second.headers().get("surrogate-key").is_none());
    let second: Value = second.json().await.unwrap();
    assert_eq!(second, first);
    assert_eq!(hop.reached("GET"), before + 1, "the hit reached Canopy");
    assert_eq!(available(&first, row), Some(row.on_hand));

    // (b) a register sale, once applied, reaches the edge within about a second
    let applied = imported.sell_two().await;
    let (seen, took) = imported
        .until_sold(&edge, applied, Duration::from_secs(3))
        .await;
    assert_eq!(
        seen,
        Some(row.on_hand - 2),
        "Varnish still serves the old count"
    );
    assert!(took < Duration::from_millis(1200), "purged after {took:?}");
    println!("Varnish served the new count {took:?} after Canopy announced the sale");

    // (c) nothing private is cached: tokens and POSTs reach Canopy every time
    let customer = app.token(Role::Customer, &Uuid::now_v7().to_string());
    let admin = app.token(Role::Admin, "ops");
    for token in [&customer, &admin] {
        let before = hop.reached("GET");
        for _ in 0..2 {
            let response = menu(&client, &edge, row.location_id, Some(token)).await;
            assert_ne!(response.headers().get("x-cache").unwrap(), "HIT");
        }
        assert_eq!(hop.reached("GET"), before + 2);
        let direct = menu(&client, &canopy, row.location_id, Some(token)).await;
        assert_eq!(direct.headers()["cache-control"], "private, no-store");
        assert!(direct.headers().get("surrogate-key").is_none());
        assert!(direct.headers().get("cache-tag").is_none());
    }
    let before = hop.reached("POST");
    for _ in 0..2 {
        let response = client
            .post(varnish.url("/graphql"))
            .json(&json!({ "query": MENU, "variables": { "l": row.location_id } }))
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success());
    }
    assert_eq!(hop.reached("POST"), before + 2);
    drop(varnish);
    imported.app.stop().await.unwrap();
}

#[tokio::test]
async fn a_stale_answer_stored_after_the_purge_is_purged_again() {
    let Some(varnishd) = varnishd() else {
        return;
    };
    let repeat_after = Duration::from_secs(1);
    let port = free_port();
    let imported = Imported::start(port, repeat_after).await;
    let row = &imported.row;
    let (hop, hop_addr) = Hop::start(imported.app.addr).await;
    let varnish = Varnish::start(&varnishd, port, hop_addr).await;
    // the import's own second purges are out of the way
    tokio::time::sleep(repeat_after * 2).await;
    imported.purges().settled().await;
    let client = reqwest::Client::new();
    let edge = varnish.url("");

    // a menu read that Canopy answers before the sale and Varnish stores after it
    let (held, release) = hop.arm();
    let read = {
        let (client, edge, location) = (client.clone(), edge.clone(), row.location_id);
        tokio::spawn(async move {
            let body: Value = menu(&client, &edge, location, None)
                .await
                .json()
                .await
                .unwrap();
            body
        })
    };
    held.await.unwrap();
    let applied = imported.sell_two().await;
    // the first purge is out before the old answer reaches Varnish
    imported.purges().settled().await;
    release.send(()).unwrap();
    assert_eq!(available(&read.await.unwrap(), row), Some(row.on_hand));
    let stale = menu(&client, &edge, row.location_id, None).await;
    assert_eq!(stale.headers()["x-cache"], "HIT", "the race was not staged");
    assert_eq!(
        available(&stale.json().await.unwrap(), row),
        Some(row.on_hand)
    );

    // the second purge ends it, well before the answer's max-age (10 s)
    let (seen, took) = imported
        .until_sold(&edge, applied, Duration::from_secs(4))
        .await;
    assert_eq!(
        seen,
        Some(row.on_hand - 2),
        "Varnish still serves the stale answer"
    );
    println!("the stale answer was served until {took:?} after the sale was applied");
    drop(varnish);
    imported.app.stop().await.unwrap();
}

/// A purge endpoint that accepts connections and never answers.
async fn hanging_endpoint() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/purge", listener.local_addr().unwrap());
    (listener, url)
}

#[tokio::test]
async fn a_hanging_purge_endpoint_slows_no_read_and_no_sync() {
    let (listener, url) = hanging_endpoint().await;
    // accepted and held open, never answered
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            open.push(socket);
        }
    });
    let app = spawn_app_with(|config| {
        config.edge.purge_url = url.parse().ok();
        config.edge.purge_timeout = Duration::from_secs(30);
        config.edge.purge_window = Duration::from_millis(10);
    })
    .await;
    let env = SyncEnv::of_app(&app.state);
    let sim = simulator(PosKind::Jane).await;
    let connection = env.connect(sim.as_ref()).await.id;
    let started = Instant::now();
    env.sync
        .sync_connection(connection, api::sync::RunMode::Full)
        .await
        .unwrap();
    let (product, location, row) = stock_by_pos_ids(&env, connection)
        .await
        .into_iter()
        .find(|(_, _, row)| row.on_hand >= 1)
        .unwrap();
    // many changes, each offered while the first purge hangs
    for _ in 0..3 {
        sim.store().record_sale(&product, &location, 1, None).ok();
        env.sync
            .sync_connection(connection, api::sync::RunMode::Incremental)
            .await
            .unwrap();
    }
    let client = reqwest::Client::new();
    for _ in 0..3 {
        menu(&client, &app.url(""), row.location_id, None).await;
    }
    assert!(
        started.elapsed() < WAIT,
        "syncs and reads waited on the purge endpoint: {:?}",
        started.elapsed()
    );
    held.abort();
    app.stop().await.unwrap();
}

#[tokio::test]
async fn failed_purges_raise_an_alert_the_system_resolves() {
    use api::alerts::edge_purge::EDGE_PURGE_FAILING;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

    // an endpoint that refuses the purge, then accepts it
    let status = std::sync::Arc::new(std::sync::atomic::AtomicU16::new(500));
    let answer = std::sync::Arc::clone(&status);
    let endpoint = axum::Router::new().fallback(move || {
        let status = answer.load(std::sync::atomic::Ordering::SeqCst);
        async move { axum::http::StatusCode::from_u16(status).unwrap() }
    });
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, endpoint).await });
    let app = spawn_app_with(|config| {
        config.edge.purge_url = url.parse().ok();
        config.edge.purge_retries = 1;
        config.edge.purge_min_backoff = Duration::from_millis(5);
        config.edge.purge_window = Duration::from_millis(5);
    })
    .await;
    let tracker = tokio_util::task::TaskTracker::new();
    api::alerts::edge_purge::watch_edge_purges(&app.state, &tracker, app.shutdown.clone());
    let invalidate = || async {
        app.state.cache.invalidate_tags(&["catalog"]).await.unwrap();
    };
    let alert = || async {
        entities::alert::Entity::find()
            .filter(entities::alert::Column::Kind.eq(EDGE_PURGE_FAILING))
            .one(&app.state.db)
            .await
            .unwrap()
    };
    invalidate().await;
    until(WAIT, "the purge alert", || async {
        alert().await.is_some()
    })
    .await;
    assert!(alert().await.unwrap().resolved_at.is_none());
    let text = app.metrics_text().await;
    assert!(
        text.contains("canopy_edge_purges_total{outcome=\"failed\"}"),
        "{text}"
    );

    status.store(204, std::sync::atomic::Ordering::SeqCst);
    invalidate().await;
    until(WAIT, "the alert resolved", || async {
        alert()
            .await
            .is_some_and(|alert| alert.resolved_at.is_some())
    })
    .await;
    app.stop().await.unwrap();
}

/// A checkout's purge still gathering when the process is told to stop (here a one-hour
/// gathering window holds it) is sent before the process exits, not lost with it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn purges_still_gathering_at_shutdown_are_sent_before_the_process_exits() {
    use wiremock::{Mock, MockServer, ResponseTemplate, matchers::path};

    let Some(database) = common::fresh_postgres_url().await else {
        return;
    };
    let seeder = spawn_app_with(|config| config.database_url = database.parse().unwrap()).await;
    let shop = Shop::open(&seeder, 10).await;
    let (_, token) = shop.customer(&seeder).await;
    let endpoint = MockServer::start().await;
    Mock::given(path("/purge"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&endpoint)
        .await;
    let purge_url = format!("{}/purge", endpoint.uri());
    let mut server = ServerProcess::start(
        &database,
        None,
        &[
            ("CANOPY_ROLE", "api"),
            ("CANOPY_PURGE_URL", &purge_url),
            ("CANOPY_PURGE_BODY", "{keys}"),
            ("CANOPY_PURGE_WINDOW", "1h"),
        ],
    )
    .await;

    let client = reqwest::Client::new();
    let body = shop
        .place_at(
            &client,
            &server.url("/graphql"),
            &token,
            &[(shop.flower.id, 1)],
            "flush-1",
        )
        .await;
    assert!(body["errors"].is_null(), "{body}");
    // the reservation's purge waits in the gathering window
    assert!(endpoint.received_requests().await.unwrap().is_empty());

    server.signal("TERM");
    let exited = tokio::time::timeout(WAIT, server.exited())
        .await
        .expect("canopy did not stop within its grace period");
    assert!(exited.success(), "{exited}");
    let purges = endpoint.received_requests().await.unwrap();
    assert_eq!(purges.len(), 1, "{purges:?}");
    let keys = String::from_utf8_lossy(&purges[0].body).into_owned();
    let menu = api::cache::tags::stock_at(shop.location.id);
    assert!(keys.split(' ').any(|key| key == menu), "{keys}");
    seeder.stop().await.unwrap();
}
