//! `placeOrder`: validation, idempotent replays, and bursts that never oversell, on
//! SQLite and PostgreSQL, and on PostgreSQL across two server processes.
#![allow(clippy::unwrap_used)]

mod checkout_support;
mod common;

use api::auth::Role;
use checkout_support::{Shop, extensions};
use common::{
    TestApp, first_code, fixtures::each_backend, fresh_postgres_url, process::ServerProcess,
    spawn_app_with,
};
use entities::{enums::QueueStatus, order, order_event, outbox};
use futures::future::join_all;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;
use uuid::Uuid;

/// Fires `3 × stock` one-unit orders by distinct customers at `first` and the servers
/// at `others` (GraphQL URLs), round robin, and checks exactly `stock` succeed and the
/// rest are OUT_OF_STOCK naming the product.
async fn burst(first: &TestApp, others: &[String], shop: &Shop, stock: i64, label: &str) {
    let urls: Vec<String> = std::iter::once(first.url("/graphql"))
        .chain(others.iter().cloned())
        .collect();
    let mut customers = Vec::new();
    for _ in 0..stock * 3 {
        customers.push(shop.customer(first).await.1);
    }
    let calls = customers.iter().enumerate().map(|(i, token)| {
        let url = &urls[i % urls.len()];
        async move {
            shop.place_at(&first.client, url, token, &[(shop.flower.id, 1)], "burst")
                .await
        }
    });
    let bodies: Vec<Value> = join_all(calls).await;
    let placed = bodies.iter().filter(|b| b["errors"].is_null()).count();
    assert_eq!(
        placed,
        usize::try_from(stock).unwrap(),
        "{label}: exactly the stock is sold"
    );
    for body in bodies.iter().filter(|b| !b["errors"].is_null()) {
        assert_eq!(first_code(body), "OUT_OF_STOCK", "{label}: {body}");
        assert_eq!(extensions(body)["productId"], shop.flower.id.to_string());
        assert_eq!(extensions(body)["available"], 0);
    }
    let level = shop.stock(first, shop.flower.id).await;
    assert_eq!((level.on_hand, level.reserved), (stock, stock), "{label}");
    let orders = order::Entity::find().count(&first.state.db).await.unwrap();
    assert_eq!(orders, u64::try_from(stock).unwrap(), "{label}");
}

#[tokio::test]
async fn a_burst_of_three_times_the_stock_never_oversells() {
    for backend in each_backend().await {
        let shop = Shop::open(&backend.app, 10).await;
        burst(&backend.app, &[], &shop, 10, backend.backend).await;
        backend.app.stop().await.unwrap();
    }
}

#[tokio::test]
async fn two_server_processes_on_one_postgres_never_oversell() {
    let Some(url) = fresh_postgres_url().await else {
        return;
    };
    let one = spawn_app_with(|config| config.database_url = url.parse().unwrap()).await;
    let two = ServerProcess::start(&url, None, &[("CANOPY_NO_WORKERS", "true")]).await;
    let shop = Shop::open(&one, 8).await;
    burst(
        &one,
        &[two.url("/graphql")],
        &shop,
        8,
        "postgres, two processes",
    )
    .await;
    one.stop().await.unwrap();
}

#[tokio::test]
async fn an_order_is_written_with_its_event_and_outbox_row() {
    for backend in each_backend().await {
        let app = &backend.app;
        let shop = Shop::open(app, 5).await;
        let (_, token) = shop.customer(app).await;
        let body = shop.place(app, &token, &[(shop.flower.id, 2)], "k1").await;
        let placed = &body["data"]["placeOrder"];
        assert_eq!(placed["status"], "PENDING", "{body}");
        assert_eq!(placed["total"]["amount"], 7000);
        assert!(placed["reservationExpiresAt"].is_string());
        let id = Uuid::parse_str(placed["id"].as_str().unwrap()).unwrap();
        let events = order_event::Entity::find()
            .filter(order_event::Column::OrderId.eq(id))
            .all(&app.state.db)
            .await
            .unwrap();
        assert_eq!(events.len(), 1);
        let rows = outbox::Entity::find()
            .filter(outbox::Column::AggregateId.eq(id))
            .all(&app.state.db)
            .await
            .unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(
            (rows[0].kind.as_str(), rows[0].status),
            ("submit_order", QueueStatus::Pending)
        );
        assert_eq!(shop.stock(app, shop.flower.id).await.reserved, 2);
    }
}

