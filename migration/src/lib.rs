//! Canopy's schema migrations, one per table, runnable on SQLite and PostgreSQL.
//!
//! Apply them with `Migrator::up(&db, None)` (the server does at start-up and
//! `canopy migrate` does on demand). Tables are created in dependency order
//! and dropped in reverse, so `down` then `up` round-trips.

pub use sea_orm_migration::prelude::*;

mod schema_helpers;

mod compliance_rule_sets;
mod m20261125_000001_create_provider_connections;
mod m20261125_000002_create_locations;
mod m20261125_000003_create_products;
mod m20261125_000004_create_product_external_refs;
mod m20261125_000005_create_stock_levels;
mod m20261125_000006_create_customers;
mod m20261125_000007_create_customer_external_refs;
mod m20261125_000008_create_orders;
mod m20261125_000009_create_order_lines;
mod m20261125_000010_create_order_events;
mod m20261125_000011_create_purchases;
mod m20261125_000012_create_purchase_lines;
mod m20261125_000013_create_sync_cursors;
mod m20261125_000014_create_outbox;
mod m20261125_000015_create_webhook_deliveries;
mod m20261125_000016_create_alerts;
mod m20261125_000017_create_audit_log;
mod m20261201_000018_create_sync_leases;
mod m20261210_000019_create_compliance_rules;
mod m20261212_000020_add_field_times_to_customers;
mod m20261212_000021_create_customer_events;
mod m20261212_000022_add_field_hashes_to_customer_external_refs;
mod m20261214_000023_add_order_sale_index_to_purchases;
mod m20261214_000024_add_push_id_to_customer_events;
mod m20261216_000025_create_sync_runs;
mod m20261216_000026_compliance_measures;
mod m20261218_000027_per_store_offers;
mod m20261218_000028_product_matching;
mod m20261220_000029_create_persisted_operations;

/// Every Canopy migration, in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_create_provider_connections::Migration),
            Box::new(m20261125_000002_create_locations::Migration),
            Box::new(m20261125_000003_create_products::Migration),
            Box::new(m20261125_000004_create_product_external_refs::Migration),
            Box::new(m20261125_000005_create_stock_levels::Migration),
            Box::new(m20261125_000006_create_customers::Migration),
            Box::new(m20261125_000007_create_customer_external_refs::Migration),
            Box::new(m20261125_000008_create_orders::Migration),
            Box::new(m20261125_000009_create_order_lines::Migration),
            Box::new(m20261125_000010_create_order_events::Migration),
            Box::new(m20261125_000011_create_purchases::Migration),
            Box::new(m20261125_000012_create_purchase_lines::Migration),
            Box::new(m20261125_000013_create_sync_cursors::Migration),
            Box::new(m20261125_000014_create_outbox::Migration),
            Box::new(m20261125_000015_create_webhook_deliveries::Migration),
            Box::new(m20261125_000016_create_alerts::Migration),
            Box::new(m20261125_000017_create_audit_log::Migration),
            Box::new(m20261201_000018_create_sync_leases::Migration),
            Box::new(m20261210_000019_create_compliance_rules::Migration),
            Box::new(m20261212_000020_add_field_times_to_customers::Migration),
            Box::new(m20261212_000021_create_customer_events::Migration),
            Box::new(m20261212_000022_add_field_hashes_to_customer_external_refs::Migration),
            Box::new(m20261214_000023_add_order_sale_index_to_purchases::Migration),
            Box::new(m20261214_000024_add_push_id_to_customer_events::Migration),
            Box::new(m20261216_000025_create_sync_runs::Migration),
            Box::new(m20261216_000026_compliance_measures::Migration),
            Box::new(m20261218_000027_per_store_offers::Migration),
            Box::new(m20261218_000028_product_matching::Migration),
            Box::new(m20261220_000029_create_persisted_operations::Migration),
        ]
    }
}
