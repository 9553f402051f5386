//! `serve --demo`, on SQLite and on PostgreSQL: the demo boots with its three stores and
//! a catalog with stock that arrived through the adapters, GraphQL shows it, a restart
//! on the same database reuses its rows, and a sale at a simulator reaches subscribers
//! through the pollers.
#![allow(clippy::unwrap_used)]

mod common;
mod sync_support;

use std::time::Duration;

use api::{
    config::Config,
    demo::{Demo, DemoConfig},
    events::{EventBusExt, Received, stock::STOCK_TOPIC},
    sync::{SyncWorkers, Synchronizer, workers::WorkerConfig},
};
use common::{TestApp, WAIT, fresh_postgres_url, spawn_app_with};
use futures::StreamExt;
use serde_json::json;
use tokio_util::{sync::CancellationToken, task::TaskTracker};

/// A still demo (no store traffic), so counts are stable.
fn still() -> DemoConfig {
    DemoConfig {
        traffic_interval: None,
        ..DemoConfig::default()
    }
}

async fn sqlite_app() -> Option<TestApp> {
    Some(spawn_app_with(|_| {}).await)
}

async fn postgres_app() -> Option<TestApp> {
    let url = fresh_postgres_url().await?;
    Some(spawn_app_with(|config: &mut Config| config.database_url = url.parse().unwrap()).await)
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
    a_register_sale_reaches_subscribers
);

async fn demo_boots_and_graphql_shows_it(app: TestApp) {
    let demo = Demo::start(&Synchronizer::for_state(&app.state), &still())
        .await
        .unwrap();
    assert_eq!(demo.connections().len(), 3);

    let response = app
        .post_graphql(&json!({
            "query": "{ locations { id } products(first: 100) { totalCount edges { node { id name category price { amount currency } stock { onHand available location { id } } } } } }"
        }))
        .await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(body["data"]["locations"].as_array().unwrap().len(), 3);
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
    assert_eq!(workers.polled().len(), 3);

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
