//! Order statuses coming back from each POS simulator, on SQLite and PostgreSQL: every
//! status path (Dutchie, Dispense and Treez by polling, Jane by webhook) reaches the order with
//! an order event and a published `OrderEvent`; a cancellation at the register cancels
//! the order and releases its stock; impossible transitions are refused with an alert
//! and unknown vendor statuses kept; returns at the register and from Canopy are recorded
//! with their refund, once.
#![allow(clippy::unwrap_used)]

mod common;
mod orders_support;
mod sync_support;

use api::{
    events::{EventBusExt, Received, order::ORDER_TOPIC, outbox::kinds},
    orders::status_sync::{Applied, Observation, apply::Authority},
    sync::RunMode,
};
use common::{WAIT, wait::until};
use entities::{
    alert,
    enums::{ChangeSource, Fulfillment, OrderStatus},
    order, order_line,
};
use futures::StreamExt;
use orders_support::{OrdersEnv, WebhookReceiver, fast_outbox};
use providers::{model::PosKind, simulator::Simulator};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
};

order_cases! {
    every_status_path_reaches_canopy => every_status_path_reaches_canopy;
    a_cancellation_at_the_register_cancels_and_releases => a_cancellation_at_the_register_cancels_and_releases;
    a_cancellation_in_canopy_reaches_the_pos => a_cancellation_in_canopy_reaches_the_pos;
}

/// The vendor statuses staff move an order through, with the status Canopy shows after
/// each; `delivery` picks the delivery path where the vendor has one.
fn path(kind: PosKind, delivery: bool) -> Vec<(&'static str, OrderStatus)> {
    match (kind, delivery) {
        (PosKind::Dutchie, _) => vec![
            ("Processing", OrderStatus::Confirmed),
            ("Filled", OrderStatus::Ready),
            ("Complete", OrderStatus::Completed),
        ],
        (PosKind::Dispense, _) => vec![
            ("CONFIRMED", OrderStatus::Confirmed),
            ("READY", OrderStatus::Ready),
            ("COMPLETED", OrderStatus::Completed),
        ],
        (PosKind::Jane, false) => vec![
            ("verification", OrderStatus::Submitted),
            ("staff_member_review", OrderStatus::Submitted),
            ("preparing", OrderStatus::Confirmed),
            ("ready_for_pickup", OrderStatus::Ready),
            ("finished", OrderStatus::Completed),
        ],
        (PosKind::Treez, _) => vec![
            ("IN_PROCESS", OrderStatus::Confirmed),
            ("PACKED_READY", OrderStatus::Ready),
            ("COMPLETED", OrderStatus::Completed),
        ],
        (PosKind::Jane, true) => vec![
            ("preparing", OrderStatus::Confirmed),
            ("delivery_started", OrderStatus::Shipped),
            ("delivery_finished", OrderStatus::Delivered),
            ("finished", OrderStatus::Completed),
        ],
    }
}

/// Moves the order at the POS and lets Canopy learn of it the vendor's way.
async fn advance(
    env: &OrdersEnv,
    sim: &dyn Simulator,
    connection: &entities::provider_connection::Model,
    hooks: &mut Option<WebhookReceiver>,
    order: &order::Model,
    vendor_status: &str,
) {
    let external_id = env.order(order.id).await.external_id.unwrap();
    sim.advance_order(&external_id, vendor_status)
        .await
        .unwrap();
    match hooks {
        Some(hooks) => {
            hooks
                .apply_until(env, connection, &external_id, vendor_status)
                .await
        }
        // The poller's rounds until one reads the move, as it runs every interval in
        // production: a round can find the POS's limit spent (Treez allows 10 calls a
        // second, and the import's and delivery's calls count too) and read nothing.
        None => {
            until(WAIT, "a poll round to read the new status", || async {
                env.poll().await;
                env.order(order.id).await.vendor_status.as_deref() == Some(vendor_status)
            })
            .await;
        }
    }
}

/// An order placed and delivered to the simulator.
async fn delivered(
    env: &OrdersEnv,
    connection: &entities::provider_connection::Model,
    quantity: i64,
) -> order::Model {
    let order = env.place(connection, quantity).await;
    env.drain(&fast_outbox()).await;
    let order = env.order(order.id).await;
    assert_eq!(order.status, OrderStatus::Submitted);
    order
}

