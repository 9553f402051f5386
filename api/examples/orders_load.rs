//! Load generator for `bench/orders.sh`: places orders through `placeOrder` as many
//! customers at once, each with a unique idempotency key, for a fixed time; then waits
//! at most `drain seconds` for the outbox to drain (no order left PENDING) and prints
//! the figures:
//!
//! `placed=<n> refused=<n> errors=<n> orders_per_s=<x> p50_ms=<x> p99_ms=<x> drain_s=<x> delivered=<n> pending=<n> delivered_per_s=<x>`
//!
//! `delivered_per_s` counts the orders that left PENDING from the start of the load to
//! the end of the drain. The POS simulators enforce the vendors' documented rate limits,
//! so delivery is paced by them, not by Canopy, once the load outruns them.
//!
//! Usage: `orders_load <graphql url> <jwt secret> <seconds> <concurrency> <drain seconds>`. Tokens are
//! minted with the server's HS256 secret (admin to read the catalog and customers and
//! watch the outbox, customer tokens to order).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use api::auth::{JwtKeys, Role};
use serde_json::{Value, json};

const PLACE: &str =
    "mutation Place($input: PlaceOrderInput!) { placeOrder(input: $input) { id status } }";
const CATALOG: &str = "query { products(first: 100) { edges { node { id stock { location { id } available } } } } customers(first: 100) { edges { node { id } } } }";
const PENDING: &str = "query { orders(status: PENDING, first: 1) { totalCount } }";

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, url, secret, seconds, concurrency, drain_limit] = args.as_slice() else {
        eprintln!(
            "usage: orders_load <graphql url> <jwt secret> <seconds> <concurrency> <drain seconds>"
        );
        std::process::exit(2);
    };
    let seconds: u64 = seconds.parse().expect("seconds");
    let drain_limit = Duration::from_secs(drain_limit.parse().expect("drain seconds"));
    let concurrency: usize = concurrency.parse().expect("concurrency");
    let keys = JwtKeys::hs256(secret.as_bytes(), None);
    let hour = Duration::from_secs(3600);
    let admin = keys.mint(Role::Admin, "bench:admin", hour).unwrap();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let gql = Gql {
        client,
        url: url.clone(),
    };

    let catalog = gql.post(&admin, CATALOG, json!({})).await;
    let targets: Vec<(String, String)> = catalog["data"]["products"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|edge| {
            let product = edge["node"]["id"].as_str().unwrap().to_owned();
            edge["node"]["stock"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|s| s["available"].as_i64().unwrap_or(0) > 0)
                .map(move |s| {
                    (
                        product.clone(),
                        s["location"]["id"].as_str().unwrap().to_owned(),
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let customers: Vec<String> = catalog["data"]["customers"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            keys.mint(Role::Customer, e["node"]["id"].as_str().unwrap(), hour)
                .unwrap()
        })
        .collect();
    assert!(
        !targets.is_empty() && !customers.is_empty(),
        "the demo catalog is empty"
    );

    let stats = Arc::new(Mutex::new(Stats::default()));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|worker| {
            let (gql, stats, targets, customers) = (
                gql.clone(),
                stats.clone(),
                targets.clone(),
                customers.clone(),
            );
            tokio::spawn(async move {
                let mut n = worker;
                while Instant::now() < deadline {
                    let (product, location) = &targets[n % targets.len()];
                    let token = &customers[n % customers.len()];
                    n += concurrency;
                    let input = json!({"input": {
                        "locationId": location,
                        "lines": [{"productId": product, "quantity": 1}],
                        "fulfillment": "PICKUP",
                        "idempotencyKey": uuid::Uuid::new_v4().to_string(),
                    }});
                    let sent = Instant::now();
                    let body = gql.post(token, PLACE, input).await;
                    let elapsed = sent.elapsed();
                    stats.lock().unwrap().record(&body, elapsed);
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await.unwrap();
    }
    let load = started.elapsed();

    let drain_started = Instant::now();
    let pending = loop {
        let pending =
            gql.post(&admin, PENDING, json!({})).await["data"]["orders"]["totalCount"].as_u64();
        if pending == Some(0) || drain_started.elapsed() > drain_limit {
            break pending.unwrap_or(0);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let drain = drain_started.elapsed();
    let stats = stats.lock().unwrap();
    let delivered = stats.placed.saturating_sub(pending);
    let total = load + drain;
    println!(
        "placed={} refused={} errors={} orders_per_s={:.1} p50_ms={:.1} p99_ms={:.1} drain_s={:.2} delivered={} pending={} delivered_per_s={:.1}",
        stats.placed,
        stats.refused,
        stats.errors,
        stats.placed as f64 / load.as_secs_f64(),
        stats.percentile(0.50),
        stats.percentile(0.99),
        drain.as_secs_f64(),
        delivered,
        pending,
        delivered as f64 / total.as_secs_f64(),
    );
}

#[derive(Clone)]
struct Gql {
    client: reqwest::Client,
    url: String,
}

impl Gql {
    async fn post(&self, token: &str, query: &str, variables: Value) -> Value {
        match self
            .client
            .post(&self.url)
            .bearer_auth(token)
            .json(&json!({"query": query, "variables": variables}))
            .send()
            .await
        {
            Ok(response) => response.json().await.unwrap_or(Value::Null),
            Err(_) => Value::Null,
        }
    }
}

#[derive(Default)]
struct Stats {
    placed: u64,
    refused: u64,
    errors: u64,
    latencies_ms: Vec<f64>,
}

impl Stats {
    fn record(&mut self, body: &Value, elapsed: Duration) {
        self.latencies_ms.push(elapsed.as_secs_f64() * 1000.0);
        match body["errors"][0]["extensions"]["code"].as_str() {
            None if body["data"]["placeOrder"]["id"].is_string() => self.placed += 1,
            Some("OUT_OF_STOCK" | "COMPLIANCE_LIMIT") => self.refused += 1,
            _ => self.errors += 1,
        }
    }

    fn percentile(&self, p: f64) -> f64 {
        let mut sorted = self.latencies_ms.clone();
        sorted.sort_by(f64::total_cmp);
        sorted
            .get(((sorted.len() as f64 * p).ceil() as usize).saturating_sub(1))
            .copied()
            .unwrap_or(0.0)
    }
}
