//! The starter storefront (`examples/storefront/`, served by `serve --demo` at
//! `/storefront/`): exists only in demo mode, and in headless Chromium (Debian's
//! `chromium`, driven by `playwright-core` from `tests/browser/`) a shopper picks a store,
//! pages through its menu with "Show more" (a small page, `?pageSize=`, so the demo's
//! menu has several), sees a register sale change a stock count in place on a later page,
//! filters (back to page one, a late page of the former filter dropped) and searches,
//! signs in as a demo customer, sees their allowances, sees a cart over a purchase limit
//! refused with the rule it breaks, checks out, watches the demo's
//! staff complete the order and finds it in their purchase history. The screenshot is
//! saved at `target/storefront.png`.
//!
//! The demo runs as the real binary (`canopy serve --demo`, staff moving orders on every
//! second and cancelling none) on a fresh SQLite file. Without `/usr/bin/chromium` the
//! browser test skips with a note, except under `CI=true`, where it fails.
#![allow(clippy::unwrap_used)]

mod browser_support;
mod common;

use std::{path::Path, time::Duration};

use common::{process::ServerProcess, spawn_app};
use entities::{location, product_external_ref};
use sea_orm::{ColumnTrait, Database, EntityTrait, QueryFilter};
use serde_json::{Value, json};

/// How long the whole browser run may take.
const BROWSER_TIMEOUT: Duration = Duration::from_secs(120);

/// Most units of one order line Canopy takes (its default configuration).
const MAX_LINE_QUANTITY: i64 = 100;

/// Products per page of the storefront's menu in the test (its `?pageSize=`): small, so
/// the demo store's menu has several pages and a category more than one.
const PAGE_SIZE: usize = 5;

/// Most products one `products` page holds (Canopy's default `limits.max_first`).
const MAX_FIRST: usize = 100;

