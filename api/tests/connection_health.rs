//! Connection health tells the truth, and a new connection syncs at once (issue 12):
//! connections are added through the admin API to Dutchie simulators while the sync
//! workers run with a rescan interval of an hour, so only the creation's own trigger can
//! start their first sync. One simulator sends nothing but unusable stock records (its
//! connection is `FAILING` in the API, in the alert, in `/metrics` and on the admin page
//! in Chromium), one sends a single bad record among good ones (`DEGRADED`, with counts
//! and reasons), one is slow to answer (the admin sees its first sync running without
//! pressing "Sync now", then `HEALTHY`, in the API and on the admin page).
#![allow(clippy::unwrap_used)]

mod admin_support;
mod browser_support;
mod common;

use std::time::{Duration, Instant};

use admin_support::{admin, create, update_mutation};
use api::sync::{
    SyncWorkers, Synchronizer,
    rejections::EndpointTally,
    runs::{self, KEPT_RUNS, STALE_AFTER},
    workers::WorkerConfig,
};
use chrono::Utc;
use common::{TestApp, WAIT, fixtures::each_backend, gql, spawn_app};
use entities::{sync_run, sync_run_endpoint};
use providers::{
    dutchie::{self, DutchieSimOptions},
    simulator::{BadRecord, Fault, Simulator, seed},
};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use tokio_util::{sync::CancellationToken, task::TaskTracker};
use uuid::Uuid;

/// A connection with its sync status and last run.
const STATUS_QUERY: &str = "query($id: ID!) { providerConnection(id: $id) { id name health \
    syncStatus { state cause running lastSuccessAt lastRun { startedAt finishedAt read applied rejected \
    endpoints { endpoint read applied rejected skipped reasons } } } } }";

/// Unusable stock records the failing simulator sends.
const BAD_STOCK: usize = 12;

/// How long the browser run may take.
const BROWSER_TIMEOUT: Duration = Duration::from_secs(120);

/// The sync workers of a test server, scanning for new connections only once an hour.
struct Workers {
    tracker: TaskTracker,
    shutdown: CancellationToken,
}

impl Workers {
    fn start(app: &TestApp) -> Self {
        let tracker = TaskTracker::new();
        let shutdown = CancellationToken::new();
        let config = WorkerConfig {
            rescan_interval: Duration::from_secs(3600),
            ..WorkerConfig::default()
        };
        SyncWorkers::start(
            Synchronizer::for_state(&app.state),
            &app.state.sync,
            config,
            &tracker,
            shutdown.clone(),
        );
        Self { tracker, shutdown }
    }

    async fn stop(self) {
        self.shutdown.cancel();
        self.tracker.close();
        self.tracker.wait().await;
    }
}

/// A Dutchie simulator over a small seeded store with `products` products, sending
/// `bad_stock` stock records with a negative quantity besides the store's own.
async fn dutchie_sim(products: usize, bad_stock: usize) -> Box<dyn Simulator> {
    let store = seed::seeded(&seed::SeedConfig {
        seed: 7,
        locations: 1,
        products,
        customers: 3,
        transactions: 0,
    });
    let sim = dutchie::start(store, DutchieSimOptions::default())
        .await
        .unwrap();
    for _ in 0..bad_stock {
        let (collection, record) = sim.bad_record(BadRecord::NegativeQuantity);
        sim.store().push_raw(collection, record);
    }
    Box::new(sim)
}

