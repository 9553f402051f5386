//! `canopy check` and `Query.integrityCheck`: a shop with an open order is clean; each
//! broken invariant planted in the database is reported under its rule with the ids
//! involved, through GraphQL and by the command (which then exits non-zero); the
//! reconciler releases a leaked reservation and alerts on what it cannot repair; on
//! SQLite and PostgreSQL.
#![allow(clippy::unwrap_used)]

mod checkout_support;
mod common;

use std::{collections::BTreeSet, process::Command};

use api::{auth::Role, integrity::repair::reconcile};
use checkout_support::Shop;
use chrono::{Duration, Utc};
use common::{TEST_JWT_SECRET, TestApp, fixtures::each_backend, gql};
use entities::{
    alert,
    enums::{OrderStatus, QueueStatus},
    order, outbox, purchase_line, stock_level,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde_json::{Value, json};
use uuid::Uuid;

const CHECK: &str = "{ integrityCheck { clean violations { rule ids message } } }";

/// The report through GraphQL, as an admin.
async fn report(app: &TestApp) -> Value {
    let token = app.token(Role::Admin, "ops");
    gql::data(app, Some(&token), CHECK, json!({})).await["integrityCheck"].clone()
}

/// `(rule, first id)` of every violation.
fn found(report: &Value) -> BTreeSet<(String, String)> {
    report["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["rule"].as_str().unwrap().to_owned(),
                v["ids"][0].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// `canopy check` on the app's database: its exit code and output.
fn command(app: &TestApp) -> (Option<i32>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_canopy"))
        .arg("check")
        .env_clear()
        .env("DATABASE_URL", app.state.config.database_url.expose())
        .env("CANOPY_JWT_SECRET", TEST_JWT_SECRET)
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

/// An outbox row of `kind` for `aggregate`, in `status`, due at `due`.
async fn outbox_row(
    app: &TestApp,
    kind: &str,
    aggregate: Uuid,
    status: QueueStatus,
    due: chrono::DateTime<Utc>,
) -> Uuid {
    let id = Uuid::now_v7();
    outbox::ActiveModel {
        id: Set(id),
        kind: Set(kind.to_owned()),
        aggregate_id: Set(aggregate),
        payload: Set(json!({})),
        status: Set(status),
        attempts: Set(3),
        next_attempt_at: Set(due),
        last_error: Set(None),
        created_at: Set(due),
        updated_at: Set(due),
    }
    .insert(&app.state.db)
    .await
    .unwrap();
    id
}

#[tokio::test]
async fn each_broken_invariant_is_reported_with_its_ids() {
    for backend in each_backend().await {
        let app = &backend.app;
        let db = &app.state.db;
        let shop = Shop::open(app, 5).await;
        let (_, token) = shop.customer(app).await;
        let mut orders = Vec::new();
        for key in ["one", "two"] {
            let body = shop.place(app, &token, &[(shop.flower.id, 1)], key).await;
            assert!(body["errors"].is_null(), "{body}");
            let id = body["data"]["placeOrder"]["id"].as_str().unwrap();
            orders.push(Uuid::parse_str(id).unwrap());
        }
        let clean = report(app).await;
        assert_eq!(clean["clean"], true, "{}: {clean}", backend.backend);
        assert_eq!(
            command(app),
            (Some(0), "ok: every invariant holds\n".to_owned())
        );

        // a reservation leaked on the stock row, and another row reserving more than it
        // holds (the schema itself refuses a negative on hand or reserved)
        let level = shop.stock(app, shop.flower.id).await;
        let mut row = level.clone().into_active_model();
        row.reserved = Set(level.reserved + 1);
        row.update(db).await.unwrap();
        let other = shop
            .product(app, entities::enums::ProductCategory::Edible, 1, |_| {})
            .await;
        let negative = shop.stock(app, other.id).await;
        let mut row = negative.clone().into_active_model();
        row.reserved = Set(negative.on_hand + 1);
        row.update(db).await.unwrap();
        // both orders taken by the POS as one POS order; the second was submitted twice
        for id in &orders {
            let mut row = order::Entity::find_by_id(*id)
                .one(db)
                .await
                .unwrap()
                .unwrap()
                .into_active_model();
            row.status = Set(OrderStatus::Submitted);
            row.external_id = Set(Some("POS-1".to_owned()));
            row.update(db).await.unwrap();
        }
        outbox_row(
            app,
            "submit_order",
            orders[1],
            QueueStatus::Done,
            Utc::now(),
        )
        .await;
        // a row stuck for an hour, and a dead one nobody was alerted about
        let stuck = outbox_row(
            app,
            "push_customer",
            Uuid::now_v7(),
            QueueStatus::Pending,
            Utc::now() - Duration::hours(1),
        )
        .await;
        let dead = outbox_row(
            app,
            "cancel_order",
            orders[0],
            QueueStatus::Dead,
            Utc::now(),
        )
        .await;

        // a purchase recorded from an order whose lines do not add up to its total
        let (customer, _) = shop.customer(app).await;
        let sale = common::fixtures::Seed::new(db)
            .purchase(&customer, &shop.location, Utc::now(), 7000)
            .await;
        purchase_line::ActiveModel {
            id: Set(Uuid::now_v7()),
            purchase_id: Set(sale.id),
            product_id: Set(Some(shop.flower.id)),
            quantity: Set(2),
            amount: Set(6500),
            currency: Set("USD".to_owned()),
            returned: Set(false),
            flower_equivalent_grams: Set(0.0),
            ..Default::default()
        }
        .insert(db)
        .await
        .unwrap();

        let broken = report(app).await;
        assert_eq!(broken["clean"], false);
        let expected: BTreeSet<(String, String)> = [
            ("reservations", level.id),
            ("negative_stock", negative.id),
            ("reservations", negative.id),
            ("one_delivery", orders[1]),
            ("one_pos_order", orders[0]),
            ("stuck_outbox", stuck),
            ("dead_letter_alerted", dead),
            ("purchase_totals", sale.id),
        ]
        .into_iter()
        .map(|(rule, id)| (rule.to_owned(), id.to_string()))
        .collect();
        assert_eq!(found(&broken), expected, "{}: {broken}", backend.backend);
        let leak = broken["violations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["rule"] == "reservations")
            .unwrap();
        assert!(
            leak["message"]
                .as_str()
                .unwrap()
                .contains("has 3 reserved; its open orders hold 2"),
            "{leak}"
        );

        let (code, printed) = command(app);
        assert_eq!(code, Some(1), "{printed}");
        let violations = broken["violations"].as_array().unwrap().len();
        assert_eq!(printed.lines().count(), violations, "{printed}");
        for (rule, id) in &expected {
            assert!(
                printed.lines().any(
                    |line| line.starts_with(&format!("{rule}\t")) && line.contains(id.as_str())
                ),
                "{rule} {id} missing from {printed}"
            );
        }
        // the stock rows are left as they were found: the check writes nothing
        let after = stock_level::Entity::find()
            .filter(stock_level::Column::Id.eq(level.id))
            .one(db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(after.reserved, level.reserved + 1);
    }
}

#[tokio::test]
async fn the_reconciler_releases_a_leaked_reservation_and_alerts_on_the_rest() {
    for backend in each_backend().await {
        let app = &backend.app;
        let db = &app.state.db;
        let shop = Shop::open(app, 5).await;
        let (_, token) = shop.customer(app).await;
        let body = shop
            .place(app, &token, &[(shop.flower.id, 2)], "held")
            .await;
        assert!(body["errors"].is_null(), "{body}");
        // three units leaked on the row, and one row reserving less than its order holds
        let level = shop.stock(app, shop.flower.id).await;
        let mut row = level.clone().into_active_model();
        row.reserved = Set(5);
        row.update(db).await.unwrap();

        let stuck_after = app.state.config.outbox.stuck_after;
        let reconciled = reconcile(&app.state, stuck_after).await.unwrap();
        assert_eq!(
            reconciled.released,
            vec![(level.id, 3)],
            "{}",
            backend.backend
        );
        assert!(
            reconciled.remaining.is_empty(),
            "{:?}",
            reconciled.remaining
        );
        assert_eq!(shop.stock(app, shop.flower.id).await.reserved, 2);
        assert_eq!(report(app).await["clean"], true);

        // a shortfall is not repaired: it is alerted
        let mut row = shop.stock(app, shop.flower.id).await.into_active_model();
        row.reserved = Set(1);
        row.update(db).await.unwrap();
        let reconciled = reconcile(&app.state, stuck_after).await.unwrap();
        assert!(reconciled.released.is_empty());
        assert_eq!(reconciled.remaining.len(), 1);
        assert_eq!(shop.stock(app, shop.flower.id).await.reserved, 1);
        let open = alert::Entity::find()
            .filter(alert::Column::Kind.eq("integrity_violation"))
            .all(db)
            .await
            .unwrap();
        assert_eq!(open.len(), 1, "{open:?}");
        assert_eq!(open[0].dedupe_key, "integrity_violation:reservations");
        assert!(
            open[0]
                .message
                .starts_with("1 violation(s) of the reservations invariant")
        );
        assert!(open[0].resolved_at.is_none());

        // once the rule holds again, the next run resolves its alert
        let mut row = shop.stock(app, shop.flower.id).await.into_active_model();
        row.reserved = Set(2);
        row.update(db).await.unwrap();
        let reconciled = reconcile(&app.state, stuck_after).await.unwrap();
        assert!(reconciled.remaining.is_empty());
        let resolved = alert::Entity::find_by_id(open[0].id)
            .one(db)
            .await
            .unwrap()
            .unwrap();
        assert!(resolved.resolved_at.is_some(), "{resolved:?}");
        assert_eq!(resolved.resolved_by.as_deref(), Some("system"));
    }
}
