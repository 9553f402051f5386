//! The database itself refuses duplicates, impossible quantities and dangling
//! references, on both backends.

#![allow(clippy::unwrap_used)]

mod common;

use common::fixtures::{self, insert};
use entities::prelude::*;
use entities::{alert, product, stock_level};
use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue, ColumnTrait, DatabaseConnection, DbErr, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, SqlErr,
};

fn assert_unique_violation(result: Result<(), DbErr>) {
    let err = result.expect_err("the duplicate was accepted");
    assert!(
        matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))),
        "expected a unique violation, got {err:?}"
    );
}

fn assert_foreign_key_violation(result: Result<(), DbErr>) {
    let err = result.expect_err("the dangling reference was accepted");
    assert!(
        matches!(
            err.sql_err(),
            Some(SqlErr::ForeignKeyConstraintViolation(_))
        ),
        "expected a foreign key violation, got {err:?}"
    );
}

/// A migrated database holding one connection, location, product and customer.
struct World {
    connection: uuid::Uuid,
    location: uuid::Uuid,
    product: uuid::Uuid,
    customer: uuid::Uuid,
}

async fn world(db: &DatabaseConnection) -> World {
    Migrator::up(db, None).await.unwrap();
    let connection = fixtures::provider_connection();
    let location = fixtures::location(Some(connection.id), Some("loc-1"));
    let product = fixtures::product();
    let customer = fixtures::customer();
    let world = World {
        connection: connection.id,
        location: location.id,
        product: product.id,
        customer: customer.id,
    };
    insert::<ProviderConnection>(db, connection).await.unwrap();
    insert::<Location>(db, location).await.unwrap();
    insert::<Product>(db, product).await.unwrap();
    insert::<Customer>(db, customer).await.unwrap();
    world
}

async fn external_refs_are_unique_per_connection(db: &DatabaseConnection) {
    let w = world(db).await;
    let other_product = fixtures::product();
    insert::<Product>(db, other_product.clone()).await.unwrap();

    insert::<ProductExternalRef>(db, fixtures::product_ref(w.product, w.connection, "p-1"))
        .await
        .unwrap();
    assert_unique_violation(
        insert::<ProductExternalRef>(
            db,
            fixtures::product_ref(other_product.id, w.connection, "p-1"),
        )
        .await,
    );

    insert::<CustomerExternalRef>(db, fixtures::customer_ref(w.customer, w.connection, "c-1"))
        .await
        .unwrap();
    assert_unique_violation(
        insert::<CustomerExternalRef>(db, fixtures::customer_ref(w.customer, w.connection, "c-1"))
            .await,
    );

    assert_unique_violation(
        insert::<Location>(db, fixtures::location(Some(w.connection), Some("loc-1"))).await,
    );

    let mut first = fixtures::order(w.customer, w.location, Some(w.connection), "k-1");
    first.external_id = Some("o-1".to_owned());
    insert::<Order>(db, first).await.unwrap();
    let mut second = fixtures::order(w.customer, w.location, Some(w.connection), "k-2");
    second.external_id = Some("o-1".to_owned());
    assert_unique_violation(insert::<Order>(db, second).await);

    let sale = |id| fixtures::purchase(Some(w.customer), w.location, Some(w.connection), id);
    insert::<Purchase>(db, sale(Some("t-1"))).await.unwrap();
    assert_unique_violation(insert::<Purchase>(db, sale(Some("t-1"))).await);
    // Without a POS id (NULL), purchases never collide.
    insert::<Purchase>(db, sale(None)).await.unwrap();
    insert::<Purchase>(db, sale(None)).await.unwrap();

    insert::<WebhookDelivery>(db, fixtures::webhook_delivery(w.connection, "d-1"))
        .await
        .unwrap();
    assert_unique_violation(
        insert::<WebhookDelivery>(db, fixtures::webhook_delivery(w.connection, "d-1")).await,
    );

    insert::<SyncCursor>(db, fixtures::sync_cursor(w.connection, "stock"))
        .await
        .unwrap();
    assert_unique_violation(
        insert::<SyncCursor>(db, fixtures::sync_cursor(w.connection, "stock")).await,
    );
}

async fn unmapped_locations_do_not_collide(db: &DatabaseConnection) {
    Migrator::up(db, None).await.unwrap();
    insert::<Location>(db, fixtures::location(None, None))
        .await
        .unwrap();
    insert::<Location>(db, fixtures::location(None, None))
        .await
        .unwrap();
    assert_eq!(Location::find().count(db).await.unwrap(), 2);
}

async fn idempotency_keys_are_unique_per_customer(db: &DatabaseConnection) {
    let w = world(db).await;
    insert::<Order>(db, fixtures::order(w.customer, w.location, None, "same"))
        .await
        .unwrap();
    assert_unique_violation(
        insert::<Order>(db, fixtures::order(w.customer, w.location, None, "same")).await,
    );
    let other = fixtures::customer();
    insert::<Customer>(db, other.clone()).await.unwrap();
    insert::<Order>(db, fixtures::order(other.id, w.location, None, "same"))
        .await
        .unwrap();
}

