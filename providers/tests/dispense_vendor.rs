//! Dispense's odd parts, beyond the conformance suite: `skip`/`limit`
//! paging driven by `count`, `modifiedStart` reads, the rate-limit headers,
//! the key headers (current and legacy), the venue 404, carts that refuse
//! lines, and customers derived from orders.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use providers::dispense::simulator::{self, DispenseSimOptions, DispenseSimulator};
use providers::dispense::{ApiMode, DispenseProvider};
use providers::http::RateLimit;
use providers::model::{
    Fulfillment, Money, OrderCustomer, OrderLineSubmission, OrderStatus, OrderSubmission, PosKind,
};
use providers::simulator::Simulator;
use providers::simulator::seed::{self, SeedConfig};
use providers::{ConnectionConfig, PosProvider, ProviderErrorKind};
use serde_json::json;
use uuid::Uuid;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn one_venue(products: usize) -> SeedConfig {
    SeedConfig {
        locations: 1,
        products,
        ..SeedConfig::default()
    }
}

async fn start(seed: SeedConfig, options: DispenseSimOptions) -> DispenseSimulator {
    simulator::start(seed::seeded(&seed), options)
        .await
        .unwrap()
}

/// The simulator's connection with fast retries and `extra` settings merged in.
fn connection(sim: &DispenseSimulator, extra: serde_json::Value) -> ConnectionConfig {
    let mut config = sim.connection_config(Uuid::new_v4());
    let settings = config.settings.as_object_mut().unwrap();
    settings.insert(
        "http".into(),
        json!({"base_backoff_ms": 1, "max_backoff_ms": 5, "max_retry_after_ms": 1000}),
    );
    for (k, v) in extra.as_object().unwrap() {
        settings.insert(k.clone(), v.clone());
    }
    config
}

fn adapter(sim: &DispenseSimulator, extra: serde_json::Value) -> DispenseProvider {
    DispenseProvider::new(&connection(sim, extra)).unwrap()
}

/// A connection to a mock server for venue `v1` with key `k`.
fn mock_connection(server: &MockServer, settings: serde_json::Value) -> ConnectionConfig {
    ConnectionConfig {
        connection_id: Uuid::new_v4(),
        kind: PosKind::Dispense,
        base_url: server.uri().parse().unwrap(),
        api_key: "k".to_owned().into(),
        api_secret: None,
        webhook_secret: None,
        settings,
    }
}

fn venue_json() -> serde_json::Value {
    serde_json::from_str(include_str!("fixtures/dispense/venue.json")).unwrap()
}

#[tokio::test]
async fn six_hundred_products_take_three_pages() {
    let sim = start(one_venue(600), DispenseSimOptions::default()).await;
    let batch = adapter(&sim, json!({})).catalog(None).await.unwrap();
    assert_eq!(batch.items.len(), 600);
    assert!(batch.rejected.is_empty());
    assert_eq!(sim.faults().requests("/products"), 3, "250 + 250 + 100");

    let smaller = adapter(&sim, json!({"page_size": 100}));
    sim.faults().reset_counts();
    assert_eq!(smaller.stock(None).await.unwrap().records.len(), 600);
    assert_eq!(sim.faults().requests("/products"), 6);
}

#[tokio::test]
async fn paging_follows_count_not_short_pages() {
    // A server that serves fewer rows than asked: only `count` says when to stop.
    let server = MockServer::start().await;
    let venue = "578f14c8e658dfdc";
    let products: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/dispense/products.json")).unwrap();
    let rows = products["data"].as_array().unwrap();
    for (skip, chunk) in [(0, &rows[0..2]), (2, &rows[2..4])] {
        Mock::given(method("GET"))
            .and(path("/products"))
            .and(query_param("venueId", venue))
            .and(query_param("skip", skip.to_string()))
            .and(query_param("limit", "250"))
            .respond_with(ResponseTemplate::new(200).set_body_json(
                json!({"count": 4, "pageCount": chunk.len(), "skip": skip, "limit": 2, "data": chunk}),
            ))
            .expect(1)
            .mount(&server)
            .await;
    }
    let provider =
        DispenseProvider::new(&mock_connection(&server, json!({"venue_id": venue}))).unwrap();
    let batch = provider.catalog(None).await.unwrap();
    // Four rows, one of them with a live variant of its own.
    assert_eq!(batch.items.len(), 5);
    assert_eq!(
        batch.high_water_mark.unwrap().to_rfc3339(),
        "2024-03-03T09:15:00+00:00"
    );
}

