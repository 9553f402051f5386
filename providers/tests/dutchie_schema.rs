//! Dutchie's OpenAPI document is the source of truth: the fixtures, every
//! response the simulator serves, and every request body the adapter sends
//! are validated against its schemas.
#![allow(clippy::unwrap_used)]

mod dutchie_common;

use chrono::NaiveDate;
use dutchie_common::{Spec, basic, fixture};
use providers::PosProvider;
use providers::dutchie::simulator::start;
use providers::dutchie::{DutchieProvider, DutchieSimulator};
use providers::model::{
    ExternalCustomer, Fulfillment, Money, OrderCustomer, OrderLineSubmission, OrderSubmission,
    PosKind,
};
use providers::provider::ConnectionConfig;
use providers::simulator::Simulator;
use providers::simulator::seed::{SeedConfig, seeded};
use serde_json::{Value, json};
use uuid::Uuid;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[test]
fn fixtures_match_the_openapi_schemas() {
    let spec = Spec::load();
    let one =
        |schema: &str, file: &str| spec.assert_valid(file, &spec.component(schema), &fixture(file));
    one("LocationIdentity", "whoami.json");
    one("PreOrderStatus", "preorder_status.json");
    one("BadRequestResponse", "bad_request.json");
    one("ValidationResult", "validation_result.json");
    for (path, file) in [
        ("/inventory", "inventory.json"),
        ("/customer/customers", "customers.json"),
        ("/reporting/transactions", "transactions.json"),
    ] {
        spec.assert_valid(file, &spec.response("get", path, "200"), &fixture(file));
    }
    // products.json carries one record of the wrong type on purpose (a bad record test).
    let products = fixture("products.json");
    let item = spec.component("ProductDetail");
    let invalid: Vec<_> = products
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| !spec.errors(&item, p).is_empty())
        .map(|p| p["productId"].clone())
        .collect();
    assert_eq!(invalid, vec![json!("five-oh-five")]);
}

struct Raw {
    client: reqwest::Client,
    base: url::Url,
    auth: String,
}

impl Raw {
    fn new(sim: &DutchieSimulator) -> Self {
        Raw {
            client: reqwest::Client::new(),
            base: sim.base_url().clone(),
            auth: basic(&sim.keys()[0].key, ""),
        }
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path_and_query: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut request = self
            .client
            .request(
                method,
                self.base
                    .join(path_and_query.trim_start_matches('/'))
                    .unwrap(),
            )
            .header("Authorization", &self.auth)
            .header("ConsumerKey", "6d1f3c1e-0000-4000-8000-000000000001");
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }
}

#[tokio::test]
async fn simulator_responses_match_the_openapi_schemas() {
    let store = seeded(&SeedConfig {
        products: 60,
        customers: 12,
        transactions: 10,
        ..SeedConfig::default()
    });
    let sim = start(store.clone(), Default::default()).await.unwrap();
    let location = sim.keys()[0].location_id.clone();
    let (product, _) = store.read(|s| {
        s.stock_at(&location)
            .find(|e| e.on_hand >= 3)
            .map(|e| (e.product_id.clone(), e.on_hand))
            .unwrap()
    });
    store.record_sale(&product, &location, 1, None).unwrap();
    store.record_return(&product, &location, 1).unwrap();
    let voided = store
        .record_sale(&product, &location, 1, None)
        .unwrap()
        .transaction
        .unwrap();
    store.void_transaction(&voided.external_id).unwrap();
    let customer: i32 = store.read(|s| s.customers.keys().next().unwrap().parse().unwrap());

    let spec = Spec::load();
    let raw = Raw::new(&sim);
    let get = reqwest::Method::GET;
    let post = reqwest::Method::POST;
    let check = |what: &str, (status, body): (u16, Value), schema: Value| {
        assert_eq!(status, 200, "{what}: {body}");
        spec.assert_valid(what, &schema, &body);
        body
    };

    for path in ["/whoami", "/products", "/inventory", "/customer/customers"] {
        check(
            path,
            raw.call(get.clone(), path, None).await,
            spec.response("get", path, "200"),
        );
    }
    let page = check(
        "customers-paginated",
        raw.call(
            get.clone(),
            "/customer/customers-paginated?PageNumber=0&PageSize=5",
            None,
        )
        .await,
        spec.response("get", "/customer/customers-paginated", "200"),
    );
    assert_eq!(page.as_array().unwrap().len(), 5);
    let txs = check(
        "transactions",
        raw.call(get.clone(), "/reporting/transactions?FromLastModifiedDateUTC=2000-01-01T00:00:00Z&IncludeDetail=true&IncludeOrderIds=true", None)
            .await,
        spec.response("get", "/reporting/transactions", "200"),
    );
    assert!(
        txs.as_array()
            .unwrap()
            .iter()
            .any(|t| t["isReturn"] == json!(true))
    );
    assert!(
        txs.as_array()
            .unwrap()
            .iter()
            .any(|t| t["isVoid"] == json!(true))
    );

    let edit = json!({"firstName": "Ada", "lastName": "Lovelace", "address1": "1 Main St", "city": "Oakland",
        "state": "CA", "postalCode": "94607", "status": "Active", "customerType": "Recreational",
        "emailAddress": "ada@example.com", "dateOfBirth": "1990-12-10T00:00:00Z", "idempotencyKey": "k-1"});
    spec.assert_valid(
        "our EcomCustomerEdit",
        &spec.request("post", "/customer/customer"),
        &edit,
    );
    check(
        "POST /customer/customer",
        raw.call(post.clone(), "/customer/customer", Some(edit))
            .await,
        spec.response("post", "/customer/customer", "200"),
    );
    check(
        "POST /customer/search",
        raw.call(
            post.clone(),
            "/customer/search",
            Some(json!({"emailAddress": "ada@example.com"})),
        )
        .await,
        spec.response("post", "/customer/search", "200"),
    );

    let submit = json!({"customerId": customer, "items": [{"productId": product.parse::<i32>().unwrap(), "quantity": 1}],
        "isDelivery": false, "idempotencyKey": "order-1", "transactionReference": "order-1"});
    let id = check(
        "POST /preorder/submit",
        raw.call(post.clone(), "/preorder/submit", Some(submit))
            .await,
        spec.response("post", "/preorder/submit", "200"),
    );
    check(
        "GET /preorder/Status",
        raw.call(
            get.clone(),
            &format!("/preorder/Status?PreOrderId={id}"),
            None,
        )
        .await,
        spec.response("get", "/preorder/Status", "200"),
    );
    check(
        "POST /preorder/cancel",
        raw.call(
            post.clone(),
            "/preorder/cancel",
            Some(json!({"orderId": id, "cancellationReason": "test"})),
        )
        .await,
        spec.response("post", "/preorder/cancel", "200"),
    );

    let (status, body) = raw
        .call(
            get.clone(),
            "/reporting/transactions?TransactionId=1&FromDateUTC=2024-01-01T00:00:00Z",
            None,
        )
        .await;
    assert_eq!(status, 400);
    spec.assert_valid(
        "transactions 400",
        &spec.response("get", "/reporting/transactions", "400"),
        &body,
    );
    let (status, body) = raw
        .call(
            get.clone(),
            "/customer/customers-paginated?PageSize=20000",
            None,
        )
        .await;
    assert_eq!(status, 400);
    spec.assert_valid(
        "customers-paginated 400",
        &spec.response("get", "/customer/customers-paginated", "400"),
        &body,
    );
}

