//! The order outbox against each POS simulator, on SQLite and PostgreSQL: an order
//! reaches its POS exactly once with its POS id stored, a POS outage delays delivery
//! without losing or doubling anything, too many failures dead-letter the order (FAILED,
//! stock released, alert) until an admin retries it, and two senders sharing one
//! PostgreSQL database never send the same row twice.
#![allow(clippy::unwrap_used)]

mod common;
mod orders_support;
mod sync_support;

use std::time::Duration;

use api::{
    events::outbox::kinds,
    outbox::{OutboxConfig, queue, retry::retry_delivery, sender},
};
use entities::{
    alert,
    enums::{ChangeSource, OrderStatus, QueueStatus},
};
use orders_support::{OrdersEnv, fast_outbox, sim_orders};
use providers::{model::PosKind, simulator::Fault};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

order_cases! {
    an_order_reaches_its_pos_exactly_once => an_order_reaches_its_pos_exactly_once;
    a_pos_outage_loses_and_doubles_nothing => a_pos_outage_loses_and_doubles_nothing;
    dead_letter_then_admin_retry => dead_letter_then_admin_retry;
}

async fn an_order_reaches_its_pos_exactly_once(env: OrdersEnv, kind: PosKind) {
    let (sim, connection) = env.imported(kind).await;
    let order = env.place(&connection, 1).await;
    env.drain(&fast_outbox()).await;

    let delivered = env.order(order.id).await;
    assert_eq!(
        delivered.status,
        OrderStatus::Submitted,
        "{kind} on {}: {:?}",
        env.backend,
        env.outbox_of(order.id).await
    );
    let external_id = delivered.external_id.clone().expect("externalId stored");
    assert_eq!(sim_orders(sim.as_ref(), order.id), 1);
    let at_pos = sim
        .store()
        .read(|s| s.orders.get(&external_id).cloned())
        .unwrap();
    assert_eq!(at_pos.order_reference, order.id.to_string());
    let events = env.order_events(order.id).await;
    let last = events.last().unwrap();
    assert_eq!(
        (last.from_status, last.to_status, last.source),
        (
            Some(OrderStatus::Pending),
            OrderStatus::Submitted,
            ChangeSource::Outbox
        )
    );
    assert_eq!(
        env.reserved_for(&delivered).await,
        1,
        "still reserved until the POS sells it"
    );

    // the answer was lost and the row is sent again: the POS keeps one order
    env.enqueue(order.id, kinds::SUBMIT_ORDER, serde_json::json!({}))
        .await;
    let row = env
        .outbox_of(order.id)
        .await
        .into_iter()
        .find(|r| r.status == QueueStatus::Pending)
        .unwrap();
    entities::outbox::Entity::update_many()
        .col_expr(
            entities::outbox::Column::Attempts,
            sea_orm::sea_query::Expr::value(3),
        )
        .filter(entities::outbox::Column::Id.eq(row.id))
        .exec(&env.db)
        .await
        .unwrap();
    env.drain(&fast_outbox()).await;
    assert_eq!(sim_orders(sim.as_ref(), order.id), 1);
    assert_eq!(env.order(order.id).await.external_id, Some(external_id));
    assert_eq!(
        env.order_events(order.id).await.len(),
        events.len(),
        "no second event"
    );
}

async fn a_pos_outage_loses_and_doubles_nothing(env: OrdersEnv, kind: PosKind) {
    let (sim, connection) = env.imported(kind).await;
    let orders = [
        env.place(&connection, 1).await,
        env.place(&connection, 1).await,
    ];
    sim.faults().push(Fault::Status { status: 503 }, 6);
    // what may pass is retried for as long as production would (the POS's own rate limit
    // answers 429 to the test's unthrottled retries too)
    let config = OutboxConfig {
        max_attempts: 20,
        give_up_after: Duration::from_secs(3600),
        ..fast_outbox()
    };
    // the first round meets the outage: nothing delivered, every row waits for a retry
    sender::drain_once(&env.delivery.dispatcher, &config).await;
    for order in &orders {
        let rows = env.outbox_of(order.id).await;
        assert_eq!(
            rows[0].status,
            QueueStatus::Pending,
            "{kind}: retried later"
        );
        assert!(rows[0].last_error.is_some());
        assert_eq!(env.order(order.id).await.status, OrderStatus::Pending);
    }
    env.drain(&config).await;
    assert_eq!(sim.faults().pending(), 0, "the outage is over");
    for order in &orders {
        assert_eq!(
            sim_orders(sim.as_ref(), order.id),
            1,
            "{kind} on {}",
            env.backend
        );
        let stored = env.order(order.id).await;
        assert_eq!(stored.status, OrderStatus::Submitted);
        assert!(stored.external_id.is_some());
        assert_eq!(env.outbox_of(order.id).await[0].status, QueueStatus::Done);
    }
}

