//! Two replicas on one PostgreSQL database and one Redis: a `stockChanged` subscriber on
//! a replica without workers, running as its own `canopy serve` process, sees a sale that
//! the other replica's pollers applied; and
//! when its Redis connections are cut and come back, the subscription resumes and the
//! read cache serves the new level. Skipped without `TEST_DATABASE_URL` and
//! `TEST_REDIS_URL` (a failure under `CI=true`).
#![allow(clippy::unwrap_used)]

mod common;
mod live_support;

use std::{net::SocketAddr, time::Duration};

use api::{auth::Role, config::Config};
use common::{
    TestApp, fresh_postgres_url, gql, process::ServerProcess, proxy::TcpProxy, service_url,
    spawn_app_with, ws::GqlSocket,
};
use live_support::{LiveDemo, Shelf, sell_one};
use serde_json::{Value, json};
use uuid::Uuid;

const STOCK_CHANGED: &str = "subscription($location: ID, $products: [ID!]) {
    stockChanged(locationId: $location, productIds: $products) { onHand available }
}";

/// How long one attempt waits for an event while Redis may still be reconnecting.
const ATTEMPT: Duration = Duration::from_secs(2);
/// How many sales a test makes at most before Redis must have come back.
const ATTEMPTS: usize = 10;

/// A replica on the shared database and a Redis at `redis` under `prefix`.
async fn replica(database: &str, redis: &str, prefix: &str) -> TestApp {
    spawn_app_with(|config: &mut Config| {
        config.database_url = database.parse().unwrap();
        config.redis_url = Some(redis.parse().unwrap());
        config.redis_prefix = prefix.to_owned();
    })
    .await
}

/// The shared services, or `None` (skip) when they are not configured.
async fn services() -> Option<(String, String)> {
    let database = fresh_postgres_url().await?;
    let redis = service_url("TEST_REDIS_URL")?;
    Some((database, redis))
}

async fn follow(addr: SocketAddr, shelf: &Shelf) -> GqlSocket {
    let mut socket = GqlSocket::connect(addr, None).await;
    socket
        .subscribe(
            "stock",
            STOCK_CHANGED,
            json!({ "location": shelf.location, "products": [shelf.product] }),
        )
        .await;
    socket.subscribe("sync", "{ apiVersion }", json!({})).await;
    assert_eq!(
        socket.next_payload("sync").await["data"]["apiVersion"],
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(socket.receive().await.unwrap()["type"], "complete");
    socket
}

async fn next_on_hand(socket: &mut GqlSocket) -> i64 {
    let payload = socket.next_payload("stock").await;
    assert!(payload.get("errors").is_none(), "{payload}");
    payload["data"]["stockChanged"]["onHand"].as_i64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscriber_on_one_replica_sees_a_change_applied_by_the_other() {
    let Some((database, redis)) = services().await else {
        return;
    };
    let prefix = format!("canopy-test-{}", Uuid::new_v4().simple());
    let worker = replica(&database, &redis, &prefix).await;
    let api_only = ServerProcess::start(
        &database,
        Some(&redis),
        &[
            ("CANOPY_NO_WORKERS", "true"),
            ("CANOPY_REDIS_PREFIX", &prefix),
        ],
    )
    .await;
    let live = LiveDemo::start(&worker, true).await;
    let shelf = live.shelves(&worker, 1).await.remove(0);
    let mut socket = follow(api_only.addr, &shelf).await;

    sell_one(&live.sim_url(), &shelf).await;
    assert_eq!(next_on_hand(&mut socket).await, shelf.on_hand - 1);

    live.stop().await;
    worker.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscriptions_resume_and_the_cache_repopulates_after_redis_comes_back() {
    let Some((database, redis)) = services().await else {
        return;
    };
    let target = redis
        .trim_start_matches("redis://")
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let proxy = TcpProxy::start(&target).await;
    let prefix = format!("canopy-test-{}", Uuid::new_v4().simple());
    let worker = replica(&database, &redis, &prefix).await;
    let api_only = replica(&database, &format!("redis://{}", proxy.addr()), &prefix).await;
    let live = LiveDemo::start(&worker, true).await;
    let shelf = live.shelves(&worker, 1).await.remove(0);
    let mut socket = follow(api_only.addr, &shelf).await;
    let token = api_only.token(Role::Storefront, "shop");
    assert_eq!(
        stock_on_hand(&api_only, &token, &shelf).await,
        shelf.on_hand
    );

    // Redis goes away for this replica (every connection cut) and comes back.
    proxy.sever();
    let mut on_hand = shelf.on_hand;
    let mut resumed = None;
    'sales: for _ in 0..ATTEMPTS {
        sell_one(&live.sim_url(), &shelf).await;
        on_hand -= 1;
        // events published while the replica was reconnecting are lost; once subscribed
        // again it re-reads the level (which may predate this sale), and later ones arrive
        while let Ok(received) = tokio::time::timeout(ATTEMPT, next_on_hand(&mut socket)).await {
            assert!(received >= on_hand, "{received} is a level from the future");
            if received == on_hand {
                resumed = Some(received);
                break 'sales;
            }
        }
    }
    assert_eq!(resumed, Some(on_hand), "the subscription did not resume");

    // The cache serves the new level (entries were invalidated, then filled again).
    assert_eq!(stock_on_hand(&api_only, &token, &shelf).await, on_hand);
    assert_eq!(stock_on_hand(&api_only, &token, &shelf).await, on_hand);

    live.stop().await;
    api_only.stop().await.unwrap();
    worker.stop().await.unwrap();
}

/// The shelf's on-hand count as `app` answers it over GraphQL.
async fn stock_on_hand(app: &TestApp, token: &str, shelf: &Shelf) -> i64 {
    let data: Value = gql::data(
        app,
        Some(token),
        "query($id: ID!, $location: ID) { product(id: $id) { stock(locationId: $location) { onHand } } }",
        json!({ "id": shelf.product, "location": shelf.location }),
    )
    .await;
    data["product"]["stock"][0]["onHand"].as_i64().unwrap()
}
