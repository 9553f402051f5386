//! Dutchie as its OpenAPI document allows, not as our simulator usually writes it:
//! a simulator sending schema-valid variants (no `inventoryId`, several packages per
//! product, times without an offset, nulls, categories Canopy does not know) is
//! synced with the right stock and nothing rejected; and with `sellable_rooms` only
//! the sales floor's stock is offered, the vault's not.
#![allow(clippy::unwrap_used)]

mod common;
mod sync_support;

use api::{connections, sync::RunMode};
use providers::{
    dutchie::{self, DutchieSimOptions, DutchieSimulator},
    model::ProductCategory,
    simulator::{Simulator, seed},
};
use serde_json::json;
use sync_support::{SyncEnv, seed_config, sqlite, stock_by_pos_ids};
use uuid::Uuid;

async fn dutchie(options: DutchieSimOptions) -> DutchieSimulator {
    dutchie::start(seed::seeded(&seed_config()), options)
        .await
        .unwrap()
}

/// A connection to `sim` with `settings`, fully synced once.
async fn synced(env: &SyncEnv, sim: &DutchieSimulator, settings: serde_json::Value) -> Uuid {
    let connection = env.connect_with(sim, settings).await;
    env.sync
        .sync_connection(connection.id, RunMode::Full)
        .await
        .unwrap();
    connection.id
}

/// (stored on hand, the store's on hand) per product and location of the connection.
async fn stock_against_store(
    env: &SyncEnv,
    sim: &DutchieSimulator,
    connection: Uuid,
) -> Vec<(i64, i64)> {
    let rows = stock_by_pos_ids(env, connection).await;
    assert!(!rows.is_empty(), "no stock rows");
    rows.iter()
        .map(|(product, location, row)| {
            let at_store = sim.store().read(|s| s.on_hand(product, location));
            (row.on_hand, at_store)
        })
        .collect()
}

#[tokio::test]
async fn schema_valid_variants_sync_the_right_stock() {
    let env = sqlite().await;
    let sim = dutchie(DutchieSimOptions {
        variants: true,
        ..DutchieSimOptions::default()
    })
    .await;
    let connection = synced(&env, &sim, json!({})).await;

    let stock = stock_against_store(&env, &sim, connection).await;
    for (stored, at_store) in &stock {
        assert_eq!(stored, at_store);
    }
    assert!(
        stock.iter().any(|(stored, _)| *stored >= 2),
        "some product came in two packages"
    );

    let row = connections::find(&env.db, connection).await.unwrap();
    let provider = connections::connect(env.sync.keyring(), &row).unwrap();
    let snapshot = provider.stock(None).await.unwrap();
    assert!(snapshot.rejected.is_empty(), "{:?}", snapshot.rejected);
    let catalog = provider.catalog(None).await.unwrap();
    assert!(catalog.rejected.is_empty(), "{:?}", catalog.rejected);
    assert!(
        catalog
            .items
            .iter()
            .any(|p| p.category == ProductCategory::Other && p.category_raw.is_some()),
        "unknown categories are kept as OTHER"
    );
    assert_eq!(env.count("products").await, catalog.items.len() as i64);
    assert_eq!(env.count("alerts").await, 0);
}

#[tokio::test]
async fn sellable_rooms_leave_the_vault_out() {
    const VAULT: i64 = 7;
    let sim = dutchie(DutchieSimOptions {
        vault_units: VAULT as u32,
        ..DutchieSimOptions::default()
    })
    .await;

    // Without the setting: Dutchie's quantityAvailable, vault included.
    let everything = sqlite().await;
    let connection = synced(&everything, &sim, json!({})).await;
    let stock = stock_against_store(&everything, &sim, connection).await;
    assert!(stock.iter().any(|(_, at_store)| *at_store > 0));
    for (stored, at_store) in &stock {
        let listed = if *at_store > 0 { at_store + VAULT } else { 0 };
        assert_eq!(*stored, listed);
    }

    // With it (as the admin form sends it: comma-separated text, any case): the sales floor only.
    let floor_only = sqlite().await;
    let settings = json!({ "sellable_rooms": "sales floor, Pre-Order" });
    let connection = synced(&floor_only, &sim, settings).await;
    for (stored, at_store) in stock_against_store(&floor_only, &sim, connection).await {
        assert_eq!(stored, at_store);
    }
    assert_eq!(floor_only.count("alerts").await, 0);
}