async fn dead_letter_then_admin_retry(env: OrdersEnv, kind: PosKind) {
    let (sim, connection) = env.imported(kind).await;
    let order = env.place(&connection, 2).await;
    sim.faults().push(Fault::Status { status: 503 }, 10_000);
    let config = OutboxConfig {
        max_attempts: 3,
        ..fast_outbox()
    };
    env.drain(&config).await;

    let failed = env.order(order.id).await;
    assert_eq!(
        failed.status,
        OrderStatus::Failed,
        "{kind} on {}",
        env.backend
    );
    assert_eq!(
        env.reserved_for(&failed).await,
        0,
        "the reservation is released"
    );
    let row = &env.outbox_of(order.id).await[0];
    assert_eq!((row.status, row.attempts), (QueueStatus::Dead, 3));
    let alerts = alert::Entity::find()
        .filter(alert::Column::Kind.eq("order_delivery_dead_letter"))
        .filter(alert::Column::ResolvedAt.is_null())
        .all(&env.db)
        .await
        .unwrap();
    assert_eq!(alerts.len(), 1);
    assert_eq!(sim_orders(sim.as_ref(), order.id), 0);

    sim.faults().clear();
    let retried = retry_delivery(&env.delivery.applier, order.id)
        .await
        .unwrap();
    assert_eq!(retried.status, OrderStatus::Pending);
    assert_eq!(env.reserved_for(&retried).await, 2, "reserved again");
    env.drain(&config).await;
    let delivered = env.order(order.id).await;
    assert_eq!(delivered.status, OrderStatus::Submitted);
    assert!(delivered.external_id.is_some());
    assert_eq!(sim_orders(sim.as_ref(), order.id), 1);
    // only a FAILED order can be retried
    let again = retry_delivery(&env.delivery.applier, order.id)
        .await
        .unwrap_err();
    assert_eq!(again.code(), api::ErrorCode::Conflict);
}

/// Two senders (two connection pools, as two replicas) draining one PostgreSQL outbox at
/// once: every order reaches the POS once and every row is sent by exactly one of them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_senders_on_postgres_never_send_a_row_twice() {
    let Some(env) = orders_support::postgres().await else {
        return;
    };
    let (sim, connection) = env.imported(PosKind::Dutchie).await;
    let mut orders = Vec::new();
    for _ in 0..40 {
        orders.push(env.place(&connection, 1).await);
    }
    let replica = env.replica().await.unwrap();
    sim.faults().reset_counts();
    let config = OutboxConfig {
        batch: 4,
        concurrency: 2,
        ..fast_outbox()
    };
    let (a, b) = tokio::join!(
        async {
            let mut sent = 0;
            while sender::drain_once(&env.delivery.dispatcher, &config).await > 0 {
                sent += 1;
            }
            sent
        },
        async {
            let mut sent = 0;
            while sender::drain_once(&replica.dispatcher, &config).await > 0 {
                sent += 1;
            }
            sent
        },
    );
    assert!(
        a > 0 && b > 0,
        "both senders took work ({a} and {b} batches)"
    );
    assert_eq!(queue::pending(&env.db).await.unwrap(), 0);
    for order in &orders {
        assert_eq!(sim_orders(sim.as_ref(), order.id), 1);
        let rows = env.outbox_of(order.id).await;
        assert_eq!(
            (rows[0].status, rows[0].attempts),
            (QueueStatus::Done, 1),
            "claimed once"
        );
    }
    let submits: u64 = sim.faults().requests_under("/preorder/submit");
    assert_eq!(submits, 40, "one POS call per order");
}
