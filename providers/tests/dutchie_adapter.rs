//! The Dutchie adapter against recorded responses (fixtures in Dutchie's
//! documented shape): normalisation, bad records, Basic auth in both modes,
//! customers-paginated paging, inventory snapshot semantics and the
//! transactions filter the adapter sends.
#![allow(clippy::unwrap_used)]

mod dutchie_common;

use dutchie_common::{basic, fixture};
use providers::dutchie::DutchieProvider;
use providers::model::{Money, PosKind};
use providers::model::{OrderStatus, PotencyUnit, ProductCategory, StrainType, WeightUnit};
use providers::provider::ConnectionConfig;
use providers::{PosProvider, ProviderErrorKind};
use serde_json::{Value, json};
use uuid::Uuid;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn config(server: &MockServer, settings: Value, secret: Option<&str>) -> ConnectionConfig {
    ConnectionConfig {
        connection_id: Uuid::new_v4(),
        kind: PosKind::Dutchie,
        base_url: server.uri().parse().unwrap(),
        api_key: "loc-key-1".to_owned().into(),
        api_secret: secret.map(|s| s.to_owned().into()),
        webhook_secret: None,
        settings,
    }
}

fn no_retries() -> Value {
    json!({"http": {"max_retries": 0}})
}

async fn serve(server: &MockServer, p: &str, body: Value) {
    Mock::given(method("GET"))
        .and(path(p))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(server)
        .await;
}

#[tokio::test]
async fn catalog_is_normalised_and_bad_products_rejected() {
    let server = MockServer::start().await;
    serve(&server, "/products", fixture("products.json")).await;
    let provider = DutchieProvider::new(config(&server, no_retries(), None)).unwrap();
    let batch = provider.catalog(None).await.unwrap();

    let ids: Vec<_> = batch.items.iter().map(|p| p.external_id.as_str()).collect();
    assert_eq!(ids, ["501", "502", "503"]);
    let flower = &batch.items[0];
    assert_eq!(flower.category, ProductCategory::Flower);
    assert_eq!(flower.strain_type, StrainType::Sativa);
    assert_eq!(flower.thc.unwrap().unit, PotencyUnit::Percent);
    assert_eq!(flower.rec_price, Some(Money::usd(3500)));
    assert_eq!(flower.med_price, Some(Money::usd(3000)));
    assert_eq!(flower.max_per_transaction, Some(8));
    let gummies = &batch.items[1];
    assert_eq!(gummies.category, ProductCategory::Edible);
    assert_eq!(gummies.thc.unwrap().unit, PotencyUnit::Milligrams);
    assert_eq!(gummies.net_weight.unwrap().unit, WeightUnit::Ounces);
    assert_eq!(gummies.rec_price, Some(Money::usd(1999)));
    let clone = &batch.items[2];
    assert_eq!(clone.category, ProductCategory::Other);
    assert_eq!(clone.category_raw.as_deref(), Some("Clones"));
    assert_eq!(clone.strain_type, StrainType::Other);
    assert_eq!(clone.strain_type_raw.as_deref(), Some("Ruderalis"));
    assert_eq!(
        clone.thc.unwrap().unit,
        PotencyUnit::Other,
        "an unknown potency unit is kept as OTHER, not guessed"
    );
    assert!(clone.medical_only);

    let rejected: Vec<_> = batch
        .rejected
        .iter()
        .map(|r| r.external_id.clone().unwrap())
        .collect();
    assert_eq!(rejected, ["504", "five-oh-five", "501"]);
    assert!(batch.rejected.iter().all(|r| r.endpoint == "GET /products"));
    assert_eq!(
        batch.high_water_mark.unwrap().to_rfc3339(),
        "2024-05-03T09:00:00+00:00"
    );
}

#[tokio::test]
async fn inventory_is_a_complete_snapshot_summed_per_product() {
    let server = MockServer::start().await;
    serve(&server, "/whoami", fixture("whoami.json")).await;
    serve(&server, "/inventory", fixture("inventory.json")).await;
    let provider = DutchieProvider::new(config(&server, no_retries(), None)).unwrap();
    let snapshot = provider.stock(None).await.unwrap();

    assert!(
        snapshot.complete,
        "Dutchie lists only items with stock: absent means zero"
    );
    let counts: Vec<_> = snapshot
        .records
        .iter()
        .map(|r| (r.external_product_id.as_str(), r.on_hand))
        .collect();
    assert_eq!(counts, [("501", 15), ("502", 40)]);
    assert!(
        snapshot
            .records
            .iter()
            .all(|r| r.external_location_id == "1042")
    );
    assert_eq!(
        snapshot.records[1].package_tag.as_deref(),
        Some("1A4060300002A1B000000201")
    );
    assert_eq!(
        snapshot.records[0].package_tag, None,
        "two packages: no single tag"
    );
    let rejected: Vec<_> = snapshot
        .rejected
        .iter()
        .map(|r| r.external_id.clone().unwrap())
        .collect();
    assert_eq!(
        rejected,
        ["9004", "9005"],
        "negative and missing quantities"
    );

    // The location id is read once; a second snapshot does not call /whoami again.
    provider.stock(None).await.unwrap();
    let whoami_calls = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/whoami")
        .count();
    assert_eq!(whoami_calls, 1);
}

