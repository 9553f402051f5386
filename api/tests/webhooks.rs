//! Webhook ingestion: `POST /webhooks/{connection_id}` verifies with the adapter, stores
//! each delivery once and acknowledges; the worker applies deliveries from the durable
//! queue (stock through the same newer-than-stored rule as polling). SQLite and
//! PostgreSQL.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use api::{
    connections::{self, ConnectionInput},
    secrets::Keyring,
    state::AppState,
    sync::{RunMode, Synchronizer},
    webhooks::{
        WebhookConfig, WebhookWorker,
        queue::{self, Enqueued},
    },
};
use chrono::{TimeDelta, Utc};
use entities::{
    customer, customer_external_ref, enums::QueueStatus, location, product_external_ref,
    provider_connection, stock_level,
};
use providers::{
    model::{StockRecord, WebhookEvent},
    simulator::{Simulator, seed},
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;

use common::{TestApp, WAIT, fresh_postgres_url, spawn_app, spawn_app_with};

const CART: &[u8] = include_bytes!("../../providers/tests/fixtures/jane/webhook_cart.json");

/// A server on SQLite, or on a fresh PostgreSQL schema (`None`: skipped).
async fn app(postgres: bool) -> Option<TestApp> {
    if !postgres {
        return Some(spawn_app().await);
    }
    let url = fresh_postgres_url().await?;
    Some(spawn_app_with(|config| config.database_url = url.parse().unwrap()).await)
}

async fn store(state: &AppState, sim: &dyn Simulator) -> provider_connection::Model {
    let keyring = Keyring::new(&state.master_key);
    let mut config = sim.connection_config(uuid::Uuid::nil());
    config.settings["http"] =
        serde_json::json!({"max_retries": 1, "base_backoff_ms": 1, "disable_rate_limits": true});
    let input = ConnectionInput::from_config("webhook test", config);
    connections::create(&state.db, &keyring, &input)
        .await
        .unwrap()
}

fn worker(state: &AppState) -> WebhookWorker {
    WebhookWorker::new(
        Synchronizer::for_state(state),
        &state.sync,
        WebhookConfig::default(),
    )
}

async fn post(app: &TestApp, connection: uuid::Uuid, secret: &str, body: &[u8]) -> (u16, Value) {
    let response = app
        .client
        .post(app.url(&format!("/webhooks/{connection}")))
        .bearer_auth(secret)
        .header("content-type", "application/json")
        .body(body.to_vec())
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

/// Waits until `check` holds, polling, failing after [`WAIT`].
async fn eventually<F: std::future::Future<Output = bool>>(mut check: impl FnMut() -> F) {
    tokio::time::timeout(WAIT, async {
        while !check().await {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("condition not reached in time");
}

async fn jane_deliveries_are_verified_stored_once_and_processed(postgres: bool) {
    let Some(app) = app(postgres).await else {
        return;
    };
    let sim =
        providers::jane::simulator::start(seed::seeded(&Default::default()), Default::default())
            .await
            .unwrap();
    let jane = store(&app.state, &sim).await;
    let tracker = tokio_util::task::TaskTracker::new();
    worker(&app.state).start(&tracker, app.shutdown.clone());

    let (status, body) = post(&app, jane.id, "wrong-secret", CART).await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    assert!(
        queue::deliveries(&app.state.db, jane.id)
            .await
            .unwrap()
            .is_empty()
    );

    let secret = "sim-jane-webhook-secret";
    let (status, body) = post(&app, jane.id, secret, CART).await;
    assert_eq!((status, body["status"].as_str()), (202, Some("accepted")));
    let (status, body) = post(&app, jane.id, secret, CART).await;
    assert_eq!((status, body["status"].as_str()), (202, Some("duplicate")));

    let db = app.state.db.clone();
    eventually(|| {
        let db = db.clone();
        async move {
            let rows = queue::deliveries(&db, jane.id).await.unwrap();
            rows.len() == 1 && rows[0].status == QueueStatus::Done
        }
    })
    .await;
    assert_eq!(
        queue::deliveries(&app.state.db, jane.id).await.unwrap()[0].attempts,
        1
    );
    // the person on the cart is a Canopy profile, held under Jane's user id
    let reference = customer_external_ref::Entity::find()
        .filter(customer_external_ref::Column::ConnectionId.eq(jane.id))
        .filter(customer_external_ref::Column::ExternalId.eq("556677"))
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("the cart's customer was applied");
    let person = customer::Entity::find_by_id(reference.customer_id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(person.email.as_deref(), Some("ada@example.com"));
    assert_eq!(person.last_name.as_deref(), Some("Lovelace"));

    // unknown connection, and a POS without webhooks
    let (status, _) = post(&app, uuid::Uuid::now_v7(), secret, CART).await;
    assert_eq!(status, 404);
    let dutchie = providers::dutchie::start(seed::seeded(&Default::default()), Default::default())
        .await
        .unwrap();
    let polled = store(&app.state, &dutchie).await;
    let (status, body) = post(&app, polled.id, secret, CART).await;
    assert_eq!(status, 404, "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("no webhooks")
    );
    app.stop().await.unwrap();
}

async fn stock_deliveries_apply_once_and_in_order(postgres: bool) {
    let Some(app) = app(postgres).await else {
        return;
    };
    let sim = providers::dutchie::start(seed::seeded(&Default::default()), Default::default())
        .await
        .unwrap();
    let connection = store(&app.state, &sim).await;
    let sync = Synchronizer::for_state(&app.state);
    sync.sync_connection(connection.id, RunMode::Full)
        .await
        .unwrap();
    let db = &app.state.db;
    let reference = product_external_ref::Entity::find()
        .filter(product_external_ref::Column::ConnectionId.eq(connection.id))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let store_row = location::Entity::find()
        .filter(location::Column::ConnectionId.eq(connection.id))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let stock = |on_hand: i64, at| {
        vec![WebhookEvent::Stock {
            delivery_id: None,
            records: vec![StockRecord {
                external_product_id: reference.external_id.clone(),
                external_location_id: store_row.external_id.clone().unwrap(),
                on_hand,
                package_tag: None,
                observed_at: at,
            }],
        }]
    };
    let later = Utc::now() + TimeDelta::minutes(10);
    let earlier = later - TimeDelta::minutes(5);
    assert!(matches!(
        queue::enqueue(db, connection.id, "d-new", &stock(7, later), Utc::now())
            .await
            .unwrap(),
        Enqueued::Stored(_)
    ));
    assert_eq!(
        queue::enqueue(db, connection.id, "d-new", &stock(7, later), Utc::now())
            .await
            .unwrap(),
        Enqueued::Duplicate
    );
    queue::enqueue(db, connection.id, "d-old", &stock(3, earlier), Utc::now())
        .await
        .unwrap();
    worker(&app.state).drain().await;

    let level = stock_level::Entity::find()
        .filter(stock_level::Column::ProductId.eq(reference.product_id))
        .filter(stock_level::Column::LocationId.eq(store_row.id))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(level.on_hand, 7, "the late, older delivery changed nothing");
    let rows = queue::deliveries(db, connection.id).await.unwrap();
    assert_eq!(rows.len(), 2);
    assert!(
        rows.iter()
            .all(|row| row.status == QueueStatus::Done && row.attempts == 1)
    );
    app.stop().await.unwrap();
}

mod sqlite {
    #[tokio::test]
    async fn jane_deliveries_are_verified_stored_once_and_processed() {
        super::jane_deliveries_are_verified_stored_once_and_processed(false).await
    }
    #[tokio::test]
    async fn stock_deliveries_apply_once_and_in_order() {
        super::stock_deliveries_apply_once_and_in_order(false).await
    }
}

mod postgres {
    #[tokio::test]
    async fn jane_deliveries_are_verified_stored_once_and_processed() {
        super::jane_deliveries_are_verified_stored_once_and_processed(true).await
    }
    #[tokio::test]
    async fn stock_deliveries_apply_once_and_in_order() {
        super::stock_deliveries_apply_once_and_in_order(true).await
    }
}