#[tokio::test]
async fn a_replay_returns_the_first_order_even_when_racing() {
    for backend in each_backend().await {
        let app = &backend.app;
        let shop = Shop::open(app, 50).await;
        let (_, token) = shop.customer(app).await;
        let first = shop
            .place(app, &token, &[(shop.flower.id, 1)], "again")
            .await;
        let again = shop
            .place(app, &token, &[(shop.flower.id, 1)], "again")
            .await;
        assert_eq!(
            first["data"]["placeOrder"]["id"],
            again["data"]["placeOrder"]["id"]
        );
        // the same key for something else is a conflict, not a second order
        let other = shop
            .place(app, &token, &[(shop.flower.id, 2)], "again")
            .await;
        assert_eq!(first_code(&other), "CONFLICT");

        let line = [(shop.flower.id, 1)];
        let racing = join_all((0..8).map(|_| shop.place(app, &token, &line, "race"))).await;
        let ids: std::collections::HashSet<String> = racing
            .iter()
            .map(|b| {
                b["data"]["placeOrder"]["id"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{b}"))
                    .to_owned()
            })
            .collect();
        assert_eq!(ids.len(), 1, "{}: one order for one key", backend.backend);
        assert_eq!(order::Entity::find().count(&app.state.db).await.unwrap(), 2);
        assert_eq!(shop.stock(app, shop.flower.id).await.reserved, 2);
    }
}

#[tokio::test]
async fn bad_input_names_the_field() {
    for backend in each_backend().await {
        let app = &backend.app;
        let shop = Shop::open(app, 5).await;
        let (_, token) = shop.customer(app).await;
        let cases: Vec<(Value, &str)> = vec![
            (
                shop.input(&[(shop.flower.id, 0)], "a"),
                "input.lines[0].quantity",
            ),
            (
                shop.input(&[(shop.flower.id, 101)], "a"),
                "input.lines[0].quantity",
            ),
            (shop.input(&[], "a"), "input.lines"),
            (
                shop.input(&[(shop.flower.id, 1), (shop.flower.id, 1)], "a"),
                "input.lines[1].productId",
            ),
            (
                shop.input(&[(Uuid::now_v7(), 1)], "a"),
                "input.lines[0].productId",
            ),
            (
                shop.input(&[(shop.flower.id, 1)], ""),
                "input.idempotencyKey",
            ),
        ];
        let mut unknown_location = shop.input(&[(shop.flower.id, 1)], "a");
        unknown_location["locationId"] = Value::String(Uuid::now_v7().to_string());
        for (input, field) in cases
            .into_iter()
            .chain([(unknown_location, "input.locationId")])
        {
            let (_, body) = common::gql::execute(
                app,
                Some(&token),
                checkout_support::PLACE,
                serde_json::json!({ "input": input }),
            )
            .await;
            assert_eq!(first_code(&body), "BAD_USER_INPUT", "{body}");
            assert_eq!(extensions(&body)["field"], field, "{body}");
        }
        // storefront tokens cannot order; admins must say for whom
        let storefront = app.token(Role::Storefront, "shop");
        let body = shop
            .place(app, &storefront, &[(shop.flower.id, 1)], "s")
            .await;
        assert_eq!(first_code(&body), "FORBIDDEN");
        let admin = app.token(Role::Admin, "ops");
        let body = shop.place(app, &admin, &[(shop.flower.id, 1)], "s").await;
        assert_eq!(extensions(&body)["field"], "input.customerId");
    }
}