#[tokio::test]
async fn modified_start_reads_only_what_changed() {
    let sim = start(one_venue(50), DispenseSimOptions::default()).await;
    let provider = adapter(&sim, json!({}));
    let full = provider.catalog(None).await.unwrap();
    let since = sim.store().now();
    let (renamed, restocked, venue) = sim.store().read(|s| {
        let mut ids = s.products.keys();
        (
            ids.next().unwrap().clone(),
            ids.next().unwrap().clone(),
            s.locations[0].external_id.clone(),
        )
    });
    sim.store()
        .update_product(&renamed, |p| p.name = "Renamed".into())
        .unwrap();
    sim.store().restock(&restocked, &venue, 5).unwrap();

    let changed = provider.catalog(Some(since)).await.unwrap();
    let mut ids: Vec<_> = changed
        .items
        .iter()
        .map(|p| p.external_id.clone())
        .collect();
    ids.sort();
    let mut want = vec![renamed.clone(), restocked.clone()];
    want.sort();
    assert_eq!(ids, want);
    assert!(changed.high_water_mark > full.high_water_mark);

    let stock = provider.stock(Some(since)).await.unwrap();
    assert!(!stock.complete, "a changed-since read is not a snapshot");
    let on_hand = sim.store().read(|s| s.on_hand(&restocked, &venue));
    assert!(
        stock
            .records
            .iter()
            .any(|r| r.external_product_id == restocked && r.on_hand == on_hand)
    );
}

#[tokio::test]
async fn every_answer_carries_the_rate_limit_and_a_spent_budget_is_429() {
    let options = DispenseSimOptions {
        limits: vec![RateLimit::new("api", 3, Duration::from_secs(600))],
        ..DispenseSimOptions::default()
    };
    let sim = start(one_venue(5), options.clone()).await;
    let venue = sim.store().read(|s| s.locations[0].external_id.clone());
    let url = sim.base_url().join(&format!("venues/{venue}")).unwrap();
    let client = reqwest::Client::new();
    for remaining in ["2", "1", "0"] {
        let response = client
            .get(url.clone())
            .header("x-dispense-api-key", &options.api_key)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["x-ratelimit-limit"], "3");
        assert_eq!(response.headers()["x-ratelimit-remaining"], remaining);
    }
    let refused = client
        .get(url)
        .header("x-dispense-api-key", &options.api_key)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().contains_key("retry-after"));
    assert_eq!(refused.headers()["x-ratelimit-remaining"], "0");
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(body["name"], "TooManyRequestsError");

    // The adapter gives up rather than wait minutes, naming the wait.
    let err = adapter(&sim, json!({})).locations().await.unwrap_err();
    assert!(
        matches!(
            err.kind,
            ProviderErrorKind::RateLimited {
                retry_after: Some(_)
            }
        ),
        "{err}"
    );
}

#[tokio::test]
async fn a_low_remaining_budget_slows_the_next_call() {
    let server = MockServer::start().await;
    let remaining = |n: u32| {
        ResponseTemplate::new(200)
            .set_body_json(venue_json())
            .insert_header("x-ratelimit-remaining", n.to_string())
    };
    Mock::given(path("/venues/low"))
        .respond_with(remaining(3))
        .mount(&server)
        .await;
    Mock::given(path("/venues/high"))
        .respond_with(remaining(400))
        .mount(&server)
        .await;

    let timed = |venue: &'static str| {
        let provider =
            DispenseProvider::new(&mock_connection(&server, json!({"venue_id": venue}))).unwrap();
        async move {
            provider.locations().await.unwrap();
            let started = Instant::now();
            provider.locations().await.unwrap();
            started.elapsed()
        }
    };
    // Dispense's 500 calls per 5 minutes is one call per 600 ms once the budget runs low.
    assert!(timed("low").await >= Duration::from_millis(550));
    assert!(timed("high").await < Duration::from_millis(550));
}

#[tokio::test]
async fn an_unknown_venue_is_not_found() {
    let sim = start(one_venue(5), DispenseSimOptions::default()).await;
    let err = adapter(&sim, json!({"venue_ids": ["nope"]}))
        .test_connection()
        .await
        .unwrap_err();
    assert!(
        matches!(&err.kind, ProviderErrorKind::NotFound(body) if body.contains("venue not found")),
        "{err}"
    );
    assert_eq!(err.endpoint, "GET /venues/{id}");
}

