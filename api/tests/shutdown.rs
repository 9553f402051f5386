//! Graceful shutdown: the server future completes once the shutdown token is cancelled,
//! and `canopy serve` exits within its grace after SIGTERM however busy its workers are.
#![allow(clippy::unwrap_used)]

mod common;
mod orders_support;
mod sync_support;

use std::time::{Duration, Instant};

use common::{WAIT, process::ServerProcess, spawn_app};
use entities::{enums::QueueStatus, outbox};
use orders_support::OrdersEnv;
use providers::{
    model::PosKind,
    simulator::{Simulator, faults::Fault},
};
use reqwest::StatusCode;
use sea_orm::EntityTrait;

#[tokio::test]
async fn server_stops_after_the_shutdown_signal() {
    let app = spawn_app().await;
    let client = app.client.clone();
    let url = app.url("/healthz");
    let response = client.get(&url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    app.stop().await.unwrap();

    let after = reqwest::Client::new().get(&url).send().await;
    assert!(after.is_err(), "the listener is closed after shutdown");
}

/// Starts `canopy serve` on `env`'s database with a 2 s grace, waits until the simulator
/// has seen a request under `path` (a worker is in a slow POS call), sends SIGTERM and
/// asserts the process exits cleanly within the grace plus a second.
async fn exits_within_the_grace(env: &OrdersEnv, sim: &dyn Simulator, path: &str) {
    let before = sim.faults().requests_under(path);
    let mut server = ServerProcess::start(
        env.url().unwrap(),
        None,
        &[
            ("CANOPY_MASTER_KEY", env.master_key.as_str()),
            ("CANOPY_SHUTDOWN_GRACE", "2s"),
        ],
    )
    .await;
    tokio::time::timeout(WAIT, async {
        while sim.faults().requests_under(path) == before {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("no worker called the POS");

    let signalled = Instant::now();
    server.signal("TERM");
    let status = tokio::time::timeout(Duration::from_secs(60), server.exited())
        .await
        .expect("canopy serve did not exit within a minute of SIGTERM");
    let took = signalled.elapsed();
    eprintln!("{path}: exit {took:?} after SIGTERM (grace 2 s)");
    assert!(status.success(), "{status}");
    assert!(took < Duration::from_secs(3), "exit took {took:?}");
}

/// SIGTERM to a `canopy serve` process whose order-status poller is stuck in a round of
/// slow POS calls: the poller drops its round and the process exits within the grace
/// (before: it finished the round first, 10 s here and 83–130 s in production).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_ends_a_slow_status_round_within_the_grace() {
    let Some(env) = orders_support::postgres().await else {
        return;
    };
    let (sim, connection) = env.imported(PosKind::Dutchie).await;
    for _ in 0..8 {
        env.place(&connection, 1).await;
    }
    env.drain(&orders_support::fast_outbox()).await;
    // every status poll now hangs until the adapter's 5 s timeout
    sim.faults()
        .push_for("/preorder/Status", Fault::Delay { millis: 60_000 }, 1_000);
    exits_within_the_grace(&env, sim.as_ref(), "/preorder/Status").await;
}

/// SIGTERM while the outbox sender waits on slow order submissions: the sends in flight
/// are abandoned at the grace's end and their rows stay in the outbox, undelivered and
/// not dead-lettered, for the next process.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_abandons_slow_order_submissions_at_the_grace_end() {
    let Some(env) = orders_support::postgres().await else {
        return;
    };
    let (sim, connection) = env.imported(PosKind::Dutchie).await;
    for _ in 0..4 {
        env.place(&connection, 1).await;
    }
    sim.faults()
        .push_for("/preorder/submit", Fault::Delay { millis: 60_000 }, 1_000);
    exits_within_the_grace(&env, sim.as_ref(), "/preorder/submit").await;
    let rows = outbox::Entity::find().all(&env.db).await.unwrap();
    assert_eq!(rows.len(), 4);
    assert!(
        rows.iter()
            .all(|row| matches!(row.status, QueueStatus::Pending | QueueStatus::InFlight)),
        "{rows:?}"
    );
}
