//! Cancelling gives the stock back, returns are validated and queued for the POS, and
//! reservations the POS never takes expire, on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used)]

mod checkout_support;
mod common;

use std::time::Duration;

use api::{auth::Role, orders::expiry};
use checkout_support::{CANCEL, RETURN, Shop, extensions};
use chrono::{TimeDelta, Utc};
use common::{first_code, fixtures::each_backend, gql, spawn_app_with};
use entities::{enums::OrderStatus, order, order_event, outbox};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
};
use serde_json::json;
use uuid::Uuid;

async fn set_status(app: &common::TestApp, id: &str, status: OrderStatus) {
    let row = order::Entity::find_by_id(Uuid::parse_str(id).unwrap())
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let mut row = row.into_active_model();
    row.status = Set(status);
    row.update(&app.state.db).await.unwrap();
}

async fn outbox_kinds(app: &common::TestApp, id: &str) -> Vec<String> {
    outbox::Entity::find()
        .filter(outbox::Column::AggregateId.eq(Uuid::parse_str(id).unwrap()))
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.kind)
        .collect()
}

#[tokio::test]
async fn cancelling_restores_availability() {
    for backend in each_backend().await {
        let app = &backend.app;
        let shop = Shop::open(app, 3).await;
        let (_, token) = shop.customer(app).await;
        let body = shop.place(app, &token, &[(shop.flower.id, 3)], "c1").await;
        let id = body["data"]["placeOrder"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_eq!(shop.stock(app, shop.flower.id).await.reserved, 3);

        // someone else's order is not found
        let (_, stranger) = shop.customer(app).await;
        let (_, body) = gql::execute(app, Some(&stranger), CANCEL, json!({ "id": id })).await;
        assert_eq!(first_code(&body), "NOT_FOUND");

        let data = gql::data(
            app,
            Some(&token),
            CANCEL,
            json!({ "id": id, "reason": "changed my mind" }),
        )
        .await;
        assert_eq!(data["cancelOrder"]["status"], "CANCELLED");
        assert_eq!(data["cancelOrder"]["statusReason"], "changed my mind");
        assert_eq!(
            shop.stock(app, shop.flower.id).await.reserved,
            0,
            "{}",
            backend.backend
        );
        assert_eq!(
            outbox_kinds(app, &id).await,
            ["submit_order", "cancel_order"]
        );
        // the units are for sale again
        let body = shop
            .place(app, &stranger, &[(shop.flower.id, 3)], "c2")
            .await;
        assert!(body["errors"].is_null(), "{body}");

        // a customer cannot cancel once the order is ready; an admin still can
        let ready = body["data"]["placeOrder"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        set_status(app, &ready, OrderStatus::Ready).await;
        let (_, body) = gql::execute(app, Some(&stranger), CANCEL, json!({ "id": ready })).await;
        assert_eq!(first_code(&body), "CONFLICT", "{body}");
        let admin = app.token(Role::Admin, "ops");
        let data = gql::data(app, Some(&admin), CANCEL, json!({ "id": ready })).await;
        assert_eq!(data["cancelOrder"]["status"], "CANCELLED");
        assert_eq!(shop.stock(app, shop.flower.id).await.reserved, 0);
    }
}

#[tokio::test]
async fn returns_are_validated_before_they_are_queued() {
    for backend in each_backend().await {
        let app = &backend.app;
        let shop = Shop::open(app, 5).await;
        let (_, token) = shop.customer(app).await;
        let body = shop.place(app, &token, &[(shop.flower.id, 2)], "r1").await;
        let id = body["data"]["placeOrder"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let lines = json!([{ "productId": shop.flower.id, "quantity": 1 }]);
        // not yet completed
        let (_, body) = gql::execute(
            app,
            Some(&token),
            RETURN,
            json!({ "id": id, "lines": lines }),
        )
        .await;
        assert_eq!(first_code(&body), "CONFLICT", "{body}");
        set_status(app, &id, OrderStatus::Completed).await;
        let too_many = json!([{ "productId": shop.flower.id, "quantity": 0 }]);
        let (_, body) = gql::execute(
            app,
            Some(&token),
            RETURN,
            json!({ "id": id, "lines": too_many }),
        )
        .await;
        assert_eq!(extensions(&body)["field"], "lines[0].quantity", "{body}");
        let other = json!([{ "productId": Uuid::now_v7(), "quantity": 1 }]);
        let (_, body) = gql::execute(
            app,
            Some(&token),
            RETURN,
            json!({ "id": id, "lines": other }),
        )
        .await;
        // the test store has no POS connection: nothing to return through
        assert_eq!(first_code(&body), "CONFLICT", "{}: {body}", backend.backend);
    }
}

#[tokio::test]
async fn reservations_the_pos_never_takes_expire() {
    for backend in each_backend().await {
        let app = &backend.app;
        let shop = Shop::open(app, 4).await;
        let (_, token) = shop.customer(app).await;
        let body = shop.place(app, &token, &[(shop.flower.id, 4)], "e1").await;
        let id = Uuid::parse_str(body["data"]["placeOrder"]["id"].as_str().unwrap()).unwrap();
        // not yet due: nothing happens
        assert_eq!(expiry::sweep(&app.state, Utc::now()).await.unwrap(), 0);
        let later = Utc::now() + TimeDelta::hours(1);
        assert_eq!(expiry::sweep(&app.state, later).await.unwrap(), 1);
        assert_eq!(
            expiry::sweep(&app.state, later).await.unwrap(),
            0,
            "expired once"
        );
        let row = order::Entity::find_by_id(id)
            .one(&app.state.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.status, OrderStatus::Cancelled);
        assert_eq!(row.status_reason.as_deref(), Some(expiry::EXPIRED));
        let events = order_event::Entity::find()
            .filter(order_event::Column::OrderId.eq(id))
            .all(&app.state.db)
            .await
            .unwrap();
        let last = events.last().unwrap();
        assert_eq!(
            (last.from_status, last.to_status),
            (Some(OrderStatus::Pending), OrderStatus::Cancelled)
        );
        assert_eq!(last.detail.as_ref().unwrap()["reason"], expiry::EXPIRED);
        assert_eq!(
            shop.stock(app, shop.flower.id).await.reserved,
            0,
            "{}",
            backend.backend
        );
    }
}

#[tokio::test]
async fn the_expiry_worker_releases_on_its_own() {
    let app = spawn_app_with(|config| {
        config.checkout.reservation_ttl = Duration::from_millis(50);
        config.checkout.sweep_interval = Duration::from_millis(20);
    })
    .await;
    let tracker = tokio_util::task::TaskTracker::new();
    expiry::start(app.state.clone(), &tracker, app.shutdown.clone());
    let shop = Shop::open(&app, 2).await;
    let (_, token) = shop.customer(&app).await;
    let body = shop.place(&app, &token, &[(shop.flower.id, 2)], "w1").await;
    assert!(body["errors"].is_null(), "{body}");
    let id = Uuid::parse_str(body["data"]["placeOrder"]["id"].as_str().unwrap()).unwrap();
    tokio::time::timeout(common::WAIT, async {
        loop {
            let row = order::Entity::find_by_id(id)
                .one(&app.state.db)
                .await
                .unwrap()
                .unwrap();
            if row.status == OrderStatus::Cancelled {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the reservation did not expire");
    assert_eq!(shop.stock(&app, shop.flower.id).await.reserved, 0);
    app.stop().await.unwrap();
    tracker.close();
    tracker.wait().await;
}