async fn every_status_path_reaches_canopy(env: OrdersEnv, kind: PosKind) {
    let (sim, connection) = env.imported(kind).await;
    let mut hooks = match kind {
        PosKind::Jane => Some(WebhookReceiver::register(sim.as_ref()).await),
        _ => None,
    };
    let source = if hooks.is_some() {
        ChangeSource::Webhook
    } else {
        ChangeSource::Poll
    };
    let paths: &[bool] = if kind == PosKind::Jane {
        &[false, true]
    } else {
        &[false]
    };
    for &delivery in paths {
        let mut order = delivered(&env, &connection, 1).await;
        if delivery {
            let mut row = order.clone().into_active_model();
            row.fulfillment = Set(Fulfillment::Delivery);
            order = row.update(&env.db).await.unwrap();
        }
        let mut published = env.events.subscribe_events(&ORDER_TOPIC);
        let mut expected = OrderStatus::Submitted;
        for (vendor, status) in path(kind, delivery) {
            advance(&env, sim.as_ref(), &connection, &mut hooks, &order, vendor).await;
            let stored = env.order(order.id).await;
            assert_eq!(
                stored.status, status,
                "{kind} on {} after {vendor}",
                env.backend
            );
            assert_eq!(stored.vendor_status.as_deref(), Some(vendor));
            if status != expected {
                let last = env.order_events(order.id).await.pop().unwrap();
                assert_eq!(
                    (last.from_status, last.to_status, last.source),
                    (Some(expected), status, source)
                );
                assert_eq!(last.vendor_status.as_deref(), Some(vendor));
                let event = tokio::time::timeout(common::WAIT, published.next())
                    .await
                    .unwrap()
                    .unwrap();
                let Received::Event(event) = event else {
                    panic!("lagged")
                };
                assert_eq!(
                    (event.order_id, event.from, event.to, event.source),
                    (order.id, Some(expected), status, source)
                );
                expected = status;
            }
        }
        assert_eq!(
            env.reserved_for(&order).await,
            0,
            "sold at the POS: the reservation ends"
        );
    }
}

async fn a_cancellation_at_the_register_cancels_and_releases(env: OrdersEnv, kind: PosKind) {
    let (sim, connection) = env.imported(kind).await;
    let mut hooks = match kind {
        PosKind::Jane => Some(WebhookReceiver::register(sim.as_ref()).await),
        _ => None,
    };
    let order = delivered(&env, &connection, 2).await;
    assert_eq!(env.reserved_for(&order).await, 2);
    let cancelled = sim.order_statuses().cancelled;
    advance(
        &env,
        sim.as_ref(),
        &connection,
        &mut hooks,
        &order,
        cancelled,
    )
    .await;
    let stored = env.order(order.id).await;
    assert_eq!(
        stored.status,
        OrderStatus::Cancelled,
        "{kind} on {}",
        env.backend
    );
    assert_eq!(env.reserved_for(&order).await, 0);
    let last = env.order_events(order.id).await.pop().unwrap();
    assert_eq!(last.to_status, OrderStatus::Cancelled);
}

async fn a_cancellation_in_canopy_reaches_the_pos(env: OrdersEnv, kind: PosKind) {
    let (sim, connection) = env.imported(kind).await;
    let order = delivered(&env, &connection, 1).await;
    // what checkout's cancelOrder does: the status, the release, and a cancel_order row
    env.delivery
        .applier
        .apply(
            order.id,
            Observation {
                status: Some(OrderStatus::Cancelled),
                reason: Some("changed my mind".into()),
                ..Observation::default()
            },
            ChangeSource::Api,
            Authority::Pos,
        )
        .await
        .unwrap();
    env.enqueue(
        order.id,
        kinds::CANCEL_ORDER,
        serde_json::json!({"reason": "changed my mind"}),
    )
    .await;
    env.drain(&fast_outbox()).await;
    let external_id = order.external_id.clone().unwrap();
    let at_pos = sim
        .store()
        .read(|s| s.orders.get(&external_id).cloned())
        .unwrap();
    assert_eq!(
        at_pos.status,
        sim.order_statuses().cancelled,
        "{kind} on {}",
        env.backend
    );
    assert_eq!(env.reserved_for(&order).await, 0);
    assert_eq!(env.order(order.id).await.status, OrderStatus::Cancelled);
}

