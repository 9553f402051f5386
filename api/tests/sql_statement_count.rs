//! A page of products with their stock runs the same, small number of SQL statements
//! whatever its size: related rows come through DataLoaders, one `IN (…)` per batch.
#![allow(clippy::unwrap_used)]

mod common;

use api::auth::Viewer;
use common::{
    fixtures::{BackendApp, Seed, each_backend},
    statements::{CountingSchema, loading, reading},
};
use entities::enums::ProductCategory;
use serde_json::json;

const PAGE: &str = r"
query Page($first: Int!) {
  products(first: $first) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      id name brand category price { amount currency }
      stock { location { id name } onHand reserved available updatedAt }
    } }
  }
}";

/// Page query, count, stock levels, locations.
const MAX_STATEMENTS: usize = 4;

#[tokio::test]
async fn a_page_of_products_with_stock_costs_a_constant_number_of_statements() {
    for BackendApp { backend, app } in each_backend().await {
        let seed = Seed::new(&app.state.db);
        let mut locations = Vec::new();
        for name in ["Downtown", "Uptown", "Harbor"] {
            locations.push(seed.location(name).await);
        }
        for n in 0..60 {
            let product = seed
                .product(
                    &format!("Product {n:02}"),
                    "Acme",
                    ProductCategory::Flower,
                    1_000,
                )
                .await;
            for location in &locations {
                seed.stock(&product, location, n, 1).await;
            }
        }

        let schema = CountingSchema::new(&app.state);
        let (small, small_sql) = schema
            .run(Viewer::Anonymous, PAGE, json!({ "first": 10 }))
            .await;
        let (large, large_sql) = schema
            .run(Viewer::Anonymous, PAGE, json!({ "first": 50 }))
            .await;

        let edges = |data: &serde_json::Value| data["products"]["edges"].as_array().unwrap().len();
        assert_eq!((edges(&small), edges(&large)), (10, 50), "{backend}");
        let stock = large["products"]["edges"][49]["node"]["stock"]
            .as_array()
            .unwrap();
        assert_eq!(stock.len(), 3, "{backend}");

        assert_eq!(
            small_sql.len(),
            large_sql.len(),
            "{backend}: statements grew with the page size:\n{small_sql:#?}\n{large_sql:#?}"
        );
        assert!(
            large_sql.len() <= MAX_STATEMENTS,
            "{backend}: {} statements for one page:\n{large_sql:#?}",
            large_sql.len()
        );
        assert_eq!(
            loading(&large_sql, "stock_levels"),
            1,
            "{backend}: {large_sql:#?}"
        );
        assert_eq!(
            reading(&large_sql, "locations"),
            1,
            "{backend}: {large_sql:#?}"
        );
    }
}

#[tokio::test]
async fn total_count_is_only_computed_when_selected() {
    for BackendApp { backend, app } in each_backend().await {
        let seed = Seed::new(&app.state.db);
        seed.product("Blue Dream", "Farmhouse", ProductCategory::Flower, 3_500)
            .await;
        let schema = CountingSchema::new(&app.state);
        let (_, sql) = schema
            .run(
                Viewer::Anonymous,
                "{ products(first: 5) { edges { node { id } } } }",
                json!({}),
            )
            .await;
        assert_eq!(sql.len(), 1, "{backend}: {sql:#?}");
    }
}
