//! A row of every table written and read back through the entities.

#![allow(clippy::unwrap_used)]

mod common;

use common::fixtures::{self, insert_and_read_back};
use entities::prelude::*;
use migration::{Migrator, MigratorTrait};
use sea_orm::{DatabaseConnection, EntityTrait};

async fn every_table_round_trips(db: &DatabaseConnection) {
    Migrator::up(db, None).await.unwrap();

    let connection = fixtures::provider_connection();
    insert_and_read_back::<ProviderConnection>(db, connection.clone()).await;
    let location = fixtures::location(Some(connection.id), Some("loc-1"));
    insert_and_read_back::<Location>(db, location.clone()).await;
    let product = fixtures::product();
    insert_and_read_back::<Product>(db, product.clone()).await;
    insert_and_read_back::<ProductExternalRef>(
        db,
        fixtures::product_ref(product.id, connection.id, "p-1"),
    )
    .await;
    insert_and_read_back::<StockLevel>(db, fixtures::stock_level(product.id, location.id, 12, 2))
        .await;
    insert_and_read_back::<ProductMatch>(db, fixtures::product_match(product.id, connection.id))
        .await;
    insert_and_read_back::<ProductRedirect>(db, fixtures::product_redirect(product.id)).await;
    insert_and_read_back::<PersistedOperation>(db, fixtures::persisted_operation()).await;

    let customer = fixtures::customer();
    insert_and_read_back::<Customer>(db, customer.clone()).await;
    insert_and_read_back::<CustomerExternalRef>(
        db,
        fixtures::customer_ref(customer.id, connection.id, "c-1"),
    )
    .await;

    let order = fixtures::order(customer.id, location.id, Some(connection.id), "key-1");
    insert_and_read_back::<Order>(db, order.clone()).await;
    insert_and_read_back::<OrderLine>(db, fixtures::order_line(order.id, product.id, 2, 0)).await;
    insert_and_read_back::<OrderEvent>(db, fixtures::order_event(order.id)).await;

    let purchase = fixtures::purchase(
        Some(customer.id),
        location.id,
        Some(connection.id),
        Some("t-1"),
    );
    insert_and_read_back::<Purchase>(db, purchase.clone()).await;
    insert_and_read_back::<PurchaseLine>(
        db,
        fixtures::purchase_line(purchase.id, Some(product.id)),
    )
    .await;

    insert_and_read_back::<SyncCursor>(db, fixtures::sync_cursor(connection.id, "stock")).await;
    insert_and_read_back::<Outbox>(db, fixtures::outbox(order.id)).await;
    insert_and_read_back::<WebhookDelivery>(db, fixtures::webhook_delivery(connection.id, "d-1"))
        .await;
    let mut alert = fixtures::alert("stock:1");
    alert.connection_id = Some(connection.id);
    alert.product_id = Some(product.id);
    alert.location_id = Some(location.id);
    alert.order_id = Some(order.id);
    insert_and_read_back::<Alert>(db, alert).await;
    insert_and_read_back::<AuditLog>(db, fixtures::audit_entry(connection.id)).await;
}

async fn relations_load(db: &DatabaseConnection) {
    Migrator::up(db, None).await.unwrap();
    let connection = fixtures::provider_connection();
    insert_and_read_back::<ProviderConnection>(db, connection.clone()).await;
    let location = fixtures::location(Some(connection.id), Some("loc-1"));
    insert_and_read_back::<Location>(db, location.clone()).await;
    let product = fixtures::product();
    insert_and_read_back::<Product>(db, product.clone()).await;
    let stock = fixtures::stock_level(product.id, location.id, 3, 1);
    insert_and_read_back::<StockLevel>(db, stock.clone()).await;
    let customer = fixtures::customer();
    insert_and_read_back::<Customer>(db, customer.clone()).await;
    let order = fixtures::order(customer.id, location.id, None, "k");
    insert_and_read_back::<Order>(db, order.clone()).await;
    let line = fixtures::order_line(order.id, product.id, 1, 0);
    insert_and_read_back::<OrderLine>(db, line.clone()).await;

    let products = Product::find()
        .find_with_related(StockLevel)
        .all(db)
        .await
        .unwrap();
    assert_eq!(products, vec![(product, vec![stock.clone()])]);
    assert_eq!(stock.available(), 2);

    let orders = Order::find()
        .find_with_related(OrderLine)
        .all(db)
        .await
        .unwrap();
    assert_eq!(orders, vec![(order, vec![line])]);

    let located = Location::find()
        .find_also_related(ProviderConnection)
        .all(db)
        .await
        .unwrap();
    assert_eq!(located, vec![(location, Some(connection))]);
}

on_both_backends! {
    every_table_round_trips => every_table_round_trips;
    relations_load => relations_load;
}
