//! Jane webhooks: the simulator POSTs each order status change to the
//! registered URL with the bearer secret; the adapter verifies the secret
//! (good, bad, missing) and keeps unknown statuses.

#![allow(clippy::unwrap_used)]

mod jane_common;

use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::routing::post;
use jane_common::{default_sim, provider};
use providers::jane::JaneProvider;
use providers::model::{
    Fulfillment, OrderCustomer, OrderLineSubmission, OrderStatus, OrderSubmission, WebhookEvent,
};
use providers::simulator::Simulator;
use providers::{PosProvider, ProviderErrorKind};
use tokio::sync::mpsc;
use uuid::Uuid;

/// An adapter connected to `sim` that verifies webhooks with `secret`.
fn with_secret(sim: &providers::jane::simulator::JaneSimulator, secret: &str) -> JaneProvider {
    let mut config = jane_common::config(sim, serde_json::json!({}));
    config.webhook_secret = Some(secret.to_owned().into());
    JaneProvider::new(&config).unwrap()
}

/// A receiver on a random port forwarding each delivery to a channel.
async fn receiver() -> (url::Url, mpsc::UnboundedReceiver<(HeaderMap, Bytes)>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let app = Router::new()
        .route(
            "/hooks/jane",
            post(
                |State(tx): State<mpsc::UnboundedSender<(HeaderMap, Bytes)>>,
                 headers: HeaderMap,
                 body: Bytes| async move {
                    let _ = tx.send((headers, body));
                    StatusCode::NO_CONTENT
                },
            ),
        )
        .with_state(tx);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks/jane", listener.local_addr().unwrap())
        .parse()
        .unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, rx)
}

async fn next(rx: &mut mpsc::UnboundedReceiver<(HeaderMap, Bytes)>) -> (HeaderMap, Bytes) {
    tokio::time::timeout(Duration::from_secs(5), rx.recv())
        .await
        .unwrap()
        .unwrap()
}

fn order_status(
    events: Vec<WebhookEvent>,
) -> (
    providers::model::PosOrderStatus,
    Option<String>,
    Option<String>,
) {
    match events.as_slice() {
        [
            WebhookEvent::OrderStatus {
                status,
                customer,
                order_reference,
                ..
            },
        ] => (
            status.clone(),
            customer.as_ref().map(|c| c.external_id.clone()),
            order_reference.clone(),
        ),
        other => panic!("expected one order status event, got {other:?}"),
    }
}

#[tokio::test]
async fn status_changes_reach_the_registered_url_and_verify() {
    let sim = default_sim().await;
    let jane = provider(&sim, serde_json::json!({}));
    let (url, mut rx) = receiver().await;
    // Register through the control API, as the demo does.
    let response = reqwest::Client::new()
        .post(sim.base_url().join("_sim/webhooks").unwrap())
        .json(&serde_json::json!({"url": url.to_string()}))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());

    let (product, price, customer) = sim.store().read(|s| {
        let stocked = s.stock_at(sim.store_id()).find(|e| e.on_hand > 2).unwrap();
        let product = &s.products[&stocked.product_id];
        (
            product.external_id.clone(),
            product.rec_price.clone().unwrap(),
            s.customers.values().next().cloned().unwrap(),
        )
    });
    let order = OrderSubmission {
        order_id: Uuid::new_v4(),
        external_location_id: sim.store_id().to_owned(),
        customer: OrderCustomer {
            external_id: Some(customer.external_id.clone()),
            first_name: customer.first_name.clone().unwrap(),
            last_name: customer.last_name.clone().unwrap(),
            email: customer.email.clone(),
            phone: None,
            date_of_birth: None,
            medical_id: None,
        },
        lines: vec![OrderLineSubmission {
            external_product_id: product,
            quantity: 1,
            unit_price: price,
        }],
        fulfillment: Fulfillment::Pickup,
        delivery_address: None,
        notes: None,
    };
    let submitted = jane.submit_order(&order).await.unwrap();

    let (headers, body) = next(&mut rx).await;
    assert_eq!(
        headers.get(header::AUTHORIZATION).unwrap(),
        "Bearer sim-jane-webhook-secret"
    );
    let (status, customer_id, reference) =
        order_status(jane.parse_webhook(&headers, &body).unwrap());
    assert_eq!(status.external_id, submitted.external_id);
    assert_eq!(status.status, Some(OrderStatus::Submitted));
    assert_eq!(customer_id.as_deref(), Some(customer.external_id.as_str()));
    assert_eq!(reference, Some(order.order_id.to_string()));

    for (vendor, want) in [
        ("preparing", OrderStatus::Confirmed),
        ("ready_for_pickup", OrderStatus::Ready),
        ("finished", OrderStatus::Completed),
    ] {
        sim.advance_order(&submitted.external_id, vendor)
            .await
            .unwrap();
        let (headers, body) = next(&mut rx).await;
        let (status, _, _) = order_status(jane.parse_webhook(&headers, &body).unwrap());
        assert_eq!(
            (status.vendor_status.as_str(), status.status),
            (vendor, Some(want))
        );
    }
    let err = jane
        .cancel_order(&submitted.external_id, "too late")
        .await
        .unwrap_err();
    assert!(
        matches!(err.kind, ProviderErrorKind::Rejected(_)),
        "a sold order cannot be cancelled: {err}"
    );
    assert!(
        tokio::time::timeout(Duration::from_millis(200), rx.recv())
            .await
            .is_err(),
        "no change, no webhook"
    );
}