#[tokio::test]
async fn without_the_demo_there_is_no_storefront() {
    let app = spawn_app().await;
    for path in ["/storefront", "/storefront/", "/storefront/app.js"] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
    }
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shopper_orders_through_the_storefront() {
    if !browser_support::ready().await {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let database_url = format!("sqlite://{}/c.db?mode=rwc", dir.path().display());
    let server = ServerProcess::start(
        &database_url,
        None,
        &[
            ("CANOPY_DEMO", "true"),
            ("CANOPY_DEMO_STAFF_DELAY", "1s"),
            ("CANOPY_DEMO_STAFF_CANCEL_PERCENT", "0"),
        ],
    )
    .await;
    let client = reqwest::Client::new();
    assert_served(&client, &server).await;

    let session: Value = client
        .get(server.url("/demo/session"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let shopper = &session["customers"][0];
    let token = shopper["token"].as_str().unwrap();
    // the second store: the page opens on the first
    let data = graphql(&client, &server, None, "{ locations { id } }", json!({})).await;
    let location_id = data["locations"][1]["id"].as_str().unwrap().to_owned();
    let menu = store_menu(&client, &server, &location_id).await;
    let (shelf, refused) =
        pick_shelf(&client, &server, &database_url, token, &location_id, &menu).await;
    let menu_order: Vec<Value> = menu
        .iter()
        .map(|product| json!({ "id": product["id"], "category": product["category"] }))
        .collect();

    browser_support::run_script(
        "storefront_e2e.mjs",
        &[
            ("STOREFRONT_URL", server.url("/storefront/")),
            ("PAGE_SIZE", PAGE_SIZE.to_string()),
            ("MENU", Value::from(menu_order).to_string()),
            ("LOCATION_ID", shelf.location.clone()),
            ("PRODUCT_ID", shelf.product.clone()),
            ("PRODUCT_NAME", shelf.name.clone()),
            ("PRODUCT_CATEGORY", shelf.category.clone()),
            (
                "SIM_URL",
                session["simulators"][0]["url"].as_str().unwrap().to_owned(),
            ),
            ("SIM_PRODUCT", shelf.external_product.clone()),
            ("SIM_LOCATION", shelf.external_location.clone()),
            (
                "CUSTOMER_EMAIL",
                shopper["email"].as_str().unwrap().to_owned(),
            ),
            ("REFUSED_ID", refused.product),
            ("REFUSED_NAME", refused.name),
            ("REFUSED_QUANTITY", refused.quantity.to_string()),
            ("SCREENSHOT", screenshot_path()),
        ],
        BROWSER_TIMEOUT,
    )
    .await;

    // one order, however often the button was pressed, and the staff completed it
    let orders = graphql(
        &client,
        &server,
        Some(token),
        "{ orders { nodes { id status total { amount } lines { product { id } quantity } } } }",
        json!({}),
    )
    .await;
    let orders = orders["orders"]["nodes"].as_array().unwrap();
    assert_eq!(orders.len(), 1, "{orders:?}");
    assert_eq!(orders[0]["status"], "COMPLETED");
    assert_eq!(
        orders[0]["lines"][0]["product"]["id"],
        shelf.product.as_str()
    );
    // the store rang it up at the price the storefront charged (the medical price for a
    // patient at a medical store, the store's own offer otherwise)
    let history = graphql(
        &client,
        &server,
        Some(token),
        "{ me { purchaseHistory(first: 50) { edges { node { total { amount } order { id } } } } } }",
        json!({}),
    )
    .await;
    let sale = history["me"]["purchaseHistory"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| &edge["node"])
        .find(|node| node["order"]["id"] == orders[0]["id"])
        .unwrap_or_else(|| panic!("the order's sale is in the history: {history}"));
    assert_eq!(sale["total"], orders[0]["total"], "{history}");
}

/// The storefront's page and modules are served with the strict policy.
async fn assert_served(client: &reqwest::Client, server: &ServerProcess) {
    let page = client.get(server.url("/storefront/")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let policy = page.headers()["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("default-src 'none'"), "{policy}");
    assert!(!policy.contains("http"), "no other origin: {policy}");
    for path in [
        "/storefront/app.js",
        "/storefront/storefront.css",
        "/shared/graphql-ws.js",
    ] {
        let response = client.get(server.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
    }
}

/// A product at a store, by Canopy id and by the simulator's ids.
struct Shelf {
    location: String,
    product: String,
    name: String,
    category: String,
    external_product: String,
    external_location: String,
}

/// A product and a quantity of it that breaks a purchase rule.
struct Refused {
    product: String,
    name: String,
    quantity: i64,
}

/// The whole menu of the store `location_id` in its order (one page), each product
/// with its category, price, limit and stock there; longer than two of the storefront's
/// pages.
async fn store_menu(
    client: &reqwest::Client,
    server: &ServerProcess,
    location_id: &str,
) -> Vec<Value> {
    let menu = graphql(
        client,
        server,
        None,
        "query($l: ID!, $first: Int!) { products(locationId: $l, first: $first) {
           totalCount pageInfo { hasNextPage }
           nodes { id name category price(locationId: $l) { amount }
             maxPerTransaction(locationId: $l) stock(locationId: $l) { available } } } }",
        json!({ "l": location_id, "first": MAX_FIRST }),
    )
    .await;
    let products = menu["products"]["nodes"].as_array().unwrap().clone();
    assert_eq!(menu["products"]["pageInfo"]["hasNextPage"], false, "{menu}");
    assert_eq!(menu["products"]["totalCount"], products.len(), "{menu}");
    assert!(
        products.len() > 2 * PAGE_SIZE,
        "the demo store's menu has {} products, fewer than three pages of {PAGE_SIZE}",
        products.len()
    );
    products
}

/// From the menu `products` of the store `location_id` (the second: the page opens on
/// the first): a product beyond the storefront's first page (so a stock change reaches
/// a later page) with a few units, a price, and that the shopper may buy one of
/// (`checkCart`), with its simulator ids; and a product of which as many units as the
/// store may sell break a rule.
async fn pick_shelf(
    client: &reqwest::Client,
    server: &ServerProcess,
    database_url: &str,
    token: &str,
    location_id: &str,
    products: &[Value],
) -> (Shelf, Refused) {
    let cart = CartCheck {
        client,
        server,
        token,
        location: location_id,
    };
    let mut refused = None;
    for product in products {
        let available = product["stock"][0]["available"].as_i64().unwrap_or(0);
        let most = product["maxPerTransaction"]
            .as_i64()
            .map_or(available, |limit| limit.min(available))
            .min(MAX_LINE_QUANTITY);
        if most >= 2 && !cart.allows(product, most).await {
            refused = Some(Refused {
                product: product["id"].as_str().unwrap().to_owned(),
                name: product["name"].as_str().unwrap().to_owned(),
                quantity: most,
            });
            break;
        }
    }
    let refused = refused.expect("the demo's second store sells no product over a limit");

    let db = Database::connect(database_url).await.unwrap();
    let store = location::Entity::find_by_id(location_id.parse::<uuid::Uuid>().unwrap())
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    for product in products.iter().skip(PAGE_SIZE) {
        let stocked = product["stock"][0]["available"].as_i64().unwrap_or(0) >= 3;
        if !stocked || product["price"].is_null() || !cart.allows(product, 1).await {
            continue;
        }
        let product_id = product["id"].as_str().unwrap();
        let reference = product_external_ref::Entity::find()
            .filter(
                product_external_ref::Column::ProductId
                    .eq(product_id.parse::<uuid::Uuid>().unwrap()),
            )
            .filter(product_external_ref::Column::ConnectionId.eq(store.connection_id.unwrap()))
            .one(&db)
            .await
            .unwrap();
        if let Some(reference) = reference {
            let shelf = Shelf {
                location: location_id.to_owned(),
                product: product_id.to_owned(),
                name: product["name"].as_str().unwrap().to_owned(),
                category: product["category"].as_str().unwrap().to_owned(),
                external_product: reference.external_id,
                external_location: store.external_id.clone().unwrap(),
            };
            return (shelf, refused);
        }
    }
    panic!("the demo's second store has no product beyond the first page the shopper may buy");
}

/// `checkCart` at one store as one shopper.
struct CartCheck<'a> {
    client: &'a reqwest::Client,
    server: &'a ServerProcess,
    token: &'a str,
    location: &'a str,
}

impl CartCheck<'_> {
    /// Whether a cart of `quantity` units of `product` passes the purchase rules.
    async fn allows(&self, product: &Value, quantity: i64) -> bool {
        let check = graphql(
            self.client,
            self.server,
            Some(self.token),
            "query($l: ID!, $p: ID!, $q: Int!) {
               checkCart(locationId: $l, lines: [{ productId: $p, quantity: $q }]) { allowed } }",
            json!({ "l": self.location, "p": product["id"], "q": quantity }),
        )
        .await;
        check["checkCart"]["allowed"] == true
    }
}

/// The `data` of a GraphQL request to `server`, as `token` when given.
async fn graphql(
    client: &reqwest::Client,
    server: &ServerProcess,
    token: Option<&str>,
    query: &str,
    variables: Value,
) -> Value {
    let mut request = client
        .post(server.url("/graphql"))
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let body: Value = request.send().await.unwrap().json().await.unwrap();
    assert!(body["errors"].is_null(), "{body}");
    body["data"].clone()
}

/// `target/storefront.png` in the workspace.
fn screenshot_path() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../target/storefront.png")
        .display()
        .to_string()
}
