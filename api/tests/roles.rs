//! `canopy serve --role`: a `worker` process serves only its health and metrics
//! routes, an `api` process runs no background work, and the two together on one
//! PostgreSQL database do everything `all` does (here: an order placed on the API
//! whose reservation runs out is left alone until a worker runs, which ends it).
#![allow(clippy::unwrap_used)]

mod checkout_support;
mod common;

use std::time::Duration;

use checkout_support::Shop;
use common::{WAIT, fresh_postgres_url, process::ServerProcess, spawn_app_with, wait::until};
use entities::{enums::OrderStatus, order};
use reqwest::StatusCode;
use sea_orm::EntityTrait;
use uuid::Uuid;

#[tokio::test]
async fn a_worker_serves_health_and_metrics_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("canopy.db").display()
    );
    let worker = ServerProcess::start(&database, None, &[("CANOPY_ROLE", "worker")]).await;
    let client = reqwest::Client::new();
    let get = |path: &str| client.get(worker.url(path)).send();
    assert_eq!(get("/healthz").await.unwrap().status(), StatusCode::OK);
    let ready = get("/readyz").await.unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
    assert_eq!(
        ready.json::<serde_json::Value>().await.unwrap()["database"],
        "ok"
    );
    let metrics = get("/metrics").await.unwrap();
    assert_eq!(metrics.status(), StatusCode::OK);
    let text = metrics.text().await.unwrap();
    assert!(
        text.contains(r#"http_requests_total{method="GET",path="/healthz",status="200"}"#),
        "{text}"
    );
    for path in ["/graphql", "/graphql/ws", "/admin", "/widget"] {
        assert_eq!(
            get(path).await.unwrap().status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let query = client
        .post(worker.url("/graphql"))
        .json(&serde_json::json!({ "query": "{ apiVersion }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(query.status(), StatusCode::NOT_FOUND);
    let webhook = client
        .post(worker.url(&format!("/webhooks/{}", Uuid::new_v4())))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(webhook.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_api_process_leaves_background_work_to_the_worker() {
    let Some(database) = fresh_postgres_url().await else {
        return;
    };
    // Seeds the shop and signs tokens; this in-process server runs no workers.
    let seeder = spawn_app_with(|config| config.database_url = database.parse().unwrap()).await;
    let shop = Shop::open(&seeder, 3).await;
    let fast_expiry = [
        ("CANOPY_RESERVATION_TTL", "1s"),
        ("CANOPY_RESERVATION_SWEEP_INTERVAL", "50ms"),
    ];
    let api = ServerProcess::start(
        &database,
        None,
        &[fast_expiry[0], fast_expiry[1], ("CANOPY_ROLE", "api")],
    )
    .await;
    let (_, token) = shop.customer(&seeder).await;
    let body = shop
        .place_at(
            &seeder.client,
            &api.url("/graphql"),
            &token,
            &[(shop.flower.id, 1)],
            "roles",
        )
        .await;
    assert!(body["errors"].is_null(), "{body}");
    let id = Uuid::parse_str(body["data"]["placeOrder"]["id"].as_str().unwrap()).unwrap();
    let read_order = |seeder: &common::TestApp| {
        let db = seeder.state.db.clone();
        async move {
            order::Entity::find_by_id(id)
                .one(&db)
                .await
                .unwrap()
                .unwrap()
        }
    };

    // Nothing can be awaited for "nobody swept it": a second past its expiry (twenty of
    // the API process's sweep intervals), it is still PENDING.
    let placed = read_order(&seeder).await;
    let expires = placed.reservation_expires_at.unwrap();
    let past = (expires - chrono::Utc::now()).to_std().unwrap_or_default() + Duration::from_secs(1);
    tokio::time::sleep(past).await;
    assert_eq!(read_order(&seeder).await.status, OrderStatus::Pending);
    assert_eq!(shop.stock(&seeder, shop.flower.id).await.reserved, 1);

    // A worker on the same database expires it and releases the stock.
    let _worker = ServerProcess::start(
        &database,
        None,
        &[fast_expiry[0], fast_expiry[1], ("CANOPY_ROLE", "worker")],
    )
    .await;
    until(
        WAIT,
        "the worker to take the order out of PENDING",
        || async { read_order(&seeder).await.status != OrderStatus::Pending },
    )
    .await;
    // expired, whichever of its tasks reaches it first: the sweeper, or the outbox sender
    // (which checks the reservation before it looks for this seeded store's POS)
    let ended = read_order(&seeder).await;
    assert_eq!(ended.status, OrderStatus::Cancelled);
    assert_eq!(
        ended.status_reason.as_deref(),
        Some(api::orders::expiry::EXPIRED)
    );
    assert_eq!(shop.stock(&seeder, shop.flower.id).await.reserved, 0);
    seeder.stop().await.unwrap();
}
