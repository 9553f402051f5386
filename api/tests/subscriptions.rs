//! Subscriptions over `/graphql/ws`, on SQLite with the in-process bus and on PostgreSQL
//! with Redis: a sale at a simulator reaches a `stockChanged` subscriber through the
//! pollers; filters keep other products away; a subscriber that stops reading never
//! holds up another; `alerts` is for admins and announces alerts as they open and as
//! they are resolved.
#![allow(clippy::unwrap_used)]

mod common;
mod live_support;

use api::{
    alerts::NewAlert,
    auth::Role,
    config::Config,
    effects::{Announcer, Effects},
    events::{
        EventBusExt,
        stock::{STOCK_TOPIC, StockEvent},
    },
};
use chrono::Utc;
use common::{TestApp, fresh_postgres_url, gql, service_url, spawn_app_with, ws::GqlSocket};
use entities::{
    enums::{AlertSeverity, ChangeSource},
    stock_level,
};
use live_support::{LiveDemo, Shelf, sell_one};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

const STOCK_CHANGED: &str = "subscription($location: ID, $products: [ID!]) {
    stockChanged(locationId: $location, productIds: $products) {
        product { id } location { id } onHand reserved available source at
    }
}";

const ALERTS: &str = "subscription { alerts { id kind severity resolvedAt resolvedBy } }";

async fn sqlite_app() -> Option<TestApp> {
    Some(spawn_app_with(|_| {}).await)
}

/// A server on a fresh PostgreSQL schema with Redis (cache and pub/sub), or `None`.
async fn postgres_redis_app() -> Option<TestApp> {
    let database = fresh_postgres_url().await?;
    let redis = service_url("TEST_REDIS_URL")?;
    Some(
        spawn_app_with(|config: &mut Config| {
            config.database_url = database.parse().unwrap();
            config.redis_url = Some(redis.parse().unwrap());
            config.redis_prefix = format!("canopy-test-{}", Uuid::new_v4().simple());
        })
        .await,
    )
}

macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite { $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { if let Some(app) = crate::sqlite_app().await { crate::$name(app).await } } )* }
        mod postgres_redis { $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { if let Some(app) = crate::postgres_redis_app().await { crate::$name(app).await } } )* }
    };
}

on_both_backends!(
    a_sale_reaches_only_the_subscribers_of_its_shelf,
    a_subscriber_that_stops_reading_does_not_hold_up_another,
    alerts_reach_admins_when_raised_and_resolved,
);

/// Subscribes operation `id` of `socket` to `shelf`.
async fn follow(socket: &mut GqlSocket, id: &str, shelf: &Shelf) {
    socket
        .subscribe(
            id,
            STOCK_CHANGED,
            json!({ "location": shelf.location, "products": [shelf.product] }),
        )
        .await;
}

/// The `stockChanged` event of the next message of operation `id`.
async fn next_stock(socket: &mut GqlSocket, id: &str) -> Value {
    let payload = socket.next_payload(id).await;
    assert!(payload.get("errors").is_none(), "{payload}");
    payload["data"]["stockChanged"].clone()
}

fn assert_is_shelf(event: &Value, shelf: &Shelf) {
    assert_eq!(event["product"]["id"], shelf.product.to_string(), "{event}");
    assert_eq!(
        event["location"]["id"],
        shelf.location.to_string(),
        "{event}"
    );
}

async fn a_sale_reaches_only_the_subscribers_of_its_shelf(app: TestApp) {
    let live = LiveDemo::start(&app, true).await;
    let shelves = live.shelves(&app, 2).await;
    let (sold, other) = (&shelves[0], &shelves[1]);
    let mut buyer = GqlSocket::connect(app.addr, None).await;
    follow(&mut buyer, "sold", sold).await;
    let token = app.token(Role::Storefront, "shop");
    let mut watcher = GqlSocket::connect(app.addr, Some(&token)).await;
    follow(&mut watcher, "other", other).await;
    // the subscriptions are registered once a query on the same sockets has answered
    buyer.sync_point().await;
    watcher.sync_point().await;

    sell_one(&live.sim_url(), sold).await;
    let event = next_stock(&mut buyer, "sold").await;
    assert_is_shelf(&event, sold);
    assert_eq!(event["onHand"], sold.on_hand - 1);
    assert_eq!(
        event["available"],
        sold.on_hand - 1 - event["reserved"].as_i64().unwrap()
    );
    assert_eq!(event["source"], "POLL");

    // The other subscriber's first event is its own shelf's sale: the first was filtered.
    sell_one(&live.sim_url(), other).await;
    let event = next_stock(&mut watcher, "other").await;
    assert_is_shelf(&event, other);
    assert_eq!(event["onHand"], other.on_hand - 1);

    live.stop().await;
    app.stop().await.unwrap();
}

/// How many changes the publisher makes while one subscriber does not read.
const BURST: i64 = 5_000;