/// Adds a connection to `sim` named `name` through the admin API; returns its id.
async fn add(app: &TestApp, token: &str, sim: &dyn Simulator, name: &str) -> String {
    create(app, token, sim, name).await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The connection `id` as `STATUS_QUERY` reads it.
async fn read(app: &TestApp, token: &str, id: &str) -> Value {
    gql::data(app, Some(token), STATUS_QUERY, json!({ "id": id })).await["providerConnection"]
        .clone()
}

/// Reads connection `id` until `done` holds, failing after [`WAIT`].
async fn until(
    app: &TestApp,
    token: &str,
    id: &str,
    what: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = Instant::now() + WAIT;
    loop {
        let connection = read(app, token, id).await;
        if done(&connection) {
            return connection;
        }
        assert!(Instant::now() < deadline, "{what}: {connection}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits for a run of connection `id` finished after `since` (any run when `None`).
async fn finished_run(app: &TestApp, token: &str, id: &str, since: Option<&str>) -> Value {
    until(app, token, id, "a finished sync run", |c| {
        let finished = c["syncStatus"]["lastRun"]["finishedAt"].as_str();
        !c["syncStatus"]["running"].as_bool().unwrap() && finished.is_some() && finished != since
    })
    .await
}

/// Waits for the first run of connection `id`; checks its state and health are `state`.
async fn settled(app: &TestApp, token: &str, id: &str, state: &str, backend: &str) -> Value {
    let connection = finished_run(app, token, id, None).await;
    assert_eq!(
        connection["syncStatus"]["state"], state,
        "{backend}: {connection}"
    );
    assert_eq!(connection["health"], state, "{backend}: {connection}");
    connection
}

/// The stock endpoint of a connection's last run.
fn stock(connection: &Value) -> &Value {
    connection["syncStatus"]["lastRun"]["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["endpoint"] == "stock")
        .unwrap_or_else(|| panic!("no stock endpoint: {connection}"))
}

/// The value of `canopy_sync_records_total` for `connection` and `outcome` at stock.
fn stock_records(metrics: &str, connection: &str, outcome: &str) -> Option<f64> {
    metrics
        .lines()
        .filter(|line| line.starts_with("canopy_sync_records_total{"))
        .filter(|line| line.contains(&format!("connection=\"{connection}\"")))
        .filter(|line| line.contains("endpoint=\"stock\""))
        .find(|line| line.contains(&format!("outcome=\"{outcome}\"")))
        .and_then(|line| line.rsplit(' ').next())
        .and_then(|value| value.parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_connection_syncs_at_once_and_shows_it_running() {
    let app = spawn_app().await;
    let workers = Workers::start(&app);
    let token = admin(&app, "ops@example.com");
    let sim = dutchie_sim(20, 0).await;
    // the first call of the first sync answers slowly, so the run is seen running
    sim.faults().push(Fault::Delay { millis: 1500 }, 1);

    let started = Instant::now();
    let id = add(&app, &token, sim.as_ref(), "Slow Dutchie").await;
    until(&app, &token, &id, "the first sync running", |c| {
        c["syncStatus"]["running"] == true
    })
    .await;
    let synced = finished_run(&app, &token, &id, None).await;
    let took = started.elapsed();
    assert!(took < WAIT, "first sync took {took:?}");
    assert_eq!(synced["syncStatus"]["state"], "HEALTHY", "{synced}");
    assert_eq!(synced["health"], "HEALTHY");
    assert!(synced["syncStatus"]["cause"].is_null());
    let stock = stock(&synced);
    assert!(stock["read"].as_u64().unwrap() > 0, "{stock}");
    assert_eq!(stock["applied"], stock["read"]);
    assert_eq!(stock["rejected"], 0);
    println!("first sync of a new connection finished {took:?} after it was added");

    // re-enabling starts a sync at once too
    let first = synced["syncStatus"]["lastRun"]["finishedAt"]
        .as_str()
        .unwrap()
        .to_owned();
    for enabled in [false, true] {
        gql::data(
            &app,
            Some(&token),
            &update_mutation(),
            json!({ "id": id, "input": { "enabled": enabled } }),
        )
        .await;
    }
    let again = finished_run(&app, &token, &id, Some(&first)).await;
    assert_eq!(again["syncStatus"]["state"], "HEALTHY", "{again}");

    workers.stop().await;
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unusable_stock_is_failing_and_some_bad_records_degrade() {
    let failing_sim = dutchie_sim(0, BAD_STOCK).await;
    let degraded_sim = dutchie_sim(20, 1).await;
    for (index, backend) in each_backend().await.into_iter().enumerate() {
        let app = &backend.app;
        let workers = Workers::start(app);
        let token = admin(app, "ops@example.com");
        let failing = add(app, &token, failing_sim.as_ref(), "Dutchie without stock").await;
        let degraded = add(
            app,
            &token,
            degraded_sim.as_ref(),
            "Dutchie with a bad record",
        )
        .await;

        let connection = settled(app, &token, &failing, "FAILING", backend.backend).await;
        let status = &connection["syncStatus"];
        let stock_run = stock(&connection);
        assert_eq!(stock_run["read"], BAD_STOCK);
        assert_eq!(stock_run["applied"], 0);
        assert_eq!(stock_run["rejected"], BAD_STOCK);
        let reasons: Vec<&str> = stock_run["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap())
            .collect();
        assert!(!reasons.is_empty(), "{stock_run}");
        // reasons name fields and faults, never the values sent
        assert!(reasons.iter().all(|r| !r.contains("-3")), "{reasons:?}");
        let cause = status["cause"].as_str().unwrap();
        let expected = format!("{BAD_STOCK} of {BAD_STOCK} stock records rejected — ");
        assert!(cause.starts_with(&expected), "{cause}");
        assert_eq!(status["lastRun"]["rejected"], BAD_STOCK);

        let connection = settled(app, &token, &degraded, "DEGRADED", backend.backend).await;
        let status = &connection["syncStatus"];
        let stock_run = stock(&connection);
        let read = stock_run["read"].as_u64().unwrap();
        assert!(read > 1, "{stock_run}");
        assert_eq!(stock_run["rejected"], 1);
        assert_eq!(stock_run["applied"].as_u64().unwrap(), read - 1);
        assert_eq!(stock_run["reasons"].as_array().unwrap().len(), 1);
        let cause = status["cause"].as_str().unwrap();
        assert!(
            cause.starts_with(&format!("1 of {read} stock records rejected — ")),
            "{cause}"
        );

        // the alert says how many and why
        let alerts = gql::data(
            app,
            Some(&token),
            "{ alerts(open: true) { kind severity message connection { id } } }",
            json!({}),
        )
        .await;
        let alert_of = |id: &str| {
            alerts["alerts"]
                .as_array()
                .unwrap()
                .iter()
                .find(|a| a["kind"] == "pos_bad_record" && a["connection"]["id"] == id)
                .cloned()
                .unwrap_or_else(|| panic!("no bad-record alert for {id}: {alerts}"))
        };
        let alert = alert_of(&failing);
        assert_eq!(alert["severity"], "CRITICAL");
        assert!(
            alert["message"].as_str().unwrap().starts_with(&expected),
            "{alert}"
        );
        assert_eq!(alert_of(&degraded)["severity"], "WARNING");

        let metrics = app.metrics_text().await;
        let rejected = stock_records(&metrics, &failing, "rejected").unwrap();
        assert!(rejected >= BAD_STOCK as f64, "{rejected}");
        assert_eq!(stock_records(&metrics, &failing, "applied"), Some(0.0));
        assert!(stock_records(&metrics, &degraded, "applied").unwrap() >= (read - 1) as f64);

        if index == 0 {
            see_it_in_the_browser(app, &token).await;
        }
        workers.stop().await;
    }
}

#[tokio::test]
async fn runs_are_kept_to_the_newest_and_an_abandoned_one_stops_running() {
    let sim = dutchie_sim(5, 0).await;
    for backend in each_backend().await {
        let app = &backend.app;
        let db = &app.state.db;
        let token = admin(app, "ops@example.com");
        let id: Uuid = add(app, &token, sim.as_ref(), "Accounted")
            .await
            .parse()
            .unwrap();
        let now = Utc::now();
        for n in 0..KEPT_RUNS + 5 {
            let run = runs::begin(db, id, "poll", now).await.unwrap();
            let tally = EndpointTally::new("stock", n, 0, &[]);
            runs::finish(db, run, &[tally], None, now).await.unwrap();
        }
        let kept = sync_run::Entity::find()
            .filter(sync_run::Column::ConnectionId.eq(id))
            .count(db)
            .await
            .unwrap();
        assert_eq!(kept, KEPT_RUNS, "{}", backend.backend);
        assert_eq!(
            sync_run_endpoint::Entity::find().count(db).await.unwrap(),
            KEPT_RUNS
        );
        let last = runs::last(db, id).await.unwrap().unwrap();
        assert_eq!(
            last.endpoints[0].read,
            KEPT_RUNS + 4,
            "the newest run is last"
        );

        // a run left open (its process died) stops counting as running
        assert!(!runs::running(db, id, now).await.unwrap());
        runs::begin(db, id, "poll", now).await.unwrap();
        assert!(runs::running(db, id, now).await.unwrap());
        assert!(!runs::running(db, id, now + STALE_AFTER).await.unwrap());
        // and the status still reads the last finished run
        assert_eq!(runs::last(db, id).await.unwrap(), Some(last));
    }
}

/// The admin page shows both connections' state with its cause, and a connection added
/// through its form (to a slow POS) shows its first sync running, then healthy.
async fn see_it_in_the_browser(app: &TestApp, token: &str) {
    if !browser_support::ready().await {
        return;
    }
    let slow = dutchie_sim(10, 0).await;
    slow.faults().push(Fault::Delay { millis: 1500 }, 1);
    let new_connection = browser_support::form_entry(slow.as_ref(), "Slow Dutchie (e2e)");
    let expected = json!([
        {
            "name": "Dutchie without stock",
            "state": "failing",
            "cause": format!("Failing: {BAD_STOCK} of {BAD_STOCK} stock records rejected — "),
        },
        {
            "name": "Dutchie with a bad record",
            "state": "degraded",
            "cause": "Degraded: 1 of ",
        },
    ]);
    browser_support::run_script(
        "admin_health_e2e.mjs",
        &[
            ("CANOPY_ADMIN_URL", app.url("/admin")),
            ("CANOPY_ADMIN_TOKEN", token.to_owned()),
            ("EXPECTED_STATES", expected.to_string()),
            ("NEW_CONNECTION", new_connection.to_string()),
        ],
        BROWSER_TIMEOUT,
    )
    .await;
}
