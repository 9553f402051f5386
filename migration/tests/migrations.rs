//! The migrations apply, roll back and apply again on an empty database.

#![allow(clippy::unwrap_used)]

mod common;

use migration::{Migrator, MigratorTrait, SchemaManager};
use sea_orm::DatabaseConnection;

const TABLES: [&str; 24] = [
    "provider_connections",
    "locations",
    "products",
    "product_external_refs",
    "stock_levels",
    "customers",
    "customer_external_refs",
    "orders",
    "order_lines",
    "order_events",
    "purchases",
    "purchase_lines",
    "sync_cursors",
    "outbox",
    "webhook_deliveries",
    "alerts",
    "audit_log",
    "sync_leases",
    "compliance_rules",
    "customer_events",
    "product_measures",
    "product_matches",
    "product_redirects",
    "persisted_operations",
];

async fn assert_tables(db: &DatabaseConnection, present: bool) {
    let manager = SchemaManager::new(db);
    for table in TABLES {
        assert_eq!(
            manager.has_table(table).await.unwrap(),
            present,
            "table {table} present should be {present}"
        );
    }
}

async fn up_down_up(db: &DatabaseConnection) {
    Migrator::up(db, None).await.unwrap();
    assert_tables(db, true).await;
    assert!(
        Migrator::get_pending_migrations(db)
            .await
            .unwrap()
            .is_empty()
    );

    Migrator::down(db, None).await.unwrap();
    assert_tables(db, false).await;
    assert_eq!(
        Migrator::get_pending_migrations(db).await.unwrap().len(),
        Migrator::migrations().len()
    );

    Migrator::up(db, None).await.unwrap();
    assert_tables(db, true).await;
}

async fn up_is_idempotent(db: &DatabaseConnection) {
    Migrator::up(db, None).await.unwrap();
    Migrator::up(db, None).await.unwrap();
    assert_tables(db, true).await;
}

on_both_backends! {
    up_down_up => up_down_up;
    up_is_idempotent => up_is_idempotent;
}
