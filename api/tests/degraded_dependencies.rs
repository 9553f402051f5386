//! A failing dependency degrades the server, never stalls it: with its Redis hung
//! (SIGSTOP, not down), reads and orders pay the Redis timeout a few times until the
//! circuit breaker opens, then go on at database speed; `/readyz` stays 200 with the
//! cache `degraded` (`?strict` answers 503); after SIGCONT the probe closes the circuit,
//! the invalidations skipped meanwhile are applied (no stale read) and the cache serves
//! again. Each test runs a Redis of its own (`redis-server` on a free port); without
//! `redis-server` it is skipped, except under `CI=true`.
#![allow(clippy::unwrap_used)]

mod checkout_support;
mod common;

use std::time::{Duration, Instant};

use checkout_support::Shop;
use common::{TestApp, WAIT, own_redis::OwnRedis, spawn_app_with};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The Redis timeout of these tests (production: 2 s).
const REDIS_TIMEOUT: Duration = Duration::from_millis(1_000);
/// Consecutive Redis failures that open the circuit.
const THRESHOLD: usize = 3;
/// Slower than this is a request that waited on Redis.
const FAST: Duration = Duration::from_millis(400);

/// The product's stock through a public (response-cached) query, and how long it took.
async fn read_stock(app: &TestApp, shop: &Shop) -> (Value, Duration) {
    let query = format!(
        "{{ product(id: \"{}\") {{ id stock {{ reserved available }} }} }}",
        shop.flower.id
    );
    let started = Instant::now();
    let response = app.post_graphql(&json!({ "query": query })).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    let took = started.elapsed();
    assert!(body["errors"].is_null(), "{body}");
    (body["data"]["product"]["stock"][0].clone(), took)
}

/// `/readyz` (with `query`): status, body and time taken.
async fn ready(app: &TestApp, query: &str) -> (StatusCode, Value, Duration) {
    let started = Instant::now();
    let response = app
        .client
        .get(app.url(&format!("/readyz{query}")))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let body = response.json().await.unwrap();
    (status, body, started.elapsed())
}

/// A sample of the process's metrics.
async fn metric(app: &TestApp, line_start: &str) -> f64 {
    let text = app.metrics_text().await;
    text.lines()
        .find_map(|line| line.strip_prefix(line_start))
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or(0.0)
}

const CACHE_HITS: &str = "graphql_response_cache_total{outcome=\"hit\"}";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hung_redis_costs_a_few_timeouts_then_reads_and_orders_go_on() {
    let Some(redis) = OwnRedis::start().await else {
        return;
    };
    let url = redis.url();
    let app = spawn_app_with(|config| {
        config.redis_url = Some(url.parse().unwrap());
        config.redis_timeout = REDIS_TIMEOUT;
        config.redis_breaker_threshold = u32::try_from(THRESHOLD).unwrap();
        config.redis_probe_interval = Duration::from_millis(300);
    })
    .await;
    let shop = Shop::open(&app, 100).await;
    let (_, token) = shop.customer(&app).await;
    let (stock, _) = read_stock(&app, &shop).await;
    assert_eq!(stock["reserved"], 0);
    read_stock(&app, &shop).await; // cached now

    redis.signal("STOP");
    let mut reads = Vec::new();
    for _ in 0..10 {
        let (stock, took) = read_stock(&app, &shop).await;
        assert_eq!(stock["reserved"], 0);
        reads.push(took);
    }
    let mut orders = Vec::new();
    for i in 0..3 {
        let started = Instant::now();
        let body = shop
            .place(&app, &token, &[(shop.flower.id, 1)], &format!("hung-{i}"))
            .await;
        orders.push(started.elapsed());
        assert_eq!(body["data"]["placeOrder"]["status"], "PENDING", "{body}");
    }
    let (status, body, readyz_took) = ready(&app, "").await;
    let (strict, _, _) = ready(&app, "?strict").await;
    eprintln!(
        "redis hung: reads {reads:?}; placeOrder {orders:?}; /readyz {status} {body} in {readyz_took:?}; /readyz?strict {strict}"
    );
    let slow = reads.iter().filter(|took| **took >= FAST).count();
    assert!(slow <= THRESHOLD, "{slow} slow reads: {reads:?}");
    assert!(
        reads[THRESHOLD..].iter().all(|took| *took < FAST),
        "reads after the circuit opened: {reads:?}"
    );
    assert!(orders.iter().all(|took| *took < FAST), "{orders:?}");
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({ "database": "ok", "cache": "degraded" }));
    assert!(readyz_took < FAST, "{readyz_took:?}");
    assert_eq!(strict, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(metric(&app, "canopy_redis_circuit_open ").await, 1.0);
    let (stock, _) = read_stock(&app, &shop).await;
    assert_eq!(stock["reserved"], 3, "reads come from the database");

    redis.signal("CONT");
    let recovered = Instant::now();
    tokio::time::timeout(WAIT, async {
        while ready(&app, "?strict").await.0 != StatusCode::OK {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .expect("the circuit did not close after SIGCONT");
    eprintln!("circuit closed {:?} after SIGCONT", recovered.elapsed());
    assert_eq!(metric(&app, "canopy_redis_circuit_open ").await, 0.0);
    let (stock, _) = read_stock(&app, &shop).await;
    assert_eq!(
        stock["reserved"], 3,
        "the entry cached before the hang was invalidated"
    );
    let hits = metric(&app, CACHE_HITS).await;
    let (stock, took) = read_stock(&app, &shop).await;
    assert_eq!(stock["reserved"], 3);
    assert!(took < FAST, "{took:?}");
    assert!(
        metric(&app, CACHE_HITS).await > hits,
        "the cache serves again"
    );
    app.stop().await.unwrap();
}
