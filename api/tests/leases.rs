//! One poller per connection across replicas: the `sync_leases` lease has one holder,
//! lapses when its holder stops renewing, and two worker sets on one database poll each
//! connection from one of them only, the other taking over when the holder stops.
//! SQLite and PostgreSQL.
#![allow(clippy::unwrap_used)]

mod common;
mod sync_support;

use std::time::Duration;

use api::{
    state::SyncControl,
    sync::{SyncWorkers, lease::Lease, workers::WorkerConfig},
};
use providers::model::PosKind;
use tokio_util::{sync::CancellationToken, task::TaskTracker};

use common::WAIT;
use sync_support::SyncEnv;

const PERIOD: Duration = Duration::from_millis(600);

/// Waits until `check` holds, polling, failing after [`WAIT`]; returns the time it took.
async fn eventually(mut check: impl FnMut() -> bool) -> Duration {
    let started = tokio::time::Instant::now();
    tokio::time::timeout(WAIT, async {
        while !check() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("condition not reached in time");
    started.elapsed()
}

async fn a_lease_has_one_holder_and_lapses(env: SyncEnv) {
    let a = Lease::new(env.db.clone(), "job", "a", PERIOD);
    let b = Lease::new(env.db.clone(), "job", "b", PERIOD);
    assert!(a.acquire().await.unwrap());
    assert!(!b.acquire().await.unwrap(), "held by a");
    assert!(a.acquire().await.unwrap(), "a renews");
    // a dies (stops renewing): b takes over once the period has passed, not before
    let died = tokio::time::Instant::now();
    loop {
        if b.acquire().await.unwrap() {
            break;
        }
        assert!(died.elapsed() < PERIOD * 2, "b never took over");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(died.elapsed() >= PERIOD - Duration::from_millis(50));
    assert!(!a.acquire().await.unwrap(), "a lost it");
    // a clean release hands over at once
    b.release().await.unwrap();
    assert!(a.acquire().await.unwrap());
}

async fn one_poller_per_connection_and_takeover(env: SyncEnv) {
    let sim = sync_support::simulator(PosKind::Dutchie).await;
    let connection = env.connect(sim.as_ref()).await;
    let control = SyncControl::new(env.events.clone());
    let start = |holder: &str, shutdown: &CancellationToken, tracker: &TaskTracker| {
        SyncWorkers::start(
            env.sync.clone(),
            &control,
            WorkerConfig {
                rescan_interval: Duration::from_millis(50),
                lease_period: PERIOD,
                holder: holder.to_owned(),
                ..WorkerConfig::default()
            },
            tracker,
            shutdown.clone(),
        )
    };
    let (stop_a, stop_b) = (CancellationToken::new(), CancellationToken::new());
    let (tracker_a, tracker_b) = (TaskTracker::new(), TaskTracker::new());
    let a = start("replica-a", &stop_a, &tracker_a);
    let b = start("replica-b", &stop_b, &tracker_b);

    eventually(|| a.active().len() + b.active().len() == 1).await;
    eventually(|| a.polled().contains(&connection.id) && b.polled().contains(&connection.id)).await;
    // over two lease periods, never both
    let until = tokio::time::Instant::now() + PERIOD * 2;
    while tokio::time::Instant::now() < until {
        assert!(
            a.active().len() + b.active().len() <= 1,
            "two active pollers"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (holder, holder_stop, holder_tracker, standby) = if a.active().is_empty() {
        (b, stop_b, tracker_b, a)
    } else {
        (a, stop_a, tracker_a, b)
    };
    assert_eq!(holder.active(), vec![connection.id]);

    // the holder goes away: the standby polls within a lease period
    holder_stop.cancel();
    holder_tracker.close();
    tokio::time::timeout(WAIT, holder_tracker.wait())
        .await
        .unwrap();
    let took = eventually(|| standby.active() == vec![connection.id]).await;
    assert!(took <= PERIOD + PERIOD / 2, "took over after {took:?}");
    let polled_at = env
        .cursor(connection.id, api::sync::Stream::Stock)
        .await
        .and_then(|cursor| cursor.last_run_at);
    assert!(polled_at.is_some(), "the connection was polled");
}

mod sqlite {
    #[tokio::test]
    async fn a_lease_has_one_holder_and_lapses() {
        super::a_lease_has_one_holder_and_lapses(crate::sync_support::sqlite().await).await
    }
    #[tokio::test]
    async fn one_poller_per_connection_and_takeover() {
        super::one_poller_per_connection_and_takeover(crate::sync_support::sqlite().await).await
    }
}

mod postgres {
    #[tokio::test]
    async fn a_lease_has_one_holder_and_lapses() {
        if let Some(env) = crate::sync_support::postgres().await {
            super::a_lease_has_one_holder_and_lapses(env).await
        }
    }
    #[tokio::test]
    async fn one_poller_per_connection_and_takeover() {
        if let Some(env) = crate::sync_support::postgres().await {
            super::one_poller_per_connection_and_takeover(env).await
        }
    }
}