#[tokio::test]
async fn the_key_goes_in_the_documented_header() {
    let sim = start(one_venue(5), DispenseSimOptions::default()).await;
    let mut wrong = connection(&sim, json!({}));
    wrong.api_key = "not-the-key".to_owned().into();
    let err = DispenseProvider::new(&wrong)
        .unwrap()
        .locations()
        .await
        .unwrap_err();
    assert_eq!(err.kind, ProviderErrorKind::Unauthorized);
    let legacy_header = adapter(&sim, json!({"api_mode": "legacy"}))
        .locations()
        .await
        .unwrap_err();
    assert_eq!(legacy_header.kind, ProviderErrorKind::Unauthorized);

    let legacy = start(
        one_venue(5),
        DispenseSimOptions {
            api_mode: ApiMode::Legacy,
            ..DispenseSimOptions::default()
        },
    )
    .await;
    assert_eq!(
        adapter(&legacy, json!({})).locations().await.unwrap().len(),
        1
    );

    let server = MockServer::start().await;
    Mock::given(path("/venues/v1"))
        .and(header("x-dispense-api-key", "k"))
        .respond_with(ResponseTemplate::new(200).set_body_json(venue_json()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/venues/v1"))
        .and(header("api-key", "k"))
        .respond_with(ResponseTemplate::new(200).set_body_json(venue_json()))
        .expect(1)
        .mount(&server)
        .await;
    for mode in ["current", "legacy"] {
        let config = mock_connection(&server, json!({"venue_id": "v1", "api_mode": mode}));
        DispenseProvider::new(&config)
            .unwrap()
            .locations()
            .await
            .unwrap();
    }
}

fn order_for(sim: &DispenseSimulator, quantity: i64) -> OrderSubmission {
    let (product, venue, price) = sim.store().read(|s| {
        let entry = s.stock.values().find(|e| e.on_hand >= 2).unwrap();
        (
            entry.product_id.clone(),
            entry.location_id.clone(),
            s.products[&entry.product_id].rec_price.clone(),
        )
    });
    OrderSubmission {
        order_id: Uuid::new_v4(),
        external_location_id: venue,
        customer: OrderCustomer {
            external_id: None,
            first_name: "Grace".into(),
            last_name: "Hopper".into(),
            email: Some("grace@example.com".into()),
            phone: None,
            date_of_birth: None,
            medical_id: None,
        },
        lines: vec![OrderLineSubmission {
            external_product_id: product,
            quantity,
            unit_price: price.unwrap_or_else(|| Money::usd(0)),
        }],
        fulfillment: Fulfillment::Pickup,
        delivery_address: None,
        notes: None,
    }
}

#[tokio::test]
async fn a_cart_that_cannot_be_had_is_rejected() {
    let sim = start(one_venue(20), DispenseSimOptions::default()).await;
    let order = order_for(&sim, 1_000_000);
    let err = adapter(&sim, json!({}))
        .submit_order(&order)
        .await
        .unwrap_err();
    assert!(
        matches!(&err.kind, ProviderErrorKind::Rejected(why) if why.contains("QUANTITY_NOT_AVAILABLE")),
        "{err}"
    );
    assert_eq!(err.endpoint, "POST /carts");
    assert!(sim.store().read(|s| s.orders.is_empty()));
}

#[tokio::test]
async fn completed_orders_are_sales_and_their_users_customers() {
    let sim = start(one_venue(20), DispenseSimOptions::default()).await;
    let provider = adapter(&sim, json!({"customers_from_orders": true}));
    let since = sim.store().now();
    let order = order_for(&sim, 2);
    let submitted = provider.submit_order(&order).await.unwrap();
    assert_eq!(submitted.status.status, Some(OrderStatus::Submitted));
    sim.advance_order(&submitted.external_id, "COMPLETED")
        .await
        .unwrap();

    let sales = provider.transactions(Some(since)).await.unwrap();
    assert_eq!(sales.items.len(), 1);
    let sale = &sales.items[0];
    assert_eq!(
        sale.external_order_id.as_deref(),
        Some(submitted.external_id.as_str())
    );
    assert_eq!(sale.order_reference, Some(order.order_id.to_string()));
    assert_eq!(sale.lines[0].quantity, 2);

    let customers = provider.customers(Some(since)).await.unwrap();
    assert_eq!(customers.items.len(), 1);
    assert_eq!(customers.items[0].last_name.as_deref(), Some("Hopper"));

    let without = adapter(&sim, json!({})).customers(None).await.unwrap_err();
    assert!(matches!(without.kind, ProviderErrorKind::Unsupported(_)));
}
