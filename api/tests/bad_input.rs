//! Bad input through HTTP: every malformed request or argument gets a clear error with
//! `extensions.code` and the status the GraphQL-over-HTTP specification asks for, the
//! server keeps serving, and nothing is stored.
#![allow(clippy::unwrap_used)]

mod common;

use api::auth::Role;
use common::{
    TestApp, first_code,
    fixtures::{BackendApp, Seed, each_backend},
    gql::execute,
};
use entities::enums::ProductCategory;
use reqwest::StatusCode;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

/// The first error's message.
fn message(body: &Value) -> &str {
    body["errors"][0]["message"].as_str().unwrap()
}

/// Rows in the tables a read could conceivably touch.
async fn stored_rows(app: &TestApp) -> [u64; 3] {
    let db = &app.state.db;
    [
        entities::product::Entity::find().count(db).await.unwrap(),
        entities::stock_level::Entity::find()
            .count(db)
            .await
            .unwrap(),
        entities::order::Entity::find().count(db).await.unwrap(),
    ]
}

/// A raw POST to `/graphql` with `body` as `application/json`.
async fn post_raw(app: &TestApp, body: impl Into<reqwest::Body>) -> (StatusCode, Value) {
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("accept", "application/graphql-response+json")
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn malformed_requests_are_400_with_bad_user_input() {
    let app = common::spawn_app().await;
    let before = stored_rows(&app).await;

    let (status, body) = post_raw(&app, r#"{"query": "{ locations { id } }""#).await;
    assert_eq!(
        (status, first_code(&body)),
        (StatusCode::BAD_REQUEST, "BAD_USER_INPUT"),
        "{body}"
    );
    assert!(message(&body).contains("malformed request body"), "{body}");

    // Members the GraphQL-over-HTTP request does not define.
    let (status, body) = post_raw(
        &app,
        r#"{"query": "{ locations { id } }", "mutation": true}"#,
    )
    .await;
    assert_eq!(
        (status, first_code(&body)),
        (StatusCode::BAD_REQUEST, "BAD_USER_INPUT"),
        "{body}"
    );
    assert!(message(&body).contains("unknown field"), "{body}");

    // Syntax errors, unknown fields and unknown arguments are request errors: no `data`.
    for query in [
        "{ locations { id ",
        "{ locations { id flavour } }",
        "{ products(first: 1, colour: \"green\") { totalCount } }",
        "{ products(category: PURPLE) { totalCount } }",
    ] {
        let (status, body) = execute(&app, None, query, json!({})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        assert_eq!(first_code(&body), "BAD_USER_INPUT", "{query}: {body}");
        assert!(body.get("data").is_none(), "{query}: {body}");
    }

    // Variables of the wrong type are refused before execution. (async-graphql checks an
    // out-of-range Int variable only when the field reads it: a field error, status 200.)
    let page = "query($first: Int) { products(first: $first) { totalCount } }";
    let (status, body) = execute(&app, None, page, json!({ "first": "ten" })).await;
    assert_eq!(
        (status, first_code(&body)),
        (StatusCode::BAD_REQUEST, "BAD_USER_INPUT"),
        "{body}"
    );
    let (_, body) = execute(&app, None, page, json!({ "first": 99_999_999_999_i64 })).await;
    assert_eq!(first_code(&body), "BAD_USER_INPUT", "{body}");
    assert!(message(&body).contains("Only integers from"), "{body}");
    assert!(body["data"].is_null(), "{body}");

    assert_eq!(stored_rows(&app).await, before);
}

#[tokio::test]
async fn invalid_ids_cursors_and_page_sizes_are_bad_user_input() {
    for BackendApp { backend, app } in each_backend().await {
        let seed = Seed::new(&app.state.db);
        let blue_dream = seed
            .product("Blue Dream", "Farmhouse", ProductCategory::Flower, 3_500)
            .await;
        let store = seed.location("Store").await;
        seed.stock(&blue_dream, &store, 1, 0).await;
        let ada = seed.customer("ada@example.com", "Ada", "Lovelace").await;
        let admin = app.token(Role::Admin, "ops");
        let before = stored_rows(&app).await;

        // An id that is not a UUID: the field is null and the error names the argument.
        let (status, body) =
            execute(&app, None, r#"{ product(id: "42") { id } }"#, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{backend}: {body}");
        assert_eq!(body["data"]["product"], Value::Null, "{backend}: {body}");
        assert_eq!(first_code(&body), "BAD_USER_INPUT", "{backend}: {body}");
        assert_eq!(message(&body), "`id` is not a valid id", "{backend}");
        assert_eq!(body["errors"][0]["extensions"]["field"], "id", "{backend}");

        for query in [
            r#"{ products(locationId: "downtown") { totalCount } }"#,
            r#"{ location(id: "") { id } }"#,
            r#"{ products(first: 1) { edges { node { stock(locationId: "x") { onHand } } } } }"#,
            r#"{ products(first: 1) { nodes { price(locationId: "x") { amount } } } }"#,
        ] {
            let (status, body) = execute(&app, None, query, json!({})).await;
            assert_eq!(status, StatusCode::OK, "{backend}: {query}: {body}");
            assert_eq!(
                first_code(&body),
                "BAD_USER_INPUT",
                "{backend}: {query}: {body}"
            );
        }
        let (_, body) = execute(
            &app,
            Some(&admin),
            r#"{ order(id: "nope") { id } }"#,
            json!({}),
        )
        .await;
        assert_eq!(first_code(&body), "BAD_USER_INPUT", "{backend}: {body}");

        // Cursors: garbage, and a real cursor of another list.
        let customers = common::gql::data(
            &app,
            Some(&admin),
            "{ customers(first: 1) { pageInfo { endCursor } } }",
            json!({}),
        )
        .await;
        let customer_cursor = customers["customers"]["pageInfo"]["endCursor"].clone();
        assert!(customer_cursor.is_string(), "{backend}: {customers}");
        for after in [json!("garbage!"), json!(""), customer_cursor] {
            let (status, body) = execute(
                &app,
                None,
                "query($after: String) { products(after: $after) { totalCount } }",
                json!({ "after": after }),
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{backend}: {after}: {body}");
            assert_eq!(
                first_code(&body),
                "BAD_USER_INPUT",
                "{backend}: {after}: {body}"
            );
            assert!(
                message(&body).contains("`after` is not a cursor of this list"),
                "{backend}: {body}"
            );
        }

        // Page sizes below zero or above the configured cap.
        for first in [-1, 101, i32::MAX] {
            let (status, body) = execute(
                &app,
                None,
                "query($first: Int) { products(first: $first) { totalCount } }",
                json!({ "first": first }),
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{backend}: {first}: {body}");
            assert_eq!(
                first_code(&body),
                "BAD_USER_INPUT",
                "{backend}: {first}: {body}"
            );
            assert_eq!(
                message(&body),
                format!("`first` must be between 0 and 100, got {first}"),
                "{backend}"
            );
        }
        let customer_token = app.token(Role::Customer, &ada.id.to_string());
        let (_, body) = execute(
            &app,
            Some(&customer_token),
            "{ me { purchaseHistory(first: -5) { totalCount } } }",
            json!({}),
        )
        .await;
        assert_eq!(first_code(&body), "BAD_USER_INPUT", "{backend}: {body}");

        // An over-long search term.
        let (_, body) = execute(
            &app,
            None,
            "query($search: String) { products(search: $search) { totalCount } }",
            json!({ "search": "x".repeat(201) }),
        )
        .await;
        assert_eq!(first_code(&body), "BAD_USER_INPUT", "{backend}: {body}");

        assert_eq!(stored_rows(&app).await, before, "{backend}");
    }
}

#[tokio::test]
async fn over_deep_queries_are_refused_before_execution() {
    let app = common::spawn_app().await;
    // product → stock → product → stock … nests deeper than the default depth limit (15).
    let mut selection = "id".to_owned();
    for _ in 0..8 {
        selection = format!("stock {{ product {{ {selection} }} }}");
    }
    let query = format!("{{ products(first: 1) {{ edges {{ node {{ {selection} }} }} }} }}");
    let (status, body) = execute(&app, None, &query, json!({})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(first_code(&body), "BAD_USER_INPUT", "{body}");
    assert!(
        message(&body).to_lowercase().contains("nested too deep"),
        "{body}"
    );
    assert!(body.get("data").is_none(), "{body}");
}

#[tokio::test]
async fn oversize_bodies_are_413_and_the_server_keeps_serving() {
    let app = common::spawn_app_with(|config| config.limits.max_body_bytes = 4 * 1024).await;
    let padding = " ".repeat(8 * 1024);
    let body = format!(r#"{{"query": "{{ locations {{ id }} }}{padding}"}}"#);
    let (status, body) = post_raw(&app, body).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(first_code(&body), "BAD_USER_INPUT", "{body}");
    assert!(message(&body).contains("too large"), "{body}");

    let (status, body) = execute(&app, None, "{ locations { id } }", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["locations"], json!([]));
}
