//! The Dutchie simulator's own rules, through the adapter and raw HTTP:
//! key per location, roles, integrator keys, Dutchie's 429 body, inventory
//! listing only stocked items, page-number paging, mutually exclusive
//! transaction filters, customer matching for pre-orders.
#![allow(clippy::unwrap_used)]

mod dutchie_common;

use dutchie_common::basic;
use providers::dutchie::simulator::{DutchieRole, DutchieSimKey, start};
use providers::dutchie::{DutchieProvider, DutchieRateLimits, DutchieSimOptions, DutchieSimulator};
use providers::model::{
    Fulfillment, Money, OrderCustomer, OrderLineSubmission, OrderStatus, OrderSubmission,
};
use providers::simulator::Simulator;
use providers::simulator::seed::{SeedConfig, seeded};
use providers::{PosProvider, ProviderErrorKind};
use serde_json::{Value, json};
use uuid::Uuid;

fn small() -> SeedConfig {
    SeedConfig {
        products: 40,
        customers: 25,
        transactions: 10,
        ..SeedConfig::default()
    }
}

fn adapter(sim: &DutchieSimulator, settings: Value) -> DutchieProvider {
    let mut config = sim.connection_config(Uuid::new_v4());
    let serde_json::Value::Object(extra) = settings else {
        panic!("settings must be an object")
    };
    for (k, v) in extra {
        config.settings[k] = v;
    }
    DutchieProvider::new(config).unwrap()
}

