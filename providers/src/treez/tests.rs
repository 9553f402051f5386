//! The Treez simulator as Treez behaves, and the adapter against it: the JWT rules, the
//! 10-per-second limit, failure tokens and paging, tickets without an idempotency key,
//! webhooks, and the simulator's bodies against Treez's published schemas
//! (`tests/data/treez.openapi.json`).

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use chrono::Utc;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use uuid::Uuid;

use super::jwt::{Claims, LIFETIME_MS, Signer};
use super::keys::RsaKeys;
use super::{TreezProvider, TreezSimOptions, TreezSimulator};
use crate::model::{
    Fulfillment, Money, OrderCustomer, OrderLineSubmission, OrderSubmission, WebhookEvent,
};
use crate::provider::PosProvider;
use crate::simulator::Simulator;
use crate::simulator::seed::{SeedConfig, seeded};
use crate::simulator::server;

async fn simulator() -> TreezSimulator {
    super::start(seeded(&SeedConfig::default()), TreezSimOptions::default())
        .await
        .unwrap()
}

fn adapter(sim: &TreezSimulator) -> TreezProvider {
    let mut config = sim.connection_config(Uuid::new_v4());
    config.settings["http"] = json!({
        "max_retries": 4, "base_backoff_ms": 1, "max_backoff_ms": 10,
        "request_timeout_ms": 5000, "breaker_failure_threshold": 50
    });
    TreezProvider::new(&config).unwrap()
}

fn signer(sim: &TreezSimulator) -> Signer {
    let options = TreezSimOptions::default();
    Signer::new(
        &sim.keys().private_pem,
        &options.certificate_id,
        &options.organization_id,
    )
    .unwrap()
}

fn url(sim: &TreezSimulator, path: &str) -> String {
    format!("{}{}", sim.base_url().as_str().trim_end_matches('/'), path)
}

fn dispensary(sim: &TreezSimulator) -> String {
    sim.dispensaries()[0].clone()
}

