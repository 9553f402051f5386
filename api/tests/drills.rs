//! Fault drills on real processes (the short ones, run in CI; `bench/` holds the long
//! ones): each ends with the integrity check clean.
//!
//! An API replica is killed with SIGKILL in the middle of an order burst; clients whose
//! request died with it send the same request (same idempotency key) to the other
//! replica, as the load balancer's retry does. Every order a client saw acknowledged
//! exists exactly once, nothing is oversold, and the invariants hold. Needs PostgreSQL
//! (skipped without `TEST_DATABASE_URL`, a failure under `CI=true`).
#![allow(clippy::unwrap_used)]

mod checkout_support;
mod common;

use std::{collections::BTreeMap, time::Instant};

use checkout_support::{PLACE, Shop};
use common::{fresh_postgres_url, process::ServerProcess, spawn_app_with};
use entities::order;
use futures::future::join_all;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

/// Orders in the burst, and units of stock (fewer: some orders must be refused).
const ORDERS: usize = 60;
const STOCK: i64 = 40;

/// `placeOrder` at `url`; `None` when the request died with its replica.
async fn try_place(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    input: &Value,
) -> Option<Value> {
    let response = client
        .post(url)
        .bearer_auth(token)
        .json(&json!({ "query": PLACE, "variables": { "input": input } }))
        .send()
        .await
        .ok()?;
    response.json().await.ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_api_replica_killed_mid_burst_loses_and_doubles_nothing() {
    let Some(database) = fresh_postgres_url().await else {
        return;
    };
    let seeder = spawn_app_with(|config| config.database_url = database.parse().unwrap()).await;
    let shop = Shop::open(&seeder, STOCK).await;
    let doomed = ServerProcess::start(&database, None, &[("CANOPY_ROLE", "api")]).await;
    let survivor = ServerProcess::start(&database, None, &[("CANOPY_ROLE", "api")]).await;
    let mut customers = Vec::new();
    for n in 0..ORDERS {
        let (_, token) = shop.customer(&seeder).await;
        customers.push((
            token,
            shop.input(&[(shop.flower.id, 1)], &format!("drill-{n}")),
        ));
    }
    let client = reqwest::Client::new();
    let (doomed_url, survivor_url) = (doomed.url("/graphql"), survivor.url("/graphql"));
    let started = Instant::now();
    let burst = customers.iter().enumerate().map(|(n, (token, input))| {
        let client = &client;
        let first = if n % 2 == 0 {
            &doomed_url
        } else {
            &survivor_url
        };
        let survivor_url = &survivor_url;
        async move {
            match try_place(client, first, token, input).await {
                Some(body) => (body, false),
                None => (
                    try_place(client, survivor_url, token, input).await.unwrap(),
                    true,
                ),
            }
        }
    });
    let kill = async {
        // a third of the way into the burst, as seen by the database
        loop {
            let placed = order::Entity::find()
                .filter(order::Column::LocationId.eq(shop.location.id))
                .all(&seeder.state.db)
                .await
                .unwrap()
                .len();
            if placed >= ORDERS / 6 {
                doomed.signal("KILL");
                return placed;
            }
            tokio::task::yield_now().await;
        }
    };
    let (answers, killed_at) = tokio::join!(join_all(burst), kill);
    let elapsed = started.elapsed();

    let mut acknowledged: BTreeMap<String, String> = BTreeMap::new();
    let (mut refused, mut retried) = (0, 0);
    for (n, (body, was_retried)) in answers.iter().enumerate() {
        retried += usize::from(*was_retried);
        if body["errors"].is_null() {
            let id = body["data"]["placeOrder"]["id"]
                .as_str()
                .unwrap()
                .to_owned();
            acknowledged.insert(format!("drill-{n}"), id);
        } else {
            assert_eq!(common::first_code(body), "OUT_OF_STOCK", "{body}");
            refused += 1;
        }
    }
    let stored = order::Entity::find()
        .filter(order::Column::LocationId.eq(shop.location.id))
        .all(&seeder.state.db)
        .await
        .unwrap();
    let by_key: BTreeMap<String, Vec<Uuid>> =
        stored.iter().fold(BTreeMap::new(), |mut keys, order| {
            keys.entry(order.idempotency_key.clone())
                .or_default()
                .push(order.id);
            keys
        });
    for (key, id) in &acknowledged {
        assert_eq!(
            by_key
                .get(key)
                .map(|ids| ids.iter().map(Uuid::to_string).collect::<Vec<_>>()),
            Some(vec![id.clone()]),
            "acknowledged order {key} is stored exactly once"
        );
    }
    assert!(by_key.values().all(|ids| ids.len() == 1), "no key doubled");
    assert_eq!(acknowledged.len() + refused, ORDERS);
    assert_eq!(
        acknowledged.len(),
        usize::try_from(STOCK).unwrap(),
        "the stock sells out exactly"
    );
    let level = shop.stock(&seeder, shop.flower.id).await;
    assert_eq!(
        (level.on_hand, level.reserved),
        (STOCK, STOCK),
        "nothing oversold"
    );
    let report = api::integrity::check(&seeder.state.db, std::time::Duration::from_secs(900))
        .await
        .unwrap();
    assert!(report.is_clean(), "{:?}", report.violations);
    eprintln!(
        "drill api_kill: {ORDERS} orders in {elapsed:?}, replica killed after {killed_at} stored, \
         {retried} retried on the survivor, {} acknowledged, {refused} refused, \
         {} stored orders, 0 doubled, 0 oversold, 0 violations",
        acknowledged.len(),
        stored.len()
    );
    seeder.stop().await.unwrap();
}