fn wiremock_config(server: &MockServer) -> ConnectionConfig {
    ConnectionConfig {
        connection_id: Uuid::new_v4(),
        kind: PosKind::Dutchie,
        base_url: server.uri().parse().unwrap(),
        api_key: "location-key".to_owned().into(),
        api_secret: None,
        webhook_secret: None,
        settings: json!({"http": {"max_retries": 0}}),
    }
}

#[tokio::test]
async fn adapter_request_bodies_match_the_openapi_schemas() {
    let server = MockServer::start().await;
    let respond = |m: &str, p: &str, body: Value| {
        Mock::given(method(m))
            .and(path(p))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
    };
    respond(
        "POST",
        "/customer/customer",
        fixture("customers.json")[0].clone(),
    )
    .mount(&server)
    .await;
    respond(
        "POST",
        "/customer/search",
        json!([{"matchType": "Email", "customerId": 3001}]),
    )
    .mount(&server)
    .await;
    respond("POST", "/preorder/submit", json!(4401))
        .mount(&server)
        .await;
    respond("GET", "/preorder/Status", fixture("preorder_status.json"))
        .mount(&server)
        .await;
    respond("POST", "/preorder/cancel", json!(4401))
        .mount(&server)
        .await;
    let provider = DutchieProvider::new(wiremock_config(&server)).unwrap();

    let customer = ExternalCustomer {
        external_id: String::new(),
        first_name: Some("Ada".into()),
        last_name: Some("Lovelace".into()),
        email: Some("ada@example.com".into()),
        phone: None,
        date_of_birth: NaiveDate::from_ymd_opt(1990, 12, 10),
        medical_id: Some("MMJ-1234".into()),
        medical_id_expires: NaiveDate::from_ymd_opt(2026, 1, 31),
        address: Some("12 Valencia St".into()),
        city: Some("San Francisco".into()),
        state: Some("CA".into()),
        postal_code: Some("94103".into()),
        marketing_opt_in: Some(true),
        modified_at: None,
    };
    assert_eq!(provider.upsert_customer(&customer).await.unwrap(), "3001");
    let order = OrderSubmission {
        order_id: Uuid::new_v4(),
        external_location_id: "1042".into(),
        customer: OrderCustomer {
            external_id: None,
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            email: Some("ada@example.com".into()),
            phone: None,
            date_of_birth: NaiveDate::from_ymd_opt(1990, 12, 10),
            medical_id: None,
        },
        lines: vec![OrderLineSubmission {
            external_product_id: "501".into(),
            quantity: 2,
            unit_price: Money::usd(3500),
        }],
        fulfillment: Fulfillment::Delivery,
        delivery_address: Some("12 Valencia St".into()),
        notes: Some("ring twice".into()),
    };
    let submitted = provider.submit_order(&order).await.unwrap();
    assert_eq!(submitted.external_id, "4401");
    provider
        .cancel_order("4401", "changed my mind")
        .await
        .unwrap();

    let spec = Spec::load();
    let requests = server.received_requests().await.unwrap();
    let mut checked = 0;
    for request in requests.iter().filter(|r| r.method.as_str() == "POST") {
        let path = request.url.path();
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        spec.assert_valid(
            &format!("request body of POST {path}"),
            &spec.request("post", path),
            &body,
        );
        assert!(
            request.headers.get("ConsumerKey").is_some(),
            "POST {path} without ConsumerKey"
        );
        if path == "/preorder/submit" {
            let reference = order.order_id.to_string();
            assert_eq!(body["transactionReference"], json!(reference));
            assert_eq!(body["idempotencyKey"], json!(reference));
            assert_eq!(body["customerId"], json!(3001));
        }
        if path == "/customer/customer" {
            assert!(body["idempotencyKey"].is_string());
        }
        checked += 1;
    }
    assert_eq!(checked, 4, "upsert, search, submit and cancel bodies");
}