#[tokio::test]
async fn basic_auth_uses_the_key_and_an_empty_password() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/whoami"))
        .and(header("Authorization", basic("loc-key-1", "").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("whoami.json")))
        .mount(&server)
        .await;
    let provider = DutchieProvider::new(config(&server, no_retries(), None)).unwrap();
    let report = provider.test_connection().await.unwrap();
    assert_eq!(report.identity, "Green Leaf Holdings / Green Leaf Mission");
    let location = &report.locations[0];
    assert_eq!(location.external_id, "1042");
    assert_eq!(
        location.address.as_deref(),
        Some("2100 Mission St, Suite 4")
    );
    assert_eq!(location.licence_number.as_deref(), Some("C10-0000123-LIC"));
}

#[tokio::test]
async fn integrator_mode_puts_the_integrator_key_in_the_password_slot() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/whoami"))
        .and(header(
            "Authorization",
            basic("loc-key-1", "integrator-secret").as_str(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("whoami.json")))
        .mount(&server)
        .await;
    let settings = json!({"auth_mode": "integrator_key", "http": {"max_retries": 0}});
    let provider =
        DutchieProvider::new(config(&server, settings.clone(), Some("integrator-secret"))).unwrap();
    assert_eq!(provider.locations().await.unwrap()[0].external_id, "1042");

    let err = DutchieProvider::new(config(&server, settings, None)).unwrap_err();
    assert!(matches!(err.kind, ProviderErrorKind::Config(_)), "{err}");
}

#[tokio::test]
async fn a_rejected_key_is_unauthorized() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/whoami"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let provider = DutchieProvider::new(config(&server, no_retries(), None)).unwrap();
    let err = provider.test_connection().await.unwrap_err();
    assert_eq!(err.kind, ProviderErrorKind::Unauthorized);
    assert_eq!(err.endpoint, "GET /whoami");
}

#[tokio::test]
async fn full_customer_pull_pages_from_zero_until_an_empty_page() {
    let server = MockServer::start().await;
    let customers = fixture("customers.json");
    let page = |n: &str, body: Value| {
        Mock::given(method("GET"))
            .and(path("/customer/customers-paginated"))
            .and(query_param("PageNumber", n))
            .and(query_param("PageSize", "2"))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
    };
    page("0", json!([customers[0], customers[1]]))
        .mount(&server)
        .await;
    page("1", json!([customers[2], customers[3]]))
        .mount(&server)
        .await;
    page("2", json!([])).mount(&server).await;
    let settings = json!({"customer_page_size": 2, "http": {"max_retries": 0}});
    let provider = DutchieProvider::new(config(&server, settings, None)).unwrap();
    let batch = provider.customers(None).await.unwrap();

    let ids: Vec<_> = batch.items.iter().map(|c| c.external_id.as_str()).collect();
    // `lastModifiedDateUTC` is a plain string in Dutchie's schema: an unreadable one
    // is dropped, the profile kept.
    assert_eq!(ids, ["3001", "3002", "3003"]);
    assert_eq!(batch.items[2].modified_at, None);
    let ada = &batch.items[0];
    assert_eq!(ada.medical_id.as_deref(), Some("MMJ-1234"));
    assert_eq!(ada.date_of_birth.unwrap().to_string(), "1990-12-10");
    assert_eq!(
        batch.items[1].phone.as_deref(),
        Some("415-555-0102"),
        "cell phone when no phone"
    );
    assert_eq!(batch.rejected.len(), 1, "a record without id");
    assert_eq!(batch.rejected[0].reason, "missing field `customerId`");
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn a_page_that_repeats_itself_ends_the_pull_as_malformed() {
    let server = MockServer::start().await;
    serve(
        &server,
        "/customer/customers-paginated",
        json!([fixture("customers.json")[0]]),
    )
    .await;
    let provider = DutchieProvider::new(config(&server, no_retries(), None)).unwrap();
    let err = provider.customers(None).await.unwrap_err();
    assert!(matches!(err.kind, ProviderErrorKind::Malformed(_)), "{err}");
}

#[tokio::test]
async fn changed_customers_use_the_last_modified_filter() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/customer/customers"))
        .and(query_param(
            "fromLastModifiedDateUTC",
            "2024-05-01T00:00:00.000Z",
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!([fixture("customers.json")[1]])),
        )
        .mount(&server)
        .await;
    let provider = DutchieProvider::new(config(&server, no_retries(), None)).unwrap();
    let since = "2024-05-01T00:00:00Z".parse().unwrap();
    let batch = provider.customers(Some(since)).await.unwrap();
    assert_eq!(batch.items.len(), 1);
    assert_eq!(
        batch.high_water_mark.unwrap().to_rfc3339(),
        "2024-05-06T10:00:00+00:00"
    );
}