async fn a_subscriber_that_stops_reading_does_not_hold_up_another(app: TestApp) {
    let live = LiveDemo::start(&app, false).await;
    let shelf = live.shelves(&app, 1).await.remove(0);
    let mut slow = GqlSocket::connect(app.addr, None).await;
    follow(&mut slow, "slow", &shelf).await;
    let mut fast = GqlSocket::connect(app.addr, None).await;
    follow(&mut fast, "fast", &shelf).await;
    slow.sync_point().await;
    fast.sync_point().await;

    // A burst of changes announced on the bus; the stored row ends at the last one.
    let row = stock_level::Entity::find()
        .filter(stock_level::Column::ProductId.eq(shelf.product))
        .filter(stock_level::Column::LocationId.eq(shelf.location))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let final_on_hand = BURST + 1_000;
    let publisher = {
        let events = app.state.events.clone();
        let db = app.state.db.clone();
        tokio::spawn(async move {
            for on_hand in 1_001..final_on_hand {
                let level = stock_level::Model {
                    on_hand,
                    updated_at: Utc::now(),
                    ..row.clone()
                };
                let event = StockEvent::from_level(&level, ChangeSource::Poll);
                events.publish_event(&STOCK_TOPIC, &event).await.unwrap();
            }
            let mut last: stock_level::ActiveModel = row.into();
            last.on_hand = Set(final_on_hand);
            last.updated_at = Set(Utc::now());
            let last = last.update(&db).await.unwrap();
            let event = StockEvent::from_level(&last, ChangeSource::Poll);
            events.publish_event(&STOCK_TOPIC, &event).await.unwrap();
        })
    };

    // The fast subscriber sees the final level while the slow one has read nothing.
    let mut fast_count = 0;
    loop {
        let event = next_stock(&mut fast, "fast").await;
        fast_count += 1;
        if event["onHand"] == final_on_hand {
            break;
        }
    }
    publisher.await.unwrap();

    // The slow one catches up on the latest level; what it skipped is not owed to it.
    let mut slow_count = 0;
    loop {
        let event = next_stock(&mut slow, "slow").await;
        assert_is_shelf(&event, &shelf);
        slow_count += 1;
        if event["onHand"] == final_on_hand {
            break;
        }
    }
    println!("{BURST} changes: the fast subscriber got {fast_count}, the slow one {slow_count}");

    live.stop().await;
    app.stop().await.unwrap();
}

/// The `extensions.code` of the error answering operation `id`.
async fn refusal(socket: &mut GqlSocket, id: &str) -> String {
    let message = socket.receive().await.unwrap();
    assert_eq!(message["id"], id, "{message}");
    let errors = match message["type"].as_str() {
        Some("error") => message["payload"].clone(),
        Some("next") => message["payload"]["errors"].clone(),
        _ => panic!("not an error: {message}"),
    };
    errors[0]["extensions"]["code"].as_str().unwrap().to_owned()
}

async fn alerts_reach_admins_when_raised_and_resolved(app: TestApp) {
    let mut anonymous = GqlSocket::connect(app.addr, None).await;
    anonymous.subscribe("a", ALERTS, json!({})).await;
    assert_eq!(refusal(&mut anonymous, "a").await, "UNAUTHENTICATED");
    let storefront = app.token(Role::Storefront, "shop");
    let mut shop = GqlSocket::connect(app.addr, Some(&storefront)).await;
    shop.subscribe("a", ALERTS, json!({})).await;
    assert_eq!(refusal(&mut shop, "a").await, "FORBIDDEN");

    let admin = app.token(Role::Admin, "ops");
    let mut ops = GqlSocket::connect(app.addr, Some(&admin)).await;
    ops.subscribe("a", ALERTS, json!({})).await;
    ops.sync_point().await;

    // Raised the way the sync engine raises them: after a commit, through the announcer.
    let announcer = Announcer::new(
        app.state.db.clone(),
        app.state.cache.clone(),
        app.state.events.clone(),
    );
    let mut effects = Effects::default();
    effects.alert(NewAlert {
        severity: AlertSeverity::Warning,
        kind: "stock_discrepancy",
        connection_id: None,
        product_id: None,
        location_id: None,
        message: "on hand fell below reserved".into(),
        details: json!({ "before": 3, "after": 1 }),
        dedupe_key: "test:discrepancy".into(),
    });
    announcer.announce(effects, ChangeSource::Poll).await;
    let raised = ops.next_payload("a").await;
    let alert = &raised["data"]["alerts"];
    assert_eq!(alert["kind"], "stock_discrepancy", "{raised}");
    assert_eq!(alert["severity"], "WARNING");
    assert!(alert["resolvedAt"].is_null());

    gql::data(
        &app,
        Some(&admin),
        "mutation($id: ID!) { resolveAlert(id: $id) { id } }",
        json!({ "id": alert["id"] }),
    )
    .await;
    let resolved = ops.next_payload("a").await;
    assert_eq!(resolved["data"]["alerts"]["id"], alert["id"]);
    assert!(
        resolved["data"]["alerts"]["resolvedAt"].is_string(),
        "{resolved}"
    );
    assert_eq!(resolved["data"]["alerts"]["resolvedBy"], "ops");

    app.stop().await.unwrap();
}
