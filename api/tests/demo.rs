//! `serve --demo`, on SQLite and on PostgreSQL: the demo boots with its stores (one per
//! registered POS kind) and
//! a catalog with stock that arrived through the adapters, GraphQL shows it, a restart
//! on the same database reuses its rows, a sale at a simulator reaches subscribers
//! through the pollers, and the stores' staff take online orders to COMPLETED through
//! each vendor's status sync while walk-in sales fill the same customer's history.
#![allow(clippy::unwrap_used)]

mod common;
mod sync_support;

use std::{collections::HashMap, time::Duration};

use api::{
    config::Config,
    demo::{Demo, DemoArgs, DemoConfig},
    events::{EventBusExt, Received, stock::STOCK_TOPIC},
    sync::{SyncWorkers, Synchronizer, workers::WorkerConfig},
};
use chrono::{DateTime, Utc};
use common::{TestApp, WAIT, first_code, fresh_postgres_url, gql, spawn_app_with};

use futures::StreamExt;
use providers::registry::KINDS;
use serde_json::json;
use tokio_util::{sync::CancellationToken, task::TaskTracker};
use uuid::Uuid;

/// A still demo (no store traffic), so counts are stable.
fn still() -> DemoConfig {
    DemoConfig {
        traffic_interval: None,
        ..DemoConfig::default()
    }
}

/// Order statuses are polled far more often than the staff move orders, so each of
/// their steps is seen.
const STATUS_POLL: Duration = Duration::from_millis(100);

async fn sqlite_app() -> Option<TestApp> {
    Some(
        spawn_app_with(|config: &mut Config| config.order_status.poll_interval = STATUS_POLL).await,
    )
}

async fn postgres_app() -> Option<TestApp> {
    let url = fresh_postgres_url().await?;
    Some(
        spawn_app_with(|config: &mut Config| {
            config.database_url = url.parse().unwrap();
            config.order_status.poll_interval = STATUS_POLL;
        })
        .await,
    )
}

macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite { $( #[tokio::test] async fn $name() { if let Some(app) = crate::sqlite_app().await { crate::$name(app).await } } )* }
        mod postgres { $( #[tokio::test] async fn $name() { if let Some(app) = crate::postgres_app().await { crate::$name(app).await } } )* }
    };
}

on_both_backends!(
    demo_boots_and_graphql_shows_it,
    a_restart_reuses_the_demo_rows,
    a_register_sale_reaches_subscribers,
    online_orders_complete_and_history_merges
);

async fn demo_boots_and_graphql_shows_it(app: TestApp) {
    let demo = Demo::start(&Synchronizer::for_state(&app.state), &still())
        .await
        .unwrap();
    assert_eq!(demo.connections().len(), KINDS.len());

    let response = app
        .post_graphql(&json!({
            "query": "{ locations { id } products(first: 100) { totalCount edges { node { id name category price { amount currency } stock { onHand available location { id } price { amount } listed } } } } }"
        }))
        .await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(
        body["data"]["locations"].as_array().unwrap().len(),
        KINDS.len()
    );
    let total = body["data"]["products"]["totalCount"].as_i64().unwrap();
    assert!(total >= 40, "only {total} products");
    let edges = body["data"]["products"]["edges"].as_array().unwrap();
    let stocked = edges
        .iter()
        .filter(|e| {
            e["node"]["stock"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s["onHand"].as_i64().unwrap() > 0)
        })
        .count();
    assert!(stocked >= 40, "only {stocked} products with stock");
    // the stores share part of their catalog: some products are listed at several
    // stores at different prices, some at one store only
    let listed_prices = |edge: &serde_json::Value| -> Vec<i64> {
        edge["node"]["stock"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["listed"] == true)
            .map(|s| s["price"]["amount"].as_i64().unwrap())
            .collect()
    };
    let priced_apart = edges
        .iter()
        .filter(|e| {
            let prices = listed_prices(e);
            prices.len() >= 2 && prices.iter().any(|p| *p != prices[0])
        })
        .count();
    assert!(priced_apart >= 5, "{priced_apart} products priced apart");
    let at_one_store = edges.iter().filter(|e| listed_prices(e).len() == 1).count();
    assert!(
        at_one_store >= 5,
        "{at_one_store} products at one store only"
    );
    drop(demo);
    app.stop().await.unwrap();
}

async fn a_restart_reuses_the_demo_rows(app: TestApp) {
    let sync = Synchronizer::for_state(&app.state);
    let first = Demo::start(&sync, &still()).await.unwrap();
    let ids = first.connections().to_vec();
    let counted = counts(&app).await;
    drop(first);

    let second = Demo::start(&sync, &still()).await.unwrap();
    assert_eq!(second.connections(), ids.as_slice());
    assert_eq!(counts(&app).await, counted);
    drop(second);
    app.stop().await.unwrap();
}

async fn a_register_sale_reaches_subscribers(app: TestApp) {
    let sync = Synchronizer::for_state(&app.state);
    let demo = Demo::start(
        &sync,
        &DemoConfig {
            poll_interval: Duration::from_millis(200),
            ..still()
        },
    )
    .await
    .unwrap();
    let tracker = TaskTracker::new();
    let shutdown = CancellationToken::new();
    let workers = SyncWorkers::start(
        sync,
        &app.state.sync,
        WorkerConfig::default(),
        &tracker,
        shutdown.clone(),
    );
    let mut events = app.state.events.subscribe_events(&STOCK_TOPIC);

    let first = &demo.simulators().all()[0];
    let (product, location, on_hand) = first.simulator().store().read(|s| {
        s.stock
            .values()
            .find(|e| e.on_hand >= 1 && e.location_id == first.location())
            .map(|e| (e.product_id.clone(), e.location_id.clone(), e.on_hand))
            .unwrap()
    });
    first
        .simulator()
        .store()
        .record_sale(&product, &location, 1, None)
        .unwrap();

    let event = tokio::time::timeout(WAIT, async {
        loop {
            if let Some(Received::Event(event)) = events.next().await
                && event.on_hand == on_hand - 1
            {
                return event;
            }
        }
    })
    .await
    .expect("no stock event for the sale");
    assert_eq!(event.available, on_hand - 1);
    assert_eq!(workers.polled().len(), KINDS.len());

    shutdown.cancel();
    tracker.close();
    tracker.wait().await;
    drop(demo);
    app.stop().await.unwrap();
}

/// Staff who move an order on every 1.5 s, at every store, and never cancel one;
/// brisk register traffic, so known customers buy in store while the test runs. Each
/// step must outlast a status poll round even on a loaded machine (a round can wait out
/// a POS's rate limit), or the poll skips it.
fn staffed() -> DemoConfig {
    let args = DemoArgs {
        staff_delay: "1500ms".parse().unwrap(),
        cancel_percent: 0,
        ..DemoArgs::default()
    };
    DemoConfig {
        poll_interval: Duration::from_millis(200),
        traffic_interval: Some(Duration::from_millis(100)),
        ..args.config()
    }
}

/// Waits, polling `probe` until it gives a value, at most `WAIT × 3`.
async fn eventually<T, F: Future<Output = Option<T>>>(
    what: &str,
    mut probe: impl FnMut() -> F,
) -> T {
    tokio::time::timeout(WAIT * 3, async {
        loop {
            if let Some(found) = probe().await {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("timed out waiting for {what}"))
}

/// A live profile with an in-store purchase rung up after `since` (a walk-in of the
/// store traffic, imported through the adapters).
async fn walk_in_customer(app: &TestApp, since: DateTime<Utc>) -> Uuid {
    use entities::{customer, enums::PurchaseSource, purchase};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    eventually("an in-store sale to a known customer", || async {
        let sales = purchase::Entity::find()
            .filter(purchase::Column::Source.eq(PurchaseSource::InStore))
            .filter(purchase::Column::CustomerId.is_not_null())
            .filter(purchase::Column::OccurredAt.gte(since))
            .all(&app.state.db)
            .await
            .unwrap();
        for sale in sales {
            let buyer = customer::Entity::find_by_id(sale.customer_id?)
                .one(&app.state.db)
                .await
                .unwrap()?;
            if buyer.merged_into_id.is_none() {
                return Some(buyer.id);
            }
        }
        None
    })
    .await
}

/// Places one unit at each store as `token`, of the best-stocked product the customer
/// may still buy today (the demo catalog has items above a day's allowance); the
/// order ids.
async fn order_at_every_store(app: &TestApp, token: &str) -> Vec<Uuid> {
    let data = gql::data(
        app,
        None,
        "{ locations { id } products(first: 100) { edges { node { id stock { available location { id } } } } } }",
        json!({}),
    )
    .await;
    let mut orders = Vec::new();
    for location in data["locations"].as_array().unwrap() {
        let location = location["id"].as_str().unwrap();
        let mut candidates: Vec<(&str, i64)> = data["products"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|e| {
                let product = e["node"]["id"].as_str().unwrap();
                e["node"]["stock"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|s| s["location"]["id"] == location)
                    .map(move |s| (product, s["available"].as_i64().unwrap()))
            })
            .filter(|(_, available)| *available >= 3)
            .collect();
        candidates.sort_by_key(|(_, available)| -available);
        let mut placed = None;
        for (product, _) in candidates {
            let (status, body) = gql::execute(
                app,
                Some(token),
                "mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id status } }",
                json!({ "input": {
                    "locationId": location,
                    "fulfillment": "PICKUP",
                    "idempotencyKey": format!("demo-{location}-{product}"),
                    "lines": [{ "productId": product, "quantity": 1 }],
                }}),
            )
            .await;
            assert_eq!(status, 200, "{body}");
            if body.get("errors").is_none() {
                placed = body["data"]["placeOrder"]["id"].as_str().map(str::to_owned);
                break;
            }
            assert_eq!(first_code(&body), "COMPLIANCE_LIMIT", "{body}");
        }
        let placed = placed.unwrap_or_else(|| panic!("nothing to order at {location}"));
        orders.push(placed.parse().unwrap());
    }
    orders
}

async fn online_orders_complete_and_history_merges(app: TestApp) {
    use api::{
        auth::Role,
        events::order::{ORDER_TOPIC, OrderEvent},
        outbox::delivery::Delivery,
        webhooks::{WebhookConfig, WebhookWorker},
    };
    use entities::enums::OrderStatus;

    let since = Utc::now();
    let sync = Synchronizer::for_state(&app.state);
    let demo = Demo::start(&sync, &staffed()).await.unwrap();
    // as `serve --demo`: webhooks to the server, then the pollers, webhook worker and
    // order delivery
    demo.route_webhooks(app.addr).await.unwrap();
    let tracker = TaskTracker::new();
    let shutdown = CancellationToken::new();
    SyncWorkers::start(
        sync.clone(),
        &app.state.sync,
        WorkerConfig::default(),
        &tracker,
        shutdown.clone(),
    );
    WebhookWorker::new(sync, &app.state.sync, WebhookConfig::default())
        .start(&tracker, shutdown.clone());
    let _sender = Delivery::for_state(&app.state).start(&app.state, &tracker, &shutdown);
    let mut events = app.state.events.subscribe_events(&ORDER_TOPIC);

    let customer = walk_in_customer(&app, since).await;
    let token = app.token(Role::Customer, &customer.to_string());
    let orders = order_at_every_store(&app, &token).await;
    assert_eq!(orders.len(), KINDS.len(), "one order per demo store");

    // every order steps through to COMPLETED on its own, each step announced
    let mut steps: HashMap<Uuid, Vec<OrderStatus>> = HashMap::new();
    tokio::time::timeout(WAIT * 3, async {
        while !orders.iter().all(|o| {
            steps
                .get(o)
                .is_some_and(|s| s.contains(&OrderStatus::Completed))
        }) {
            if let Some(Received::Event(OrderEvent { order_id, to, .. })) = events.next().await {
                steps.entry(order_id).or_default().push(to);
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("not every order completed: {steps:?}"));
    for order in &orders {
        let seen: Vec<OrderStatus> = steps[order]
            .iter()
            .copied()
            .filter(|s| {
                matches!(
                    s,
                    OrderStatus::Confirmed | OrderStatus::Ready | OrderStatus::Completed
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                OrderStatus::Confirmed,
                OrderStatus::Ready,
                OrderStatus::Completed
            ],
            "order {order}: {:?}",
            steps[order]
        );
    }

    // the customer's history holds the online orders next to in-store purchases
    let history =
        "{ me { purchaseHistory(first: 100) { edges { node { source order { id } } } } } }";
    let (online, in_store) = eventually("the orders in the purchase history", || async {
        let data = gql::data(&app, Some(&token), history, json!({})).await;
        let nodes: Vec<serde_json::Value> = data["me"]["purchaseHistory"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"].clone())
            .collect();
        let online: Vec<Uuid> = nodes
            .iter()
            .filter(|n| n["source"] == "ONLINE")
            .filter_map(|n| n["order"]["id"].as_str()?.parse().ok())
            .collect();
        let in_store = nodes.iter().filter(|n| n["source"] == "IN_STORE").count();
        orders
            .iter()
            .all(|o| online.contains(o))
            .then_some((online, in_store))
    })
    .await;
    assert_eq!(online.len(), orders.len(), "each order is one purchase");
    assert!(
        in_store >= 1,
        "no in-store purchase next to the online ones"
    );

    shutdown.cancel();
    tracker.close();
    tracker.wait().await;
    drop(demo);
    app.stop().await.unwrap();
}

async fn counts(app: &TestApp) -> Vec<u64> {
    use sea_orm::{EntityTrait, PaginatorTrait};
    vec![
        entities::provider_connection::Entity::find()
            .count(&app.state.db)
            .await
            .unwrap(),
        entities::location::Entity::find()
            .count(&app.state.db)
            .await
            .unwrap(),
        entities::product::Entity::find()
            .count(&app.state.db)
            .await
            .unwrap(),
        entities::stock_level::Entity::find()
            .count(&app.state.db)
            .await
            .unwrap(),
        entities::customer::Entity::find()
            .count(&app.state.db)
            .await
            .unwrap(),
        entities::purchase::Entity::find()
            .count(&app.state.db)
            .await
            .unwrap(),
    ]
}
