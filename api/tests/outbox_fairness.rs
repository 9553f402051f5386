//! Outbox fairness, on SQLite and PostgreSQL: a row whose sender died (its lease ran
//! out) is claimed ahead of the rows written since; an order that expired or was
//! cancelled while its row waited is never sent to the POS; and polling the status of
//! many open orders does not starve the delivery of new ones on a shared POS rate limit.
#![allow(clippy::unwrap_used)]

mod common;
mod orders_support;
mod sync_support;

use std::time::{Duration, Instant};

use api::{
    events::outbox::kinds,
    orders::{
        expiry,
        status_sync::{Observation, StatusPoller, StatusSyncConfig, apply::Authority},
    },
    outbox::{OutboxConfig, queue},
};
use chrono::{TimeDelta, Utc};
use entities::{
    enums::{ChangeSource, OrderStatus, QueueStatus},
    order, outbox,
};
use orders_support::{OrdersEnv, fast_outbox, sim_orders};
use providers::{
    dispense::DispenseSimOptions,
    http::RateLimit,
    model::PosKind,
    simulator::{Fault, seed},
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use serde_json::json;
use uuid::Uuid;

/// A row claimed by a sender that died is claimed again first once its lease runs
/// out, not after every row written in the meantime.
async fn expired_leases_are_claimed_first(env: OrdersEnv) {
    let db = &env.db;
    let crashed = Uuid::now_v7();
    env.enqueue(crashed, kinds::SUBMIT_ORDER, json!({})).await;
    let lease = Duration::from_secs(1);
    let claimed_at = Utc::now();
    let in_flight = queue::claim(db, 1, lease, claimed_at).await.unwrap();
    assert_eq!(in_flight.len(), 1);
    let crashed_row = in_flight[0].id;
    // ...the sender dies; forty newer rows come due before its lease ends
    let mut newer = Vec::new();
    for _ in 0..40 {
        let order = Uuid::now_v7();
        env.enqueue(order, kinds::SUBMIT_ORDER, json!({})).await;
        newer.push(order);
    }
    let after_lease = claimed_at + TimeDelta::seconds(2);
    let claimed = queue::claim(db, 5, lease, after_lease).await.unwrap();
    let ids: Vec<Uuid> = claimed.iter().map(|row| row.id).collect();
    assert!(
        ids.contains(&crashed_row),
        "{}: the abandoned row waits behind newer ones",
        env.backend
    );
    let mut orders: Vec<Uuid> = claimed
        .iter()
        .map(|row| row.aggregate_id)
        .filter(|id| *id != crashed)
        .collect();
    orders.sort();
    assert_eq!(orders, newer[..4], "then the oldest due rows");
    let retried = claimed.iter().find(|row| row.id == crashed_row).unwrap();
    assert_eq!(
        (retried.status, retried.attempts),
        (QueueStatus::InFlight, 2)
    );
}

/// Cancels `order_id` as `cancelOrder` does (status, released stock, `cancel_order` row).
async fn cancel(env: &OrdersEnv, order_id: Uuid) {
    let observed = Observation {
        status: Some(OrderStatus::Cancelled),
        reason: Some("changed my mind".into()),
        ..Observation::default()
    };
    env.delivery
        .applier
        .apply(order_id, observed, ChangeSource::Api, Authority::Pos)
        .await
        .unwrap();
    env.enqueue(
        order_id,
        kinds::CANCEL_ORDER,
        json!({ "reason": "changed my mind" }),
    )
    .await;
}

/// Sets when the order's reservation runs out.
async fn expires_at(env: &OrdersEnv, order_id: Uuid, at: chrono::DateTime<Utc>) {
    order::Entity::update_many()
        .col_expr(order::Column::ReservationExpiresAt, Expr::value(Some(at)))
        .filter(order::Column::Id.eq(order_id))
        .exec(&env.db)
        .await
        .unwrap();
}

/// An order that ran out or was cancelled while its row waited never reaches the POS:
/// it is expired (cancelled, stock released) as the sweeper would, and its rows settle.
async fn expired_and_cancelled_orders_are_never_sent(env: OrdersEnv) {
    let (sim, connection) = env.imported(PosKind::Dutchie).await;
    let sent = env.place(&connection, 1).await;
    let reserved_before = env.reserved_for(&sent).await - 1;
    let expired = env.place(&connection, 1).await;
    expires_at(&env, expired.id, Utc::now() - TimeDelta::seconds(1)).await;
    let cancelled = env.place(&connection, 1).await;
    cancel(&env, cancelled.id).await;
    env.drain(&fast_outbox()).await;

    // and one that runs out while the POS takes its time over the customer call
    // made just before the order itself
    let late = env.place(&connection, 1).await;
    expires_at(&env, late.id, Utc::now() + TimeDelta::milliseconds(300)).await;
    sim.faults()
        .push_for("/customer/customer", Fault::Delay { millis: 800 }, 1);
    env.drain(&fast_outbox()).await;

    let backend = env.backend;
    assert_eq!(sim_orders(sim.as_ref(), sent.id), 1, "{backend}");
    for (what, order) in [
        ("expired", &expired),
        ("cancelled", &cancelled),
        ("late", &late),
    ] {
        assert_eq!(
            sim_orders(sim.as_ref(), order.id),
            0,
            "{backend}: the {what} order reached the POS"
        );
        let stored = env.order(order.id).await;
        assert_eq!(stored.status, OrderStatus::Cancelled, "{backend}: {what}");
        assert!(stored.external_id.is_none());
        let rows = env.outbox_of(order.id).await;
        assert!(
            rows.iter().all(|row| row.status == QueueStatus::Done),
            "{backend}: {what}: {rows:?}"
        );
    }
    for order in [&expired, &late] {
        assert_eq!(
            env.order(order.id).await.status_reason.as_deref(),
            Some(expiry::EXPIRED)
        );
    }
    assert_eq!(
        env.reserved_for(&sent).await,
        reserved_before + 1,
        "{backend}: only the delivered order still holds stock"
    );
}

/// Calls per second on the POS's one bucket in the throughput test, and the burst.
const CALLS: u32 = 5;
const WINDOW: Duration = Duration::from_millis(250);

/// Places `count` orders and marks them SUBMITTED at the POS (open: polled every round)
/// without sending them.
async fn open_orders(
    env: &OrdersEnv,
    connection: &entities::provider_connection::Model,
    count: usize,
) {
    for n in 0..count {
        let placed = env.place(connection, 1).await;
        order::Entity::update_many()
            .col_expr(order::Column::Status, Expr::value(OrderStatus::Submitted))
            .col_expr(order::Column::ExternalId, Expr::value(format!("open-{n}")))
            .filter(order::Column::Id.eq(placed.id))
            .exec(&env.db)
            .await
            .unwrap();
        outbox::Entity::update_many()
            .col_expr(outbox::Column::Status, Expr::value(QueueStatus::Done))
            .filter(outbox::Column::AggregateId.eq(placed.id))
            .exec(&env.db)
            .await
            .unwrap();
    }
}

/// Places `count` orders and times their delivery; returns orders per minute.
async fn delivery_rate(
    env: &OrdersEnv,
    connection: &entities::provider_connection::Model,
    count: usize,
    config: &OutboxConfig,
) -> f64 {
    for _ in 0..count {
        env.place(connection, 1).await;
    }
    let started = Instant::now();
    env.drain(config).await;
    count as f64 * 60.0 / started.elapsed().as_secs_f64()
}

/// With a POS rate limit shared by delivery and status polling, orders are delivered
/// at nearly the rate they are without any polling, however many orders are open.
async fn delivery_is_not_starved_by_status_polls(env: OrdersEnv) {
    let options = DispenseSimOptions {
        // the POS allows twice what the client paces itself to: no 429s
        limits: vec![RateLimit::new("api", 2 * CALLS, WINDOW)],
        ..DispenseSimOptions::default()
    };
    let sim = providers::dispense::start(seed::seeded(&sync_support::seed_config()), options)
        .await
        .unwrap();
    let http = json!({ "rate_limits": { "api": {
        "calls": CALLS, "window_ms": WINDOW.as_millis() as u64
    } } });
    let (_sim, connection) = env.connect(Box::new(sim), http).await;
    let config = OutboxConfig {
        base_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
        ..OutboxConfig::default()
    };
    let orders = 60;
    let alone = delivery_rate(&env, &connection, orders, &config).await;

    open_orders(&env, &connection, 200).await;
    let poller = StatusPoller::new(
        env.delivery.applier.clone(),
        env.delivery.adapters.clone(),
        StatusSyncConfig {
            concurrency: 32,
            ..StatusSyncConfig::default()
        },
    );
    let polling = tokio::spawn(async move {
        loop {
            poller.round(Utc::now()).await;
        }
    });
    // the polls have spent the burst and keep the bucket busy
    tokio::time::sleep(WINDOW * 2).await;
    let polled = delivery_rate(&env, &connection, orders, &config).await;
    polling.abort();
    let budget = f64::from(CALLS) / WINDOW.as_secs_f64() * 60.0 / 2.0;
    println!(
        "{}: {orders} orders, POS budget {budget:.0} orders/min: {alone:.0} orders/min alone, \
         {polled:.0} orders/min with 200 open orders polled",
        env.backend
    );
    assert!(
        polled >= alone * 0.9,
        "{}: delivery starved by status polls: {polled:.0} vs {alone:.0} orders/min",
        env.backend
    );
}

mod sqlite {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn expired_leases_are_claimed_first() {
        super::expired_leases_are_claimed_first(crate::orders_support::sqlite().await).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn expired_and_cancelled_orders_are_never_sent() {
        super::expired_and_cancelled_orders_are_never_sent(crate::orders_support::sqlite().await)
            .await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn delivery_is_not_starved_by_status_polls() {
        super::delivery_is_not_starved_by_status_polls(crate::orders_support::sqlite().await).await
    }
}

mod postgres {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn expired_leases_are_claimed_first() {
        if let Some(env) = crate::orders_support::postgres().await {
            super::expired_leases_are_claimed_first(env).await
        }
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn expired_and_cancelled_orders_are_never_sent() {
        if let Some(env) = crate::orders_support::postgres().await {
            super::expired_and_cancelled_orders_are_never_sent(env).await
        }
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn delivery_is_not_starved_by_status_polls() {
        if let Some(env) = crate::orders_support::postgres().await {
            super::delivery_is_not_starved_by_status_polls(env).await
        }
    }
}