/// A call with `token` as the bearer (none when `None`): its status and JSON (or text).
async fn call(
    method: reqwest::Method,
    url: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let client = reqwest::Client::new();
    let mut request = client.request(method, url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = StatusCode::from_u16(response.status().as_u16()).unwrap();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// A correctly signed GET.
async fn get(sim: &TreezSimulator, path: &str) -> (StatusCode, Value) {
    let url = url(sim, path);
    let token = signer(sim).sign(&url).unwrap();
    call(reqwest::Method::GET, &url, Some(&token), None).await
}

fn token_with(keys: &RsaKeys, claims: &Claims) -> String {
    let key = EncodingKey::from_rsa_pem(keys.private_pem.as_bytes()).unwrap();
    jsonwebtoken::encode(&Header::new(Algorithm::RS256), claims, &key).unwrap()
}

#[tokio::test]
async fn every_request_needs_a_token_for_its_exact_url_living_thirty_seconds() {
    let sim = simulator().await;
    let path = format!(
        "/dispensary/v3/{}/stock/getStock?page=1&page_size=5",
        dispensary(&sim)
    );
    let target = url(&sim, &path);
    let options = TreezSimOptions::default();
    let now = Utc::now().timestamp_millis();
    let claims = |aud: &str, lifetime: i64| Claims {
        aud: aud.to_owned(),
        iss: options.certificate_id.clone(),
        oid: options.organization_id.clone(),
        iat: now,
        exp: now + lifetime,
    };

    let (status, body) = get(&sim, &path).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["resultCode"], "SUCCESS");

    let (status, body) = call(reqwest::Method::GET, &target, None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["resultCode"], "FAIL");

    let other_url = token_with(
        sim.keys(),
        &claims(&url(&sim, "/dispensary/v3/x/stock/getStock"), LIFETIME_MS),
    );
    let (status, _) = call(reqwest::Method::GET, &target, Some(&other_url), None).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "aud must be the exact URL"
    );

    let seconds = token_with(sim.keys(), &claims(&target, 30));
    let (status, _) = call(reqwest::Method::GET, &target, Some(&seconds), None).await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "a lifetime in seconds is a 400"
    );
    let longer = token_with(sim.keys(), &claims(&target, 60_000));
    let (status, _) = call(reqwest::Method::GET, &target, Some(&longer), None).await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "any lifetime but 30 000 ms is a 400"
    );

    let stranger = RsaKeys::generate().unwrap();
    let forged = token_with(&stranger, &claims(&target, LIFETIME_MS));
    let (status, _) = call(reqwest::Method::GET, &target, Some(&forged), None).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "only the registered key signs"
    );

    let expired = Claims {
        iat: now - 60_000,
        exp: now - 30_000,
        ..claims(&target, LIFETIME_MS)
    };
    let (status, _) = call(
        reqwest::Method::GET,
        &target,
        Some(&token_with(sim.keys(), &expired)),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn more_than_ten_a_second_at_a_dispensary_is_over_limit() {
    let sim = simulator().await;
    let paths: Vec<String> = (0..16)
        .map(|i| {
            format!(
                "/dispensary/v3/{}/stock/getStock?page=1&page_size={}",
                dispensary(&sim),
                i % 5 + 1
            )
        })
        .collect();
    let answers = futures::future::join_all(paths.iter().map(|p| get(&sim, p))).await;
    let limited: Vec<_> = answers
        .iter()
        .filter(|(status, _)| *status == StatusCode::TOO_MANY_REQUESTS)
        .collect();
    assert!(!limited.is_empty(), "16 calls at once exceed 10 a second");
    assert!(limited.iter().all(|(_, body)| body == "OVER LIMIT"));
    // another dispensary has a budget of its own
    let other = sim.dispensaries()[1].clone();
    let (status, _) = get(
        &sim,
        &format!("/dispensary/v3/{other}/stock/getStock?page=1&page_size=1"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn failures_answer_with_their_tokens() {
    let sim = simulator().await;
    let d = dispensary(&sim);
    let cases = [
        (
            format!(
                "/dispensary/v3/{d}/customer/lastUpdated/after/2026-01-01T00:00:00.000+00:00/page/1/pagesize/51"
            ),
            "RESPONSE_LIMIT_EXCEEDS",
        ),
        (
            format!("/dispensary/v3/{d}/customer/lastUpdated/after/2026-01-01/page/1/pagesize/5"),
            "INVALID_DATE_FORMAT",
        ),
        (
            format!("/dispensary/v3/{d}/ticket/no-such-ticket"),
            "TICKET_NOT_FOUND",
        ),
        (
            format!("/dispensary/v3/{d}/customer/no-such-customer"),
            "CUSTOMER_DOESNT_EXIST",
        ),
        (
            format!("/dispensary/v3/{d}/product/product_list?active=allz"),
            "INVALID_ACTIVE_PARAMETER",
        ),
    ];
    for (path, token) in cases {
        let (status, body) = get(&sim, &path).await;
        assert!(status.is_client_error(), "{path}: {status}");
        assert_eq!(body["resultCode"], "FAIL", "{path}");
        assert_eq!(body["resultReason"], token, "{path}");
    }
    // the adapter reads every page of a path-paged list: 300 customers, 50 a page
    let store = seeded(&SeedConfig {
        customers: 300,
        ..SeedConfig::default()
    });
    let sim = super::start(store, TreezSimOptions::default())
        .await
        .unwrap();
    let customers = adapter(&sim).customers(None).await.unwrap();
    assert_eq!(customers.items.len(), 300);
    assert!(
        sim.faults().requests_under("/dispensary") >= 7,
        "six full pages and a short one"
    );
}

fn order_at(sim: &TreezSimulator, location: &str) -> OrderSubmission {
    let (product, price, customer) = sim.store().read(|s| {
        let entry = s
            .stock_at(location)
            .find(|e| e.on_hand >= 2 && s.products[&e.product_id].active)
            .unwrap();
        let product = &s.products[&entry.product_id];
        (
            product.external_id.clone(),
            product.rec_price.clone(),
            s.customers.values().next().cloned().unwrap(),
        )
    });
    OrderSubmission {
        order_id: Uuid::new_v4(),
        external_location_id: location.to_owned(),
        customer: OrderCustomer {
            external_id: None,
            first_name: customer.first_name.unwrap_or_default(),
            last_name: customer.last_name.unwrap_or_default(),
            email: customer.email,
            phone: customer.phone,
            date_of_birth: customer.date_of_birth,
            medical_id: None,
        },
        lines: vec![OrderLineSubmission {
            external_product_id: product,
            quantity: 1,
            unit_price: price.unwrap_or_else(|| Money::usd(0)),
        }],
        fulfillment: Fulfillment::Pickup,
        delivery_address: None,
        notes: Some("treez test".to_owned()),
    }
}

#[tokio::test]
async fn treez_makes_a_ticket_per_post_and_the_adapter_finds_its_earlier_attempt() {
    let sim = simulator().await;
    let d = dispensary(&sim);
    let order = order_at(&sim, &d);
    let customer = sim
        .store()
        .read(|s| s.customers.keys().next().cloned().unwrap());
    let body = json!({
        "type": "PICKUP", "order_source": "ECOMMERCE", "order_status": "AWAITING_PROCESSING",
        "customer_id": customer, "external_order_number": "same-number", "revenue_source": "test",
        "items": [{"size_id": order.lines[0].external_product_id, "quantity": 1,
            "inventory_type": "ADULT", "apply_automatic_discounts": true}]
    });
    let create = url(&sim, &format!("/dispensary/v3/{d}/ticket/detailticket"));
    let mut ids = Vec::new();
    for _ in 0..2 {
        let token = signer(&sim).sign(&create).unwrap();
        let (status, answer) = call(
            reqwest::Method::POST,
            &create,
            Some(&token),
            Some(body.clone()),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        ids.push(answer["data"]["ticket_id"].as_str().unwrap().to_owned());
    }
    assert_ne!(ids[0], ids[1], "no idempotency key: two POSTs, two tickets");

    // the adapter: the first answer is lost after Treez made the ticket; the retry finds it
    let provider = adapter(&sim);
    let first = provider.submit_order(&order).await.unwrap();
    let again = provider.submit_order(&order).await.unwrap();
    assert_eq!(first.external_id, again.external_id);
    let reference = order.order_id.to_string();
    let tickets = sim.store().read(|s| {
        s.orders
            .values()
            .filter(|o| o.order_reference.starts_with(&reference))
            .count()
    });
    assert_eq!(tickets, 1, "one ticket for one order");
    assert_eq!(first.status.vendor_status, "AWAITING_PROCESSING");
    let order_number = sim
        .store()
        .read(|s| super::sim_wire::order_number(&s.orders[&first.external_id].external_id));
    assert_ne!(
        order_number, first.external_id,
        "order_number and ticket_id are not interchangeable"
    );
}

/// A webhook receiver: every delivery's headers and body, in order.
async fn receiver() -> (
    server::SimServer,
    mpsc::UnboundedReceiver<(HeaderMap, Bytes)>,
) {
    let (sender, deliveries) = mpsc::unbounded_channel();
    let router = Router::new()
        .route(
            "/hook",
            post(
                |State(tx): State<mpsc::UnboundedSender<(HeaderMap, Bytes)>>,
                 headers: HeaderMap,
                 body: Bytes| async move {
                    let _ = tx.send((headers, body));
                    StatusCode::NO_CONTENT
                },
            ),
        )
        .with_state(sender);
    let server = server::spawn(router, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    (server, deliveries)
}

/// The next delivery whose `event_type` is `kind`, with every delivery before it.
async fn next_of(
    deliveries: &mut mpsc::UnboundedReceiver<(HeaderMap, Bytes)>,
    kind: &str,
) -> (Vec<Value>, (HeaderMap, Bytes)) {
    let mut before = Vec::new();
    loop {
        let (headers, body) = tokio::time::timeout(Duration::from_secs(10), deliveries.recv())
            .await
            .unwrap_or_else(|_| panic!("no {kind} webhook"))
            .unwrap();
        let value: Value = serde_json::from_slice(&body).unwrap();
        if value["event_type"] == kind {
            return (before, (headers, body));
        }
        before.push(value);
    }
}

#[tokio::test]
async fn webhooks_bring_stock_and_ticket_changes_but_not_cancellations() {
    let sim = simulator().await;
    let provider = adapter(&sim);
    let (hooks, mut deliveries) = receiver().await;
    sim.register_webhook(hooks.base_url.join("hook").unwrap())
        .await
        .unwrap();
    let d = dispensary(&sim);

    // a sale at the register: an INVENTORY event with the new count, bearer-authenticated
    let order = order_at(&sim, &d);
    let product = order.lines[0].external_product_id.clone();
    let sold = sim
        .store()
        .record_sale(&product, &d, 1, None)
        .unwrap()
        .stock
        .on_hand;
    let (_, (headers, body)) = next_of(&mut deliveries, "INVENTORY").await;
    let events = provider.parse_webhook(&headers, &body).unwrap();
    let [WebhookEvent::Stock { records, .. }] = events.as_slice() else {
        panic!("{events:?}")
    };
    assert_eq!(
        (records[0].external_product_id.as_str(), records[0].on_hand),
        (product.as_str(), sold)
    );
    assert!(
        provider.parse_webhook(&HeaderMap::new(), &body).is_err(),
        "the bearer token is required"
    );

    // staff move a ticket: a TICKET event naming Canopy's order
    let submitted = provider.submit_order(&order).await.unwrap();
    sim.advance_order(&submitted.external_id, "IN_PROCESS")
        .await
        .unwrap();
    // the ticket's creation is news too; the change staff made follows it
    let (headers, body) = loop {
        let (_, (headers, body)) = next_of(&mut deliveries, "TICKET").await;
        let ticket: Value = serde_json::from_slice(&body).unwrap();
        if ticket["data"]["order_status"] == "IN_PROCESS" {
            break (headers, body);
        }
    };
    let events = provider.parse_webhook(&headers, &body).unwrap();
    let [
        WebhookEvent::OrderStatus {
            status,
            order_reference,
            ..
        },
    ] = events.as_slice()
    else {
        panic!("{events:?}")
    };
    assert_eq!(status.vendor_status, "IN_PROCESS");
    assert_eq!(
        order_reference.as_deref(),
        Some(order.order_id.to_string().as_str())
    );

    // a cancellation sends nothing: the restock after it is the next ticket-or-stock news
    provider
        .cancel_order(&submitted.external_id, "changed mind")
        .await
        .unwrap();
    sim.store().restock(&product, &d, 5).unwrap();
    let (before, _) = next_of(&mut deliveries, "INVENTORY").await;
    assert!(
        before.iter().all(|event| event["event_type"] != "TICKET"),
        "no TICKET for a cancelled ticket: {before:?}"
    );
    let polled = provider.order_status(&submitted.external_id).await.unwrap();
    assert_eq!(
        polled.vendor_status, "CANCELED",
        "polling sees what webhooks never say"
    );
}

/// The 200 schema of `path` in the excerpt of Treez's OpenAPI document.
fn schema(path: &str) -> Value {
    let document: Value =
        serde_json::from_str(include_str!("../../tests/data/treez.openapi.json")).unwrap();
    document["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        .clone()
}

fn errors(path: &str, body: &Value) -> Vec<String> {
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&schema(path))
        .unwrap();
    validator
        .iter_errors(body)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

fn assert_matches(path: &str, body: &Value) {
    let errors = errors(path, body);
    assert!(errors.is_empty(), "{path}: {}", errors.join("\n"));
}

#[tokio::test]
async fn the_simulator_answers_in_the_published_shapes() {
    let sim = simulator().await;
    let d = dispensary(&sim);
    let provider = adapter(&sim);
    let submitted = provider.submit_order(&order_at(&sim, &d)).await.unwrap();
    let customer = sim
        .store()
        .read(|s| s.customers.keys().next().cloned().unwrap());
    for (schema_path, path) in [
        (
            "/{dispensary}/product/product_list",
            format!("/dispensary/v3/{d}/product/product_list?active=ALL&page=1&pagesize=50"),
        ),
        (
            "/{dispensary}/stock/getStock",
            format!("/dispensary/v3/{d}/stock/getStock?page=1&page_size=50"),
        ),
        (
            "/{dispensary}/ticket/{ticket_id}",
            format!("/dispensary/v3/{d}/ticket/{}", submitted.external_id),
        ),
        (
            "/{dispensary}/customer/{customer_id}",
            format!("/dispensary/v3/{d}/customer/{customer}"),
        ),
        (
            "/service/catalog/v3/organization-entity",
            "/service/catalog/v3/organization-entity".to_owned(),
        ),
    ] {
        let (status, body) = get(&sim, &path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        assert_matches(schema_path, &body);
    }
    // the schemas do tell shapes apart: a customer id as text on a ticket is not Treez's
    let wrong = json!({"ticketList": [{"ticket_id": "t", "customer_id": "20"}]});
    assert!(!errors("/{dispensary}/ticket/{ticket_id}", &wrong).is_empty());
    // a register sale is a ticket too
    let sale = sim.store().read(|s| {
        s.transactions
            .values()
            .find(|t| t.external_location_id == d)
            .cloned()
            .unwrap()
    });
    let (status, body) = get(
        &sim,
        &format!("/dispensary/v3/{d}/ticket/{}", sale.external_id),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_matches("/{dispensary}/ticket/{ticket_id}", &body);
}
