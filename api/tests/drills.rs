//! Fault drills on real processes (the short ones, run in CI; `bench/` holds the long
//! ones): each ends with the integrity check clean.
//!
//! An API replica is killed with SIGKILL in the middle of an order burst; clients whose
//! request died with it send the same request (same idempotency key) to the other
//! replica, as the load balancer's retry does. Every order a client saw acknowledged
//! exists exactly once, nothing is oversold, and the invariants hold.
//!
//! The worker is killed with SIGKILL while the outbox drains orders to a POS simulator;
//! a second worker takes over: every order reaches the POS exactly once (the
//! simulator's own order list holds each of our order ids once).
//!
//! A POS goes down while orders wait for it: they queue and back off, one alert opens,
//! and when it returns every order reaches it once and the alert is resolved.
//!
//! All need PostgreSQL (skipped without `TEST_DATABASE_URL`, a failure under `CI=true`).
#![allow(clippy::unwrap_used)]

mod admin_support;
mod checkout_support;
mod common;
mod orders_support;
mod sync_support;

use std::{
    collections::BTreeMap,
    time::{Duration, Instant},
};

use api::{
    auth::Role,
    outbox::{OutboxConfig, OutboxSender, unreachable},
};
use base64::{Engine, engine::general_purpose::STANDARD};
use checkout_support::{PLACE, Shop};
use common::{WAIT, fresh_postgres_url, process::ServerProcess, spawn_app_with, wait::until};
use entities::{
    alert,
    enums::{OrderStatus, ProductCategory},
    location, order, product, stock_level,
};
use futures::future::join_all;
use providers::{
    registry::{self, SimulatorOptions},
    simulator::{faults::Fault, seed},
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::{Value, json};
use tokio_util::{sync::CancellationToken, task::TaskTracker};
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

/// Settings of every process of the outbox drill: one master key (the API stores the
/// connection's secrets, the workers read them), quick scans and retries.
fn drill_env(master_key: &str, role: &'static str) -> Vec<(&'static str, String)> {
    vec![
        ("CANOPY_ROLE", role.to_owned()),
        ("CANOPY_MASTER_KEY", master_key.to_owned()),
        ("CANOPY_SYNC_RESCAN_INTERVAL", "200ms".to_owned()),
        ("CANOPY_OUTBOX_POLL_INTERVAL", "20ms".to_owned()),
        ("CANOPY_OUTBOX_BASE_BACKOFF", "10ms".to_owned()),
        ("CANOPY_OUTBOX_CLAIM_LEASE", "2s".to_owned()),
        ("CANOPY_OUTBOX_BATCH", "4".to_owned()),
    ]
}

async fn start(database: &str, env: &[(&'static str, String)]) -> ServerProcess {
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    ServerProcess::start(database, None, &env).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_while_the_outbox_drains_delivers_every_order_once() {
    const DRAINED: usize = 24;
    let Some(database) = fresh_postgres_url().await else {
        return;
    };
    let seeder = spawn_app_with(|config| config.database_url = database.parse().unwrap()).await;
    let db = seeder.state.db.clone();
    let master_key = STANDARD.encode(rand::random::<[u8; 32]>());
    let api = start(&database, &drill_env(&master_key, "api")).await;
    let first_worker = start(&database, &drill_env(&master_key, "worker")).await;
    let kind = &registry::KINDS[0];
    let sim = (kind.simulator)(
        seed::seeded(&seed::SeedConfig::default()),
        SimulatorOptions::default(),
    )
    .await
    .unwrap();

    // the connection is made on the API; the worker imports it
    let admin = seeder.token(Role::Admin, "ops");
    let (_, created) = common::gql::execute_at(
        &seeder.client,
        &api.url("/graphql"),
        Some(&admin),
        &admin_support::create_mutation(),
        json!({ "input": admin_support::create_input(sim.as_ref(), "drill store") }),
    )
    .await;
    let connection: Uuid = created["data"]["createProviderConnection"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{created}"))
        .parse()
        .unwrap();
    // flower, which one unit of never exceeds a buyer's daily limit (a concentrate may)
    let stocked = || async {
        stock_level::Entity::find()
            .filter(stock_level::Column::OnHand.gte(i64::try_from(DRAINED).unwrap()))
            .filter(
                stock_level::Column::ProductId.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(product::Column::Id)
                        .from(product::Entity)
                        .and_where(product::Column::Category.eq(ProductCategory::Flower))
                        .to_owned(),
                ),
            )
            .filter(
                stock_level::Column::LocationId.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(location::Column::Id)
                        .from(location::Entity)
                        .and_where(location::Column::ConnectionId.eq(connection))
                        .to_owned(),
                ),
            )
            .order_by_asc(stock_level::Column::Id)
            .one(&db)
            .await
            .unwrap()
    };
    until(Duration::from_secs(30), "the first import", || async {
        stocked().await.is_some()
    })
    .await;
    let level = stocked().await.unwrap();
    let shop = Shop {
        location: location::Entity::find_by_id(level.location_id)
            .one(&db)
            .await
            .unwrap()
            .unwrap(),
        flower: product::Entity::find_by_id(level.product_id)
            .one(&db)
            .await
            .unwrap()
            .unwrap(),
    };

    // orders placed on the API wait in the outbox for the worker
    let mut placed = Vec::new();
    for n in 0..DRAINED {
        let (customer, token) = shop.customer(&seeder).await;
        // the POS keeps a profile per buyer, with an address
        checkout_support::update_customer(&seeder, &customer, |row| {
            row.address = Set(Some(format!("{n} Market St")));
            row.city = Set(Some("San Francisco".to_owned()));
            row.state = Set(Some("CA".to_owned()));
            row.postal_code = Set(Some("94105".to_owned()));
        })
        .await;
        let body = shop
            .place_at(
                &seeder.client,
                &api.url("/graphql"),
                &token,
                &[(shop.flower.id, 1)],
                &format!("drain-{n}"),
            )
            .await;
        assert!(body["errors"].is_null(), "{body}");
        placed.push(
            body["data"]["placeOrder"]["id"]
                .as_str()
                .unwrap()
                .parse::<Uuid>()
                .unwrap(),
        );
    }
    let submitted = || async {
        order::Entity::find()
            .filter(order::Column::Id.is_in(placed.clone()))
            .filter(order::Column::Status.ne(OrderStatus::Pending))
            .filter(order::Column::Status.ne(OrderStatus::Failed))
            .all(&db)
            .await
            .unwrap()
            .len()
    };
    // killed in the middle of the drain
    until(Duration::from_secs(30), "the drain to start", || async {
        submitted().await >= DRAINED / 4
    })
    .await;
    first_worker.signal("KILL");
    let at_kill = submitted().await;
    let started = Instant::now();
    let _second_worker = start(&database, &drill_env(&master_key, "worker")).await;
    until(
        Duration::from_secs(60),
        "every order to reach the POS",
        || async { submitted().await == DRAINED },
    )
    .await;
    let recovered = started.elapsed();

    let per_order: Vec<usize> = placed
        .iter()
        .map(|id| orders_support::sim_orders(sim.as_ref(), *id))
        .collect();
    assert!(
        per_order.iter().all(|count| *count == 1),
        "each order reached the POS exactly once: {per_order:?}"
    );
    let report = api::integrity::check(&db, Duration::from_secs(900))
        .await
        .unwrap();
    assert!(report.is_clean(), "{:?}", report.violations);
    eprintln!(
        "drill worker_kill: {DRAINED} orders, worker killed with {at_kill} submitted, \
         the second worker submitted the rest in {recovered:?}; POS orders per order: all 1, \
         0 violations"
    );
    seeder.stop().await.unwrap();
}

/// How long the POS of the POS-down drill stays down: `DRILL_POS_DOWN_SECS` (3 s by
/// default). The outbox's intervals are scaled down by [`SCALE`], so 60 s here stand for
/// ten minutes of a production outage.
fn pos_down() -> Duration {
    Duration::from_secs(
        std::env::var("DRILL_POS_DOWN_SECS")
            .ok()
            .and_then(|text| text.parse().ok())
            .unwrap_or(3),
    )
}

/// Production intervals over the drill's.
const SCALE: u32 = 10;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pos_down_queues_backs_off_alerts_and_delivers_every_order_once() {
    const ORDERS: usize = 12;
    let Some(env) = orders_support::postgres().await else {
        return;
    };
    let kind = registry::KINDS[0].kind;
    let (sim, connection) = env.imported(kind).await;
    sim.faults().push(Fault::Status { status: 503 }, u32::MAX);
    // the production settings, every interval scaled down
    let production = OutboxConfig::default();
    let config = OutboxConfig {
        poll_interval: production.poll_interval / SCALE,
        base_backoff: production.base_backoff / SCALE,
        max_backoff: Duration::from_millis(500),
        give_up_after: production.give_up_after / SCALE,
        ..production
    };
    let tracker = TaskTracker::new();
    let shutdown = CancellationToken::new();
    let sender = OutboxSender::start(
        env.delivery.dispatcher.clone(),
        config.clone(),
        &tracker,
        shutdown.clone(),
    );
    let mut placed = Vec::new();
    for _ in 0..ORDERS {
        placed.push(env.place(&connection, 1).await.id);
        sender.wake();
    }
    let down = Instant::now();
    let unreachable = unreachable::condition(connection.id);
    let alert_of = || async {
        alert::Entity::find()
            .filter(alert::Column::DedupeKey.eq(&unreachable))
            .all(&env.db)
            .await
            .unwrap()
    };
    until(pos_down() + WAIT, "the POS-down alert", || async {
        !alert_of().await.is_empty()
    })
    .await;
    let alerted = down.elapsed();
    tokio::time::sleep(pos_down().saturating_sub(down.elapsed())).await;

    // while down: every order waits, none failed, none at the POS, attempts backed off
    let mut attempts = Vec::new();
    for id in &placed {
        assert_eq!(env.order(*id).await.status, OrderStatus::Pending);
        assert_eq!(orders_support::sim_orders(sim.as_ref(), *id), 0);
        attempts.push(env.outbox_of(*id).await[0].attempts);
    }
    let most = *attempts.iter().max().unwrap();
    let unpaced = i32::try_from(pos_down().as_millis() / config.poll_interval.as_millis()).unwrap();
    // backing off to at most `max_backoff` (fully jittered: 250 ms on average) makes some
    // fifteen attempts in 3 s where a retry every poll would make sixty
    assert!(
        most * 2 < unpaced,
        "attempts backed off: at most {most} in {:?} (a retry every poll would be {unpaced})",
        pos_down()
    );

    sim.faults().clear();
    let back = Instant::now();
    until(
        Duration::from_secs(30),
        "every order at the POS",
        || async {
            let mut all = true;
            for id in &placed {
                all &= env.order(*id).await.status != OrderStatus::Pending;
            }
            all
        },
    )
    .await;
    let delivered = back.elapsed();
    for id in &placed {
        let status = env.order(*id).await.status;
        assert!(
            !matches!(status, OrderStatus::Failed | OrderStatus::Cancelled),
            "order {id} is {status:?}"
        );
        assert_eq!(
            orders_support::sim_orders(sim.as_ref(), *id),
            1,
            "order {id} reached the POS once"
        );
    }
    until(WAIT, "the alert to be resolved", || async {
        alert_of()
            .await
            .iter()
            .all(|alert| alert.resolved_at.is_some())
    })
    .await;
    let alerts = alert_of().await;
    assert_eq!(alerts.len(), 1, "one alert for the outage");
    shutdown.cancel();
    tracker.close();
    tracker.wait().await;
    let report = api::integrity::check(&env.db, Duration::from_secs(900))
        .await
        .unwrap();
    assert!(report.is_clean(), "{:?}", report.violations);
    eprintln!(
        "drill pos_down: {ORDERS} orders, POS down {:?} (x{SCALE} scale: {:?} in production); \
         attempts per order while down {:?} (max {most}); alert after {alerted:?}, \
         {} occurrences; all delivered once {delivered:?} after the POS returned; alert \
         resolved; 0 violations",
        pos_down(),
        pos_down() * SCALE,
        attempts,
        alerts[0].occurrences,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_twice_out_of_order_and_late_are_applied_once_in_order() {
    let Some(env) = orders_support::postgres().await else {
        return;
    };
    let Some(hooked) = registry::KINDS
        .iter()
        .find(|kind| kind.capabilities.webhooks)
    else {
        panic!("no registered POS sends webhooks");
    };
    let (sim, connection) = env.imported(hooked.kind).await;
    let mut hooks = orders_support::WebhookReceiver::register(sim.as_ref()).await;
    let placed = env.place(&connection, 1).await;
    env.drain(&orders_support::fast_outbox()).await;
    let external = env.order(placed.id).await.external_id.unwrap();

    // the POS's own webhooks for each step of the order, as it sent them
    let statuses = sim.order_statuses();
    let mut sent = BTreeMap::new();
    for step in [statuses.confirmed, statuses.ready, statuses.completed] {
        sim.advance_order(&external, step).await.unwrap();
        loop {
            let (headers, body) = hooks.next_raw().await;
            if String::from_utf8_lossy(&body).contains(step) {
                sent.insert(step, (headers, body));
                break;
            }
        }
    }
    let server = start(
        env.url().unwrap(),
        &[
            ("CANOPY_ROLE", "all".to_owned()),
            ("CANOPY_MASTER_KEY", env.master_key.clone()),
            ("CANOPY_ORDER_STATUS_INTERVAL", "1h".to_owned()),
        ],
    )
    .await;
    // ready before confirmed (out of order), each twice, confirmed again after completed (late)
    let schedule = [
        statuses.ready,
        statuses.ready,
        statuses.confirmed,
        statuses.completed,
        statuses.confirmed,
        statuses.completed,
    ];
    let client = reqwest::Client::new();
    let mut answers = BTreeMap::<String, usize>::new();
    for step in schedule {
        let (headers, body) = &sent[step];
        // the POS's own headers, less those of its connection to the receiver
        let mut headers = headers.clone();
        for hop in ["host", "content-length", "connection"] {
            headers.remove(hop);
        }
        let response = client
            .post(server.url(&format!("/webhooks/{}", connection.id)))
            .headers(headers)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let answer: Value = response.json().await.unwrap();
        *answers
            .entry(format!(
                "{status} {}",
                answer["status"].as_str().unwrap_or("?")
            ))
            .or_default() += 1;
    }
    until(
        Duration::from_secs(30),
        "every delivery processed",
        || async {
            let rows = api::webhooks::queue::deliveries(&env.db, connection.id)
                .await
                .unwrap();
            rows.len() == 3
                && rows
                    .iter()
                    .all(|row| row.status == entities::enums::QueueStatus::Done)
        },
    )
    .await;

    let order = env.order(placed.id).await;
    assert_eq!(order.status, OrderStatus::Completed);
    assert_eq!(order.vendor_status.as_deref(), Some(statuses.completed));
    let steps: Vec<OrderStatus> = env
        .order_events(placed.id)
        .await
        .iter()
        .map(|event| event.to_status)
        .collect();
    assert!(
        steps
            .windows(2)
            .all(|pair| api::orders::transitions::allowed(pair[0], pair[1])),
        "the order only moved forward: {steps:?}"
    );
    assert_eq!(
        steps
            .iter()
            .filter(|status| **status == OrderStatus::Completed)
            .count(),
        1,
        "completed once: {steps:?}"
    );
    assert_eq!(answers.get("202 duplicate"), Some(&3), "{answers:?}");
    let refused = alert::Entity::find()
        .filter(alert::Column::Kind.eq("order_transition_refused"))
        .all(&env.db)
        .await
        .unwrap();
    assert!(
        refused.is_empty(),
        "a late webhook is not an impossible move: {refused:?}"
    );
    let report = api::integrity::check(&env.db, Duration::from_secs(900))
        .await
        .unwrap();
    assert!(report.is_clean(), "{:?}", report.violations);
    eprintln!(
        "drill webhooks: {} deliveries ({answers:?}) of 3 POS webhooks, out of order and late; \
         stored 3, applied as {steps:?}, 0 refused, 0 violations",
        schedule.len()
    );
}
