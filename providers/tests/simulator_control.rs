//! The simulator framework through HTTP: the `/_sim` control routes over a
//! seeded store, fault injection in front of a route, and request counting.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use providers::simulator::control::{self, OrderStatuses, StandardWorkflow};
use providers::simulator::seed::{SeedConfig, seeded};
use providers::simulator::store::{NewOrder, SimStore};
use providers::simulator::{Faults, SimServer, spawn};
use serde_json::{Value, json};

const STATUSES: OrderStatuses = OrderStatuses {
    submitted: "Submitted",
    confirmed: "Processing",
    ready: "Filled",
    completed: "Complete",
    cancelled: "Cancelled",
    all: &["Submitted", "Processing", "Filled", "Complete", "Cancelled"],
};

async fn start() -> (SimStore, Faults, SimServer) {
    let store = seeded(&SeedConfig::default());
    let faults = Faults::new();
    let workflow = Arc::new(StandardWorkflow::new(store.clone(), STATUSES));
    let vendor = Router::new().route("/ping", get(|| async { axum::Json(json!({"pong": true})) }));
    let router =
        faults.wrap(vendor.merge(control::router(store.clone(), faults.clone(), workflow)));
    let server = spawn(router, "127.0.0.1:0".parse().unwrap()).await.unwrap();
    (store, faults, server)
}

#[tokio::test]
async fn stock_changes_through_the_control_api() {
    let (store, _, server) = start().await;
    let (p, l, before) = store.read(|s| {
        s.stock
            .values()
            .find(|e| e.on_hand > 2)
            .map(|e| (e.product_id.clone(), e.location_id.clone(), e.on_hand))
            .unwrap()
    });
    let client = reqwest::Client::new();
    let url = server.base_url.join("_sim/stock").unwrap();
    let res = client
        .post(url.clone())
        .json(&json!({"productId": p, "locationId": l, "delta": -2, "reason": "sale"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["stock"]["on_hand"], before - 2);
    assert_eq!(store.read(|s| s.on_hand(&p, &l)), before - 2);
    let res = client
        .post(url)
        .json(&json!({"productId": "nope", "locationId": l, "delta": 1, "reason": "restock"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn orders_move_through_statuses() {
    let (store, _, server) = start().await;
    let (p, l) = store.read(|s| {
        s.stock
            .values()
            .find(|e| e.on_hand > 2)
            .map(|e| (e.product_id.clone(), e.location_id.clone()))
            .unwrap()
    });
    let customer = providers::model::OrderCustomer {
        external_id: None,
        first_name: "Sam".into(),
        last_name: "Kim".into(),
        email: None,
        phone: None,
        date_of_birth: None,
        medical_id: None,
    };
    let (order, _) = store
        .submit_order(
            NewOrder {
                order_reference: "r".into(),
                location_id: l,
                customer_id: None,
                customer,
                lines: vec![providers::model::OrderLineSubmission {
                    external_product_id: p,
                    quantity: 1,
                    unit_price: providers::model::Money::usd(100),
                }],
                fulfillment: providers::model::Fulfillment::Pickup,
                delivery_address: None,
                notes: None,
            },
            "Submitted",
        )
        .unwrap();
    let client = reqwest::Client::new();
    let url = server
        .base_url
        .join(&format!("_sim/orders/{}/status", order.external_id))
        .unwrap();
    let res = client
        .post(url.clone())
        .json(&json!({"status": "Complete"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(store.read(|s| s.orders[&order.external_id].transaction_id.is_some()));
    let res = client
        .post(url)
        .json(&json!({"status": "Teleported"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
}

#[tokio::test]
async fn faults_and_stats_through_the_control_api() {
    let (store, faults, server) = start().await;
    let client = reqwest::Client::new();
    let ping = server.base_url.join("ping").unwrap();
    let res = client
        .post(server.base_url.join("_sim/faults").unwrap())
        .json(&json!({"kind": "rate_limited", "retryAfterSecs": 3, "times": 1, "pathPrefix": "/ping"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let limited = client.get(ping.clone()).send().await.unwrap();
    assert_eq!(limited.status(), 429);
    assert_eq!(limited.headers()["retry-after"], "3");
    assert_eq!(client.get(ping.clone()).send().await.unwrap().status(), 200);

    faults.push(providers::simulator::Fault::TruncatedJson, 1);
    let text = client.get(ping).send().await.unwrap().text().await.unwrap();
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");

    let stats: Value = client
        .get(server.base_url.join("_sim/stats").unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stats["requests"]["/ping"], 3);
    assert_eq!(stats["total"], 3, "control routes are not counted");

    let res = client
        .post(server.base_url.join("_sim/clock").unwrap())
        .json(&json!({"skewSeconds": 3600}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(store.clock().skew(), chrono::TimeDelta::hours(1));

    let res = client
        .post(server.base_url.join("_sim/webhooks").unwrap())
        .json(&json!({"url": "http://127.0.0.1:1/hook"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 501, "the standard workflow has no webhooks");
    server.shutdown().await.unwrap();
}