/// Late reports are ignored; impossible transitions are refused and alerted; unknown
/// vendor statuses are kept.
async fn refusals(env: OrdersEnv) {
    let (sim, connection) = env.imported(PosKind::Dutchie).await;
    let order = delivered(&env, &connection, 1).await;
    sim.advance_order(order.external_id.as_deref().unwrap(), "Complete")
        .await
        .unwrap();
    env.poll().await;
    assert_eq!(env.order(order.id).await.status, OrderStatus::Completed);
    let events = env.order_events(order.id).await.len();

    let applier = &env.delivery.applier;
    // a late report of a status the order has passed is ignored, vendor text included
    let late = Observation {
        status: Some(OrderStatus::Pending),
        vendor_status: Some("Submitted".into()),
        ..Observation::default()
    };
    let stale = applier
        .apply(order.id, late, ChangeSource::Poll, Authority::Pos)
        .await
        .unwrap();
    assert_eq!(stale, Applied::Stale);
    let stored = env.order(order.id).await;
    assert_eq!(
        (stored.status, stored.vendor_status.as_deref()),
        (OrderStatus::Completed, Some("Complete"))
    );

    // a move no order can make is refused and alerted
    let impossible = Observation {
        status: Some(OrderStatus::Cancelled),
        vendor_status: Some("Cancelled".into()),
        ..Observation::default()
    };
    let refused = applier
        .apply(order.id, impossible, ChangeSource::Poll, Authority::Pos)
        .await
        .unwrap();
    assert_eq!(
        refused,
        Applied::Refused {
            from: OrderStatus::Completed,
            to: OrderStatus::Cancelled
        }
    );
    assert_eq!(env.order(order.id).await.status, OrderStatus::Completed);
    assert_eq!(env.order_events(order.id).await.len(), events);
    let alerts = alert::Entity::find()
        .filter(alert::Column::Kind.eq("order_transition_refused"))
        .all(&env.db)
        .await
        .unwrap();
    assert_eq!(alerts.len(), 1, "{}", env.backend);

    let unknown = Observation {
        status: None,
        vendor_status: Some("Held For Review".into()),
        ..Observation::default()
    };
    let kept = applier
        .apply(order.id, unknown, ChangeSource::Poll, Authority::Pos)
        .await
        .unwrap();
    assert_eq!(kept, Applied::UnknownVendorStatus);
    let stored = env.order(order.id).await;
    assert_eq!(
        (stored.status, stored.vendor_status.as_deref()),
        (OrderStatus::Completed, Some("Held For Review"))
    );
}

/// A return made at the register (partial, then the rest) reaches the order from the
/// synced purchases (Dutchie); Dutchie takes no returns from Canopy, so one sent there is
/// dead-lettered with an alert and the order is left as it is.
async fn returns_at_the_register(env: OrdersEnv) {
    let (sim, connection) = env.imported(PosKind::Dutchie).await;
    let order = delivered(&env, &connection, 2).await;
    let external_id = order.external_id.clone().unwrap();
    sim.advance_order(&external_id, "Complete").await.unwrap();
    env.poll().await;
    let line = only_line(&env, order.id).await;
    let at_pos = sim
        .store()
        .read(|s| s.orders.get(&external_id).cloned())
        .unwrap();
    let mut one = at_pos.lines[0].clone();
    one.quantity = 1;

    sim.store()
        .return_order_lines(&external_id, std::slice::from_ref(&one), Some("damaged"))
        .unwrap();
    env.sync
        .sync_connection(connection.id, RunMode::Incremental)
        .await
        .unwrap();
    env.poll().await;
    let stored = env.order(order.id).await;
    assert_eq!(
        stored.status,
        OrderStatus::Completed,
        "a partial return keeps the status ({})",
        env.backend
    );
    assert_eq!(stored.refunded_total, line.unit_price);
    assert_eq!(only_line(&env, order.id).await.returned_quantity, 1);
    let last = env.order_events(order.id).await.pop().unwrap();
    assert_eq!(last.source, ChangeSource::Poll);
    assert_eq!(last.detail.unwrap()["refunded"], line.unit_price);
    // seen again: nothing more
    env.poll().await;
    assert_eq!(env.order(order.id).await.refunded_total, line.unit_price);

    // a return sent from Canopy: Dutchie has no such API
    env.enqueue(
        order.id,
        kinds::RETURN_ORDER,
        serde_json::json!({"lines": [{"productId": line.product_id, "quantity": 1}]}),
    )
    .await;
    env.drain(&fast_outbox()).await;
    assert_eq!(env.order(order.id).await.status, OrderStatus::Completed);
    let alerts = alert::Entity::find()
        .filter(alert::Column::Kind.eq("order_delivery_dead_letter"))
        .all(&env.db)
        .await
        .unwrap();
    assert_eq!(alerts.len(), 1);

    sim.store()
        .return_order_lines(&external_id, &[one], None)
        .unwrap();
    env.sync
        .sync_connection(connection.id, RunMode::Incremental)
        .await
        .unwrap();
    env.poll().await;
    let stored = env.order(order.id).await;
    assert_eq!(stored.status, OrderStatus::Returned);
    assert_eq!(stored.refunded_total, 2 * line.unit_price);
    assert_eq!(only_line(&env, order.id).await.returned_quantity, 2);
}