async fn stock_is_one_row_per_product_and_location(db: &DatabaseConnection) {
    let w = world(db).await;
    insert::<StockLevel>(db, fixtures::stock_level(w.product, w.location, 5, 0))
        .await
        .unwrap();
    assert_unique_violation(
        insert::<StockLevel>(db, fixtures::stock_level(w.product, w.location, 6, 0)).await,
    );
}

async fn stock_and_quantities_are_never_negative(db: &DatabaseConnection) {
    let w = world(db).await;
    assert!(
        insert::<StockLevel>(db, fixtures::stock_level(w.product, w.location, -1, 0))
            .await
            .is_err()
    );
    assert!(
        insert::<StockLevel>(db, fixtures::stock_level(w.product, w.location, 1, -1))
            .await
            .is_err()
    );

    // A conditional reservation cannot drive `reserved` below zero either.
    let row = fixtures::stock_level(w.product, w.location, 1, 0);
    insert::<StockLevel>(db, row.clone()).await.unwrap();
    let release = stock_level::ActiveModel {
        id: ActiveValue::Unchanged(row.id),
        reserved: ActiveValue::Set(-1),
        ..Default::default()
    };
    assert!(release.update(db).await.is_err());

    let order = fixtures::order(w.customer, w.location, None, "k");
    insert::<Order>(db, order.clone()).await.unwrap();
    assert!(
        insert::<OrderLine>(db, fixtures::order_line(order.id, w.product, 0, 0))
            .await
            .is_err()
    );
    assert!(
        insert::<OrderLine>(db, fixtures::order_line(order.id, w.product, 2, 3))
            .await
            .is_err()
    );
    insert::<OrderLine>(db, fixtures::order_line(order.id, w.product, 2, 2))
        .await
        .unwrap();
}

async fn references_must_exist(db: &DatabaseConnection) {
    let w = world(db).await;
    assert_foreign_key_violation(
        insert::<StockLevel>(
            db,
            fixtures::stock_level(uuid::Uuid::now_v7(), w.location, 1, 0),
        )
        .await,
    );
    assert_foreign_key_violation(
        insert::<Order>(
            db,
            fixtures::order(uuid::Uuid::now_v7(), w.location, None, "k"),
        )
        .await,
    );
}

async fn deleting_a_product_removes_its_stock_and_refs(db: &DatabaseConnection) {
    let w = world(db).await;
    insert::<StockLevel>(db, fixtures::stock_level(w.product, w.location, 5, 0))
        .await
        .unwrap();
    insert::<ProductExternalRef>(db, fixtures::product_ref(w.product, w.connection, "p-1"))
        .await
        .unwrap();
    Product::delete_by_id(w.product).exec(db).await.unwrap();
    assert_eq!(StockLevel::find().count(db).await.unwrap(), 0);
    assert_eq!(ProductExternalRef::find().count(db).await.unwrap(), 0);
}

async fn a_product_on_an_order_cannot_be_deleted(db: &DatabaseConnection) {
    let w = world(db).await;
    let order = fixtures::order(w.customer, w.location, None, "k");
    insert::<Order>(db, order.clone()).await.unwrap();
    insert::<OrderLine>(db, fixtures::order_line(order.id, w.product, 1, 0))
        .await
        .unwrap();
    assert!(Product::delete_by_id(w.product).exec(db).await.is_err());
    assert!(
        Product::find()
            .filter(product::Column::Id.eq(w.product))
            .one(db)
            .await
            .unwrap()
            .is_some()
    );
}

async fn one_open_alert_per_dedupe_key(db: &DatabaseConnection) {
    Migrator::up(db, None).await.unwrap();
    let first = fixtures::alert("stock:p1:l1");
    insert::<Alert>(db, first.clone()).await.unwrap();
    assert_unique_violation(insert::<Alert>(db, fixtures::alert("stock:p1:l1")).await);

    let mut resolved = first.into_active_model();
    resolved.resolved_at = ActiveValue::Set(Some(fixtures::at(100)));
    resolved.resolved_by = ActiveValue::Set(Some("admin-1".to_owned()));
    resolved.update(db).await.unwrap();

    insert::<Alert>(db, fixtures::alert("stock:p1:l1"))
        .await
        .unwrap();
    let open = Alert::find()
        .filter(alert::Column::ResolvedAt.is_null())
        .count(db)
        .await
        .unwrap();
    assert_eq!(open, 1);
}

on_both_backends! {
    external_refs_are_unique_per_connection => external_refs_are_unique_per_connection;
    unmapped_locations_do_not_collide => unmapped_locations_do_not_collide;
    idempotency_keys_are_unique_per_customer => idempotency_keys_are_unique_per_customer;
    stock_is_one_row_per_product_and_location => stock_is_one_row_per_product_and_location;
    stock_and_quantities_are_never_negative => stock_and_quantities_are_never_negative;
    references_must_exist => references_must_exist;
    deleting_a_product_removes_its_stock_and_refs => deleting_a_product_removes_its_stock_and_refs;
    a_product_on_an_order_cannot_be_deleted => a_product_on_an_order_cannot_be_deleted;
    one_open_alert_per_dedupe_key => one_open_alert_per_dedupe_key;
}
