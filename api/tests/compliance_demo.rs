//! The demo, on the data `serve --demo` loads, on SQLite and PostgreSQL: at a
//! California demo store a customer buys 16 carts of 0.5 g in a day and is refused the
//! 17th (the 8 g of concentrate); buys 28 pre-rolls of 1 g and is refused the 29th (the
//! 28.5 g); and an infused product counts toward the 8 g as the data says (100 mg THC,
//! 1 g by the guessed fallback).
#![allow(clippy::unwrap_used)]

mod checkout_support;
mod common;

use api::{
    config::Config,
    demo::{Demo, DemoConfig},
    sync::Synchronizer,
};
use checkout_support::{Shop, extensions};
use common::{TestApp, first_code, fresh_postgres_url, gql, spawn_app_with};
use entities::{location, product};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

async fn sqlite_app() -> Option<TestApp> {
    Some(spawn_app_with(|_| {}).await)
}

async fn postgres_app() -> Option<TestApp> {
    let url = fresh_postgres_url().await?;
    Some(spawn_app_with(|config: &mut Config| config.database_url = url.parse().unwrap()).await)
}

#[tokio::test]
async fn sqlite() {
    if let Some(app) = sqlite_app().await {
        california_limits_on_the_demo_data(app).await;
    }
}

#[tokio::test]
async fn postgres() {
    if let Some(app) = postgres_app().await {
        california_limits_on_the_demo_data(app).await;
    }
}

/// The demo product with `sku`.
async fn by_sku(app: &TestApp, sku: &str) -> product::Model {
    product::Entity::find()
        .filter(product::Column::Sku.eq(sku))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("the demo has no {sku}"))
}

/// Places `units` of `product` in orders of at most 10 (the POS's maximum per
/// transaction); the body of the last.
async fn buy(
    app: &TestApp,
    shop: &Shop,
    token: &str,
    product: &product::Model,
    units: i64,
    key: &str,
) -> Value {
    let mut left = units;
    let mut part = 0;
    loop {
        let now = left.min(10);
        let body = shop
            .place(app, token, &[(product.id, now)], &format!("{key}-{part}"))
            .await;
        left -= now;
        part += 1;
        if left == 0 || !body["errors"].is_null() {
            return body;
        }
    }
}

async fn california_limits_on_the_demo_data(app: TestApp) {
    let still = DemoConfig {
        traffic_interval: None,
        ..DemoConfig::default()
    };
    let demo = Demo::start(&Synchronizer::for_state(&app.state), &still)
        .await
        .unwrap();
    let store = location::Entity::find()
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(store.state, "CA");
    let cart = by_sku(&app, "SKU-000003").await;
    let pre_roll = by_sku(&app, "SKU-000002").await;
    let edible = by_sku(&app, "SKU-000005").await;
    assert_eq!(
        (cart.net_weight_value, pre_roll.net_weight_value),
        (Some(0.5), Some(1.0)),
        "{} / {}",
        cart.name,
        pre_roll.name
    );
    let shop = Shop {
        location: store,
        flower: pre_roll.clone(),
    };

    // 16 carts of 0.5 g fit in the day; the 17th does not
    let (_, token) = shop.customer(&app).await;
    let body = buy(&app, &shop, &token, &cart, 16, "carts").await;
    assert!(body["errors"].is_null(), "{body}");
    let body = shop.place(&app, &token, &[(cart.id, 1)], "cart-17").await;
    assert_eq!(first_code(&body), "COMPLIANCE_LIMIT", "{body}");
    let ext = extensions(&body);
    assert_eq!(ext["rule"], "CA_ADULT_USE_CONCENTRATE_DAILY");
    assert_eq!(
        (
            ext["used"].as_f64(),
            ext["thisOrder"].as_f64(),
            ext["remaining"].as_f64()
        ),
        (Some(8.0), Some(0.5), Some(0.0))
    );

    // 28 pre-rolls of 1 g fit; the 29th does not
    let (_, token) = shop.customer(&app).await;
    let body = buy(&app, &shop, &token, &pre_roll, 28, "rolls").await;
    assert!(body["errors"].is_null(), "{body}");
    let body = shop
        .place(&app, &token, &[(pre_roll.id, 1)], "roll-29")
        .await;
    assert_eq!(
        extensions(&body)["rule"],
        "CA_ADULT_USE_NON_CONCENTRATE_DAILY",
        "{body}"
    );
    assert_eq!(extensions(&body)["used"].as_f64(), Some(28.0));

    // an edible's 100 mg counts 1 g of the 8: after 15 carts (7.5 g) it is refused
    let (_, token) = shop.customer(&app).await;
    let body = buy(&app, &shop, &token, &cart, 15, "more-carts").await;
    assert!(body["errors"].is_null(), "{body}");
    let check = "query($location: ID!, $lines: [OrderLineInput!]!) { checkCart(locationId: $location, lines: $lines) { allowed refusals { rule used thisOrder remaining } } }";
    let vars = json!({ "location": shop.location.id, "lines": [{ "productId": edible.id, "quantity": 1 }] });
    let data = gql::data(&app, Some(&token), check, vars).await;
    let refusal = &data["checkCart"]["refusals"][0];
    assert_eq!(data["checkCart"]["allowed"], false, "{data}");
    assert_eq!(
        (
            refusal["rule"].as_str(),
            refusal["used"].as_f64(),
            refusal["thisOrder"].as_f64()
        ),
        (Some("CA_ADULT_USE_CONCENTRATE_DAILY"), Some(7.5), Some(1.0)),
        "{data}"
    );
    drop(demo);
    app.stop().await.unwrap();
}
