//! Apollo Federation v2: the exported SDL composes with Apollo's own composition library
//! (beside a second subgraph that extends `Product` by key), `_service { sdl }` serves
//! that SDL, and `_entities` resolves representations in one statement per type.
#![allow(clippy::unwrap_used)]

mod common;

use std::{path::Path, process::Stdio, time::Duration};

use api::auth::{Role, Viewer};
use common::{
    fixtures::{BackendApp, Seed, each_backend},
    gql::data,
    statements::{CountingSchema, reading},
};
use entities::enums::{OrderStatus, ProductCategory};
use serde_json::{Value, json};
use tokio::process::Command;

/// Time allowed for `npm ci` (a cold download of the composition library).
const NPM_TIMEOUT: Duration = Duration::from_secs(300);
/// Time allowed for one composition run or schema export.
const RUN_TIMEOUT: Duration = Duration::from_secs(60);

/// The SDL exactly as `canopy export-schema` prints it.
async fn exported_sdl() -> String {
    let output = run(
        Command::new(env!("CARGO_BIN_EXE_canopy")).arg("export-schema"),
        RUN_TIMEOUT,
    )
    .await;
    String::from_utf8(output).unwrap()
}

/// Runs `command`, failing the test on a timeout or a non-zero exit (with its output).
async fn run(command: &mut Command, limit: Duration) -> Vec<u8> {
    let output = tokio::time::timeout(
        limit,
        command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .output(),
    )
    .await
    .unwrap_or_else(|_| panic!("{command:?} took longer than {limit:?}"))
    .unwrap_or_else(|error| panic!("{command:?} could not start: {error}"));
    assert!(
        output.status.success(),
        "{command:?} failed ({}):\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

#[tokio::test]
async fn the_exported_sdl_composes_into_a_supergraph() {
    // Node.js runs Apollo's composition
    if !common::skip::require_program("node") {
        return;
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/federation");
    // npm writes its hidden lockfile last: its presence means a whole install.
    if !dir.join("node_modules/.package-lock.json").exists() {
        run(
            Command::new("npm")
                .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
                .current_dir(&dir),
            NPM_TIMEOUT,
        )
        .await;
    }
    let sdl_file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(sdl_file.path(), exported_sdl().await).unwrap();

    let report = run(
        Command::new("node")
            .arg(dir.join("compose.mjs"))
            .arg(sdl_file.path())
            .current_dir(&dir),
        RUN_TIMEOUT,
    )
    .await;
    let report: Value = serde_json::from_slice(&report).unwrap();
    assert_eq!(
        report["entities"],
        json!(["Product", "Location", "Customer", "Order"])
    );
    let fields = report["productFields"].as_array().unwrap();
    for field in ["id", "name", "price", "stock", "reviewCount"] {
        assert!(
            fields.contains(&json!(field)),
            "Product lacks {field}: {report}"
        );
    }
}

#[tokio::test]
async fn service_sdl_is_the_exported_federation_v2_sdl() {
    let app = common::spawn_app().await;
    let served = data(&app, None, "{ _service { sdl } }", json!({})).await;
    let served = served["_service"]["sdl"].as_str().unwrap().to_owned();
    assert!(
        served.contains("https://specs.apollo.dev/federation/v2"),
        "{served}"
    );
    for entity in ["Product", "Location", "Customer", "Order"] {
        let declaration = format!("type {entity} @key(fields: \"id\")");
        assert!(served.contains(&declaration), "missing `{declaration}`");
    }
    assert_eq!(served.trim_end(), exported_sdl().await.trim_end());
}

const ENTITIES: &str = r#"
query Entities($representations: [_Any!]!) {
  _entities(representations: $representations) {
    __typename
    ... on Product { id name }
    ... on Location { id name }
    ... on Customer { id email }
    ... on Order { id status }
  }
}"#;

#[tokio::test]
async fn entities_resolve_in_one_statement_per_type() {
    for BackendApp { backend, app } in each_backend().await {
        let seed = Seed::new(&app.state.db);
        let store = seed.location("Downtown").await;
        let uptown = seed.location("Uptown").await;
        let flower = seed
            .product("Blue Dream", "Farmhouse", ProductCategory::Flower, 3_500)
            .await;
        let gummies = seed
            .product("Gummies", "Acme", ProductCategory::Edible, 2_000)
            .await;
        let vape = seed
            .product("Cart", "Acme", ProductCategory::Vape, 4_000)
            .await;
        let ada = seed.customer("ada@example.com", "Ada", "Lovelace").await;
        let bob = seed.customer("bob@example.com", "Bob", "Builder").await;
        let order = seed
            .order(&ada, &store, OrderStatus::Ready, &[&flower])
            .await;

        let rep = |typename: &str, id: uuid::Uuid| json!({ "__typename": typename, "id": id.to_string() });
        let representations = json!([
            rep("Product", flower.id),
            rep("Location", store.id),
            rep("Product", gummies.id),
            rep("Customer", ada.id),
            rep("Order", order.id),
            rep("Product", vape.id),
            rep("Location", uptown.id),
            rep("Customer", bob.id),
        ]);
        let schema = CountingSchema::new(&app.state);
        let (data, sql) = schema
            .run(
                Viewer::Admin {
                    subject: "ops".into(),
                },
                ENTITIES,
                json!({ "representations": representations }),
            )
            .await;

        let entities = data["_entities"].as_array().unwrap();
        let summary: Vec<(String, String)> = entities
            .iter()
            .map(|entity| {
                (
                    entity["__typename"].as_str().unwrap().to_owned(),
                    entity["id"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let expected: Vec<(String, String)> = representations
            .as_array()
            .unwrap()
            .iter()
            .map(|rep| {
                (
                    rep["__typename"].as_str().unwrap().to_owned(),
                    rep["id"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert_eq!(
            summary, expected,
            "{backend}: entities in representation order"
        );
        assert_eq!(entities[0]["name"], "Blue Dream", "{backend}");
        assert_eq!(entities[3]["email"], "ada@example.com", "{backend}");
        assert_eq!(entities[4]["status"], "READY", "{backend}");

        assert_eq!(sql.len(), 4, "{backend}: {sql:#?}");
        for table in ["products", "locations", "customers", "orders"] {
            assert_eq!(reading(&sql, table), 1, "{backend}: {table}: {sql:#?}");
        }
    }
}

#[tokio::test]
async fn entities_keep_customers_and_orders_private() {
    for BackendApp { backend, app } in each_backend().await {
        let seed = Seed::new(&app.state.db);
        let store = seed.location("Downtown").await;
        let flower = seed
            .product("Blue Dream", "Farmhouse", ProductCategory::Flower, 3_500)
            .await;
        let ada = seed.customer("ada@example.com", "Ada", "Lovelace").await;
        let bob = seed.customer("bob@example.com", "Bob", "Builder").await;
        let bobs_order = seed
            .order(&bob, &store, OrderStatus::Ready, &[&flower])
            .await;
        let ada_token = app.token(Role::Customer, &ada.id.to_string());

        let own = data(
            &app,
            Some(&ada_token),
            ENTITIES,
            json!({ "representations": [{ "__typename": "Customer", "id": ada.id.to_string() }] }),
        )
        .await;
        assert_eq!(own["_entities"][0]["email"], "ada@example.com", "{backend}");

        for hidden in [
            json!({ "__typename": "Customer", "id": bob.id.to_string() }),
            json!({ "__typename": "Order", "id": bobs_order.id.to_string() }),
        ] {
            // Like a missing entity: null, revealing nothing.
            let hidden = data(
                &app,
                Some(&ada_token),
                ENTITIES,
                json!({ "representations": [hidden] }),
            )
            .await;
            assert_eq!(hidden, json!({ "_entities": [null] }), "{backend}");
        }
    }
}