async fn get(sim: &DutchieSimulator, path: &str, auth: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(sim.base_url().join(path).unwrap())
        .header("Authorization", auth)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn each_key_sees_its_own_location_and_bad_keys_get_401() {
    let sim = start(seeded(&small()), Default::default()).await.unwrap();
    assert_eq!(sim.keys().len(), 2, "one key per seeded location");
    for key in sim.keys() {
        let provider =
            DutchieProvider::new(sim.connection_config_for(Uuid::new_v4(), key)).unwrap();
        let locations = provider.locations().await.unwrap();
        assert_eq!(locations.len(), 1);
        assert_eq!(locations[0].external_id, key.location_id);
    }
    assert_eq!(get(&sim, "whoami", &basic("nope", "")).await.status(), 401);
    assert_eq!(get(&sim, "whoami", "Bearer x").await.status(), 401);
    let mut config = sim.connection_config(Uuid::new_v4());
    config.api_key = "wrong".to_owned().into();
    let err = DutchieProvider::new(config)
        .unwrap()
        .test_connection()
        .await
        .unwrap_err();
    assert_eq!(err.kind, ProviderErrorKind::Unauthorized);
}

#[tokio::test]
async fn a_missing_role_is_forbidden() {
    let store = seeded(&small());
    let location_id = store.read(|s| s.locations[0].external_id.clone());
    let key = DutchieSimKey {
        key: "inventory-only".into(),
        location_id,
        roles: vec![DutchieRole::Inventory],
    };
    let sim = start(
        store,
        DutchieSimOptions {
            keys: vec![key],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let provider = adapter(&sim, json!({}));
    provider.test_connection().await.unwrap();
    assert!(provider.catalog(None).await.is_ok());
    let err = provider.customers(None).await.unwrap_err();
    assert!(matches!(err.kind, ProviderErrorKind::Forbidden(_)), "{err}");
    assert_eq!(err.endpoint, "GET /customer/customers-paginated");
    let err = provider.transactions(None).await.unwrap_err();
    assert!(matches!(err.kind, ProviderErrorKind::Forbidden(_)), "{err}");
}

#[tokio::test]
async fn integrator_keys_are_checked_in_the_password_slot() {
    let options = DutchieSimOptions {
        integrator_key: Some("integrator-1".into()),
        ..Default::default()
    };
    let sim = start(seeded(&small()), options).await.unwrap();
    let mut config = sim.connection_config(Uuid::new_v4());
    config.settings["auth_mode"] = json!("integrator_key");
    config.api_secret = Some("integrator-1".to_owned().into());
    DutchieProvider::new(config.clone())
        .unwrap()
        .test_connection()
        .await
        .unwrap();
    config.api_secret = Some("someone-else".to_owned().into());
    let err = DutchieProvider::new(config)
        .unwrap()
        .test_connection()
        .await
        .unwrap_err();
    assert_eq!(err.kind, ProviderErrorKind::Unauthorized);
}

#[tokio::test]
async fn over_the_limit_answers_dutchies_429() {
    let limits = DutchieRateLimits {
        baseline_per_minute: 2,
        ..DutchieRateLimits::default()
    };
    let sim = start(
        seeded(&small()),
        DutchieSimOptions {
            rate_limits: Some(limits),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let auth = basic(&sim.keys()[0].key, "");
    for _ in 0..2 {
        assert_eq!(get(&sim, "products", &auth).await.status(), 200);
    }
    let refused = get(&sim, "products", &auth).await;
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().contains_key("retry-after"));
    let body: Value = refused.json().await.unwrap();
    assert_eq!(
        body["Message"],
        "Too many requests - only 2 per minute allowed"
    );
    assert!(body["TraceId"].as_str().is_some_and(|t| !t.is_empty()));
    let documented = dutchie_common::fixture("too_many_requests.json");
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&body), keys(&documented), "the documented 429 shape");
    assert_eq!(
        get(&sim, "inventory", &auth).await.status(),
        200,
        "each endpoint has its own budget"
    );
}

#[tokio::test]
async fn inventory_lists_only_stocked_items() {
    let store = seeded(&small());
    let sim = start(store.clone(), Default::default()).await.unwrap();
    let location = sim.keys()[0].location_id.clone();
    let (product, on_hand) = store.read(|s| {
        s.stock_at(&location)
            .find(|e| e.on_hand > 0)
            .map(|e| (e.product_id.clone(), e.on_hand))
            .unwrap()
    });
    store
        .record_sale(&product, &location, on_hand, None)
        .unwrap();
    assert_eq!(store.read(|s| s.on_hand(&product, &location)), 0);

    let provider = adapter(&sim, json!({}));
    let snapshot = provider.stock(None).await.unwrap();
    assert!(snapshot.complete);
    assert!(snapshot.records.iter().all(|r| r.on_hand > 0));
    assert!(
        !snapshot
            .records
            .iter()
            .any(|r| r.external_product_id == product),
        "sold out: absent, so zero"
    );
    let stocked = store.read(|s| s.stock_at(&location).filter(|e| e.on_hand > 0).count());
    assert_eq!(snapshot.records.len(), stocked);
}

#[tokio::test]
async fn customers_are_read_page_by_page() {
    let sim = start(seeded(&small()), Default::default()).await.unwrap();
    let provider = adapter(&sim, json!({"customer_page_size": 4}));
    let batch = provider.customers(None).await.unwrap();
    assert_eq!(batch.items.len(), 25);
    assert!(batch.rejected.is_empty());
    // 25 customers by 4: pages 0..=6 hold data, page 7 is the empty one that ends the pull.
    assert_eq!(sim.faults().requests("/customer/customers-paginated"), 8);
}

#[tokio::test]
async fn transaction_filters_are_mutually_exclusive() {
    let sim = start(seeded(&small()), Default::default()).await.unwrap();
    let auth = basic(&sim.keys()[0].key, "");
    let both = "reporting/transactions?FromLastModifiedDateUTC=2024-01-01T00:00:00Z&FromDateUTC=2024-01-01T00:00:00Z";
    let response = get(&sim, both, &auth).await;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["isValid"], false);
    let one = "reporting/transactions?TransactionId=1&ToDateUTC=2030-01-01T00:00:00Z";
    assert_eq!(get(&sim, one, &auth).await.status(), 400);
    // The adapter sends one filter only, so its reads succeed.
    let batch = adapter(&sim, json!({})).transactions(None).await.unwrap();
    assert!(!batch.items.is_empty());
}

#[tokio::test]
async fn customer_profiles_are_written_and_orders_find_their_customer() {
    let store = seeded(&small());
    let sim = start(store.clone(), Default::default()).await.unwrap();
    let provider = adapter(&sim, json!({}));
    let mut customer = store.read(|s| s.customers.values().next().unwrap().clone());
    customer.external_id = String::new();
    customer.email = Some("new.person@example.com".into());
    customer.medical_id = None;
    customer.address = Some("1 Main St".into());
    customer.city = Some("Oakland".into());
    customer.state = Some("CA".into());
    customer.postal_code = Some("94607".into());
    let id = provider.upsert_customer(&customer).await.unwrap();
    assert_eq!(
        store.read(|s| s.customers[&id].email.clone()).as_deref(),
        Some("new.person@example.com")
    );

    customer.address = None;
    let err = provider.upsert_customer(&customer).await.unwrap_err();
    assert!(
        matches!(err.kind, ProviderErrorKind::Rejected(_)),
        "Dutchie requires an address: {err}"
    );

    let location = sim.keys()[0].location_id.clone();
    let product = store.read(|s| {
        s.stock_at(&location)
            .find(|e| e.on_hand >= 1)
            .unwrap()
            .product_id
            .clone()
    });
    let order = OrderSubmission {
        order_id: Uuid::new_v4(),
        external_location_id: location,
        customer: OrderCustomer {
            external_id: None,
            first_name: "New".into(),
            last_name: "Person".into(),
            email: Some("NEW.PERSON@example.com".into()),
            phone: None,
            date_of_birth: None,
            medical_id: None,
        },
        lines: vec![OrderLineSubmission {
            external_product_id: product,
            quantity: 1,
            unit_price: Money::usd(100),
        }],
        fulfillment: Fulfillment::Pickup,
        delivery_address: None,
        notes: None,
    };
    let submitted = provider.submit_order(&order).await.unwrap();
    assert_eq!(submitted.status.status, Some(OrderStatus::Submitted));
    let stored = store.read(|s| s.orders[&submitted.external_id].clone());
    assert_eq!(
        stored.customer_id.as_deref(),
        Some(id.as_str()),
        "matched by e-mail"
    );
    assert_eq!(stored.order_reference, order.order_id.to_string());

    let mut stranger = order.clone();
    stranger.order_id = Uuid::new_v4();
    stranger.customer.email = Some("nobody@example.com".into());
    let err = provider.submit_order(&stranger).await.unwrap_err();
    assert!(matches!(err.kind, ProviderErrorKind::Rejected(_)), "{err}");
    assert_eq!(err.endpoint, "POST /customer/search");
}

#[tokio::test]
async fn a_ten_thousand_product_catalog_is_one_request() {
    let store = seeded(&SeedConfig {
        products: 10_000,
        customers: 10,
        transactions: 5,
        ..SeedConfig::default()
    });
    let sim = start(store, Default::default()).await.unwrap();
    let provider = adapter(&sim, json!({}));
    let started = std::time::Instant::now();
    let batch = provider.catalog(None).await.unwrap();
    let elapsed = started.elapsed();
    assert_eq!(batch.items.len(), 10_000);
    assert!(batch.rejected.is_empty());
    assert_eq!(
        sim.faults().requests("/products"),
        1,
        "Dutchie returns the whole catalog at once"
    );
    println!("dutchie: 10k-product catalog in {elapsed:?}, 1 request");
}