/// Returns sent from Canopy (Jane takes them): recorded from the POS's receipt with the
/// refund, partial first, then the rest.
async fn returns_from_canopy(env: OrdersEnv) {
    let (sim, connection) = env.imported(PosKind::Jane).await;
    let mut hooks = Some(WebhookReceiver::register(sim.as_ref()).await);
    let order = delivered(&env, &connection, 2).await;
    advance(
        &env,
        sim.as_ref(),
        &connection,
        &mut hooks,
        &order,
        "finished",
    )
    .await;
    assert_eq!(env.order(order.id).await.status, OrderStatus::Completed);
    let line = only_line(&env, order.id).await;
    let one = serde_json::json!({"lines": [{"productId": line.product_id, "quantity": 1}], "reason": "wrong item"});

    env.enqueue(order.id, kinds::RETURN_ORDER, one.clone())
        .await;
    env.drain(&fast_outbox()).await;
    let stored = env.order(order.id).await;
    assert_eq!(
        (stored.status, stored.refunded_total),
        (OrderStatus::Completed, line.unit_price),
        "{}: {:?}",
        env.backend,
        env.outbox_of(order.id).await
    );
    assert_eq!(only_line(&env, order.id).await.returned_quantity, 1);
    // the POS's transactions, synced, count nothing twice
    env.sync
        .sync_connection(connection.id, RunMode::Incremental)
        .await
        .unwrap();
    env.poll().await;
    assert_eq!(env.order(order.id).await.refunded_total, line.unit_price);

    env.enqueue(order.id, kinds::RETURN_ORDER, one).await;
    env.drain(&fast_outbox()).await;
    let stored = env.order(order.id).await;
    assert_eq!(
        (stored.status, stored.refunded_total),
        (OrderStatus::Returned, 2 * line.unit_price)
    );
    let last = env.order_events(order.id).await.pop().unwrap();
    assert_eq!(
        (last.from_status, last.to_status, last.source),
        (
            Some(OrderStatus::Completed),
            OrderStatus::Returned,
            ChangeSource::Outbox
        )
    );
}

async fn only_line(env: &OrdersEnv, order_id: uuid::Uuid) -> order_line::Model {
    order_line::Entity::find()
        .filter(order_line::Column::OrderId.eq(order_id))
        .one(&env.db)
        .await
        .unwrap()
        .unwrap()
}

mod sqlite_once {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn impossible_transitions_are_refused_and_unknown_statuses_kept() {
        super::refusals(super::orders_support::sqlite().await).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn returns_at_the_register_are_recorded_once() {
        super::returns_at_the_register(super::orders_support::sqlite().await).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn returns_from_canopy_are_recorded_with_their_refund() {
        super::returns_from_canopy(super::orders_support::sqlite().await).await;
    }
}

mod postgres_once {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn impossible_transitions_are_refused_and_unknown_statuses_kept() {
        if let Some(env) = super::orders_support::postgres().await {
            super::refusals(env).await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn returns_at_the_register_are_recorded_once() {
        if let Some(env) = super::orders_support::postgres().await {
            super::returns_at_the_register(env).await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn returns_from_canopy_are_recorded_with_their_refund() {
        if let Some(env) = super::orders_support::postgres().await {
            super::returns_from_canopy(env).await;
        }
    }
}