#[tokio::test]
async fn transactions_send_only_the_last_modified_filter() {
    let server = MockServer::start().await;
    serve(&server, "/whoami", fixture("whoami.json")).await;
    serve(
        &server,
        "/reporting/transactions",
        fixture("transactions.json"),
    )
    .await;
    let provider = DutchieProvider::new(config(&server, no_retries(), None)).unwrap();
    let since = "2024-05-07T00:00:00Z".parse().unwrap();
    let batch = provider.transactions(Some(since)).await.unwrap();

    let requests = server.received_requests().await.unwrap();
    let request = requests
        .iter()
        .find(|r| r.url.path() == "/reporting/transactions")
        .unwrap();
    let params: Vec<(String, String)> = request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let names: Vec<_> = params.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        names,
        [
            "FromLastModifiedDateUTC",
            "IncludeDetail",
            "IncludeOrderIds"
        ]
    );
    assert_eq!(params[0].1, "2024-05-07T00:00:00.000Z");

    let ids: Vec<_> = batch.items.iter().map(|t| t.external_id.as_str()).collect();
    assert_eq!(ids, ["7001", "7002", "7003"]);
    let sale = &batch.items[0];
    assert_eq!(sale.total, Money::usd(8050));
    assert_eq!(sale.external_order_id.as_deref(), Some("4401"));
    assert_eq!(
        sale.lines[0].package_tag.as_deref(),
        Some("1A4060300002A1B000000101")
    );
    let ret = &batch.items[1];
    assert!(ret.is_return && ret.lines[0].returned);
    assert_eq!(ret.return_of.as_deref(), Some("7001"));
    assert_eq!(ret.total, Money::usd(3500));
    let void = &batch.items[2];
    assert!(void.is_void);
    assert_eq!(
        void.external_customer_id, None,
        "customer 0 is the anonymous walk-in"
    );
    assert_eq!(
        batch.rejected[0].external_id.as_deref(),
        Some("7004"),
        "negative quantity"
    );
    assert!(batch.items.iter().all(|t| t.external_location_id == "1042"));
}

#[tokio::test]
async fn pre_order_statuses_are_mapped_and_unknown_ones_kept() {
    let server = MockServer::start().await;
    let mut odd = fixture("preorder_status.json");
    odd["preOrderId"] = json!(4402);
    odd["status"] = json!("AwaitingPayment");
    for (id, body) in [("4401", fixture("preorder_status.json")), ("4402", odd)] {
        Mock::given(method("GET"))
            .and(path("/preorder/Status"))
            .and(query_param("PreOrderId", id))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(&server)
            .await;
    }
    let provider = DutchieProvider::new(config(&server, no_retries(), None)).unwrap();
    let known = provider.order_status("4401").await.unwrap();
    assert_eq!(known.status, Some(OrderStatus::Confirmed));
    assert_eq!(known.vendor_status, "Processing");
    let unknown = provider.order_status("4402").await.unwrap();
    assert_eq!(unknown.status, None);
    assert_eq!(unknown.vendor_status, "AwaitingPayment");
    let err = provider.order_status("not-a-number").await.unwrap_err();
    assert!(matches!(err.kind, ProviderErrorKind::NotFound(_)));
}

#[tokio::test]
async fn returns_and_webhooks_are_unsupported() {
    let server = MockServer::start().await;
    let provider = DutchieProvider::new(config(&server, no_retries(), None)).unwrap();
    let caps = provider.capabilities();
    assert!(!caps.returns && !caps.webhooks && !caps.stock_changed_since);
    assert!(caps.order_submit && caps.customer_write);
    let err = provider
        .parse_webhook(&Default::default(), b"{}")
        .unwrap_err();
    assert!(matches!(err.kind, ProviderErrorKind::Unsupported(_)));
}
