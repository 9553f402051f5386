//! Webhook ingestion: `POST /webhooks/{connection_id}` verifies with the adapter, stores
//! each delivery once and acknowledges; the worker applies deliveries from the durable
//! queue (stock through the same newer-than-stored rule as polling); an authentic but
//! unusable body is 400 with the reason, and a NUL anywhere in a cart is stored and
//! applied; Treez's INVENTORY webhooks bring a register sale to stock subscribers. SQLite
//! and PostgreSQL.
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

/// Treez pushes stock: a sale at its register reaches a `stockChanged` subscriber
/// through `INVENTORY` webhooks alone (no poller runs here).
async fn treez_stock_changes_reach_subscribers_by_webhook(postgres: bool) {
    use api::events::{EventBusExt, Received, stock::STOCK_TOPIC};
    use futures::StreamExt;

    let Some(app) = app(postgres).await else {
        return;
    };
    let store_state = seed::seeded(&Default::default());
    let location = store_state.read(|s| s.locations[0].external_id.clone());
    let sim = providers::treez::start(
        store_state,
        providers::treez::TreezSimOptions {
            dispensary: Some(location.clone()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let connection = store(&app.state, &sim).await;
    Synchronizer::for_state(&app.state)
        .sync_connection(connection.id, RunMode::Full)
        .await
        .unwrap();
    let tracker = tokio_util::task::TaskTracker::new();
    worker(&app.state).start(&tracker, app.shutdown.clone());
    let hook = app
        .url(&format!("/webhooks/{}", connection.id))
        .parse()
        .unwrap();
    sim.register_webhook(hook).await.unwrap();
    let mut events = app.state.events.subscribe_events(&STOCK_TOPIC);

    let (product, on_hand) = sim.store().read(|s| {
        s.stock_at(&location)
            .find(|e| e.on_hand >= 2 && s.products[&e.product_id].active)
            .map(|e| (e.product_id.clone(), e.on_hand))
            .unwrap()
    });
    sim.store()
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
    .expect("no stock event from the INVENTORY webhook");
    assert_eq!(event.available, on_hand - 1);
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

/// A running Jane simulator and a server with a connection to it.
async fn jane_app(postgres: bool) -> Option<(TestApp, provider_connection::Model)> {
    let app = app(postgres).await?;
    let sim =
        providers::jane::simulator::start(seed::seeded(&Default::default()), Default::default())
            .await
            .unwrap();
    let jane = store(&app.state, &sim).await;
    Some((app, jane))
}

const SECRET: &str = "sim-jane-webhook-secret";

/// Authentic deliveries whose body is unusable are the sender's bug: 400 with the
/// reason (a 401 would send the vendor to check its secret), nothing stored, never 500.
async fn unusable_bodies_answer_400_with_the_reason(postgres: bool) {
    let Some((app, jane)) = jane_app(postgres).await else {
        return;
    };
    let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    let long_string = format!(
        r#"{{"cart": {{"id": 1, "status": ["{}"]}}}}"#,
        "x".repeat(10_000)
    );
    let bodies: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("not JSON", b"<html>oops</html>".to_vec()),
        ("truncated", CART[..CART.len() / 2].to_vec()),
        ("not UTF-8", b"{\"cart\": \"\xff\xfe\"}".to_vec()),
        ("an array", b"[]".to_vec()),
        (
            "no cart (unknown event)",
            br#"{"event": "store.updated", "data": {}}"#.to_vec(),
        ),
        ("cart not an object", br#"{"cart": "771234"}"#.to_vec()),
        (
            "cart without id",
            br#"{"cart": {"status": "verification"}}"#.to_vec(),
        ),
        (
            "status of the wrong type",
            br#"{"cart": {"id": 1, "status": 5}}"#.to_vec(),
        ),
        ("nested 5,000 deep", deep.into_bytes()),
        ("a long wrong value", long_string.into_bytes()),
    ];
    for (case, body) in &bodies {
        let (status, answer) = post(&app, jane.id, SECRET, body).await;
        assert_eq!(status, 400, "{case}: {answer}");
        let error = &answer["errors"][0];
        assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{case}");
        let message = error["message"].as_str().unwrap();
        assert!(
            message.starts_with("the webhook body is unusable: ") && message.len() > 32,
            "{case}: {message}"
        );
        assert!(message.len() < 300, "{case}: the reason is cut short");
        // the secret is checked first
        let (status, answer) = post(&app, jane.id, "wrong-secret", body).await;
        assert_eq!(status, 401, "{case}: {answer}");
    }
    assert!(
        queue::deliveries(&app.state.db, jane.id)
            .await
            .unwrap()
            .is_empty()
    );
    app.stop().await.unwrap();
}

/// Puts a NUL in the middle of the string form of `value`.
fn with_nul(value: &Value) -> Value {
    let text = match value {
        Value::String(text) => text.clone(),
        Value::Null => "v".to_owned(),
        other => other.to_string(),
    };
    let mut chars = text.chars();
    let first: String = chars.by_ref().take(1).collect();
    Value::String(format!("{first}\u{0}{}", chars.as_str()))
}

/// A NUL in any text field of a Jane cart is accepted, stored and applied on both
/// databases (PostgreSQL text cannot hold it: it is stored as U+FFFD).
async fn nul_in_any_cart_field_is_stored_and_applied(postgres: bool) {
    let Some((app, jane)) = jane_app(postgres).await else {
        return;
    };
    let worker = worker(&app.state);
    let cart: Value = serde_json::from_slice(CART).unwrap();
    let mut fields: Vec<String> = cart["cart"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(key, _)| *key != "amount")
        .map(|(key, _)| key.clone())
        .collect();
    fields.extend(["cancellation_reason", "external_order_id", "tags"].map(str::to_owned));
    let db = &app.state.db;
    for (n, field) in fields.iter().enumerate() {
        let mut body = cart.clone();
        // each cart newer than the last, so the customer rules take its values
        body["cart"]["updated_at_time"] = Value::from(format!("2024-05-04 10:{n:02}:00"));
        body["cart"][field] = match &cart["cart"][field] {
            Value::Array(items) => Value::Array(items.iter().map(with_nul).collect()),
            other => with_nul(other),
        };
        // and one in a key nobody reads
        body["cart"][format!("extra\u{0}{field}")] = Value::from("x\u{0}y");
        let bytes = serde_json::to_vec(&body).unwrap();
        assert!(bytes.windows(6).any(|w| w == b"\\u0000"));
        let (status, answer) = post(&app, jane.id, SECRET, &bytes).await;
        assert_eq!(
            (status, answer["status"].as_str()),
            (202, Some("accepted")),
            "{field}: {answer}"
        );
        worker.drain().await;
        let rows = queue::deliveries(db, jane.id).await.unwrap();
        let last = rows.last().unwrap();
        assert_eq!(
            (last.status, last.attempts, last.last_error.as_deref()),
            (QueueStatus::Done, 1, None),
            "{field}"
        );
        assert!(!last.payload.to_string().contains("\\u0000"), "{field}");
        // the person on the cart, with the field as received (NUL shown as U+FFFD)
        let user = if field == "user_id" {
            "5\u{fffd}56677"
        } else {
            "556677"
        };
        let reference = customer_external_ref::Entity::find()
            .filter(customer_external_ref::Column::ConnectionId.eq(jane.id))
            .filter(customer_external_ref::Column::ExternalId.eq(user))
            .one(db)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("{field}: the cart's customer was applied"));
        let person = customer::Entity::find_by_id(reference.customer_id)
            .one(db)
            .await
            .unwrap()
            .unwrap();
        match field.as_str() {
            "customer_name" => assert_eq!(person.first_name.as_deref(), Some("A\u{fffd}da")),
            "customer_email_address" => {
                assert_eq!(person.email.as_deref(), Some("a\u{fffd}da@example.com"))
            }
            _ => {}
        }
    }
    assert_eq!(
        queue::deliveries(db, jane.id).await.unwrap().len(),
        fields.len()
    );
    app.stop().await.unwrap();
}

mod sqlite {
    #[tokio::test]
    async fn unusable_bodies_answer_400_with_the_reason() {
        super::unusable_bodies_answer_400_with_the_reason(false).await
    }
    #[tokio::test]
    async fn nul_in_any_cart_field_is_stored_and_applied() {
        super::nul_in_any_cart_field_is_stored_and_applied(false).await
    }
    #[tokio::test]
    async fn jane_deliveries_are_verified_stored_once_and_processed() {
        super::jane_deliveries_are_verified_stored_once_and_processed(false).await
    }
    #[tokio::test]
    async fn stock_deliveries_apply_once_and_in_order() {
        super::stock_deliveries_apply_once_and_in_order(false).await
    }
    #[tokio::test]
    async fn treez_stock_changes_reach_subscribers_by_webhook() {
        super::treez_stock_changes_reach_subscribers_by_webhook(false).await
    }
}

mod postgres {
    #[tokio::test]
    async fn unusable_bodies_answer_400_with_the_reason() {
        super::unusable_bodies_answer_400_with_the_reason(true).await
    }
    #[tokio::test]
    async fn nul_in_any_cart_field_is_stored_and_applied() {
        super::nul_in_any_cart_field_is_stored_and_applied(true).await
    }
    #[tokio::test]
    async fn jane_deliveries_are_verified_stored_once_and_processed() {
        super::jane_deliveries_are_verified_stored_once_and_processed(true).await
    }
    #[tokio::test]
    async fn stock_deliveries_apply_once_and_in_order() {
        super::stock_deliveries_apply_once_and_in_order(true).await
    }
    #[tokio::test]
    async fn treez_stock_changes_reach_subscribers_by_webhook() {
        super::treez_stock_changes_reach_subscribers_by_webhook(true).await
    }
}