fn with_auth(value: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(header::AUTHORIZATION, HeaderValue::from_str(value).unwrap());
    headers
}

const CART: &[u8] = include_bytes!("fixtures/jane/webhook_cart.json");

#[tokio::test]
async fn parse_webhook_checks_the_shared_secret() {
    let sim = default_sim().await;
    let jane = with_secret(&sim, "shh-its-a-secret");

    let (status, customer, _) = order_status(
        jane.parse_webhook(&with_auth("Bearer shh-its-a-secret"), CART)
            .unwrap(),
    );
    assert_eq!(status.vendor_status, "verification");
    assert_eq!(status.status, Some(OrderStatus::Submitted));
    assert_eq!(customer.as_deref(), Some("556677"));

    for headers in [
        with_auth("Bearer shh-its-a-secreT"),
        with_auth("Bearer shh"),
        with_auth("Basic shh-its-a-secret"),
        HeaderMap::new(),
    ] {
        let err = jane.parse_webhook(&headers, CART).unwrap_err();
        assert!(
            matches!(err.kind, ProviderErrorKind::WebhookRejected(_)),
            "{err}"
        );
    }
    // authentic but unreadable: the body's fault, not the secret's
    let err = jane
        .parse_webhook(&with_auth("Bearer shh-its-a-secret"), b"<html>")
        .unwrap_err();
    assert!(matches!(err.kind, ProviderErrorKind::Malformed(_)), "{err}");
    // the secret is checked first: a wrong one with a bad body is still refused as such
    let err = jane
        .parse_webhook(&with_auth("Bearer wrong"), b"<html>")
        .unwrap_err();
    assert!(
        matches!(err.kind, ProviderErrorKind::WebhookRejected(_)),
        "{err}"
    );
}

#[tokio::test]
async fn unknown_statuses_are_kept() {
    let sim = default_sim().await;
    let jane = with_secret(&sim, "s");
    let body = include_bytes!("fixtures/jane/webhook_cart_unknown_status.json");
    let (status, customer, _) =
        order_status(jane.parse_webhook(&with_auth("Bearer s"), body).unwrap());
    assert_eq!(status.status, None);
    assert_eq!(status.vendor_status, "awaiting_curbside_arrival");
    assert_eq!(customer, None, "no user id, no customer");
}

#[tokio::test]
async fn without_a_configured_secret_webhooks_are_a_config_error() {
    let sim = default_sim().await;
    let mut config = jane_common::config(&sim, serde_json::json!({}));
    config.webhook_secret = None;
    let jane = providers::jane::JaneProvider::new(&config).unwrap();
    let err = jane
        .parse_webhook(&with_auth("Bearer anything"), CART)
        .unwrap_err();
    assert!(matches!(err.kind, ProviderErrorKind::Config(_)), "{err}");
}
