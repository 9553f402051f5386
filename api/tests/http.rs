//! GraphQL over HTTP, GraphiQL, health, readiness, metrics and request ids.
#![allow(clippy::unwrap_used)]

mod common;

use common::{
    first_code, fresh_postgres_url,
    gql::{persisted, persisted_get, sha256_hex},
    spawn_app, spawn_app_with,
};
use reqwest::{StatusCode, header};
use serde_json::{Value, json};

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json; charset=utf-8";
const JSON: &str = "application/json; charset=utf-8";

fn content_type(response: &reqwest::Response) -> &str {
    response.headers()[header::CONTENT_TYPE].to_str().unwrap()
}

#[tokio::test]
async fn post_query_answers_graphql_response_json() {
    let app = spawn_app().await;
    let response = app
        .post_graphql(&json!({ "query": "{ apiVersion }" }))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(content_type(&response), GRAPHQL_RESPONSE_JSON);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["apiVersion"], env!("CARGO_PKG_VERSION"));
}

#[tokio::test]
async fn clients_without_accept_get_application_json() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let app = spawn_app().await;
    // reqwest always sends `Accept: */*`; speak HTTP/1.1 by hand to send no Accept at all.
    let body = r#"{"query":"{ apiVersion }"}"#;
    let request = format!(
        "POST /graphql HTTP/1.1\r\nHost: canopy\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(
        response.contains(&format!("content-type: {JSON}")),
        "{response}"
    );
}

#[tokio::test]
async fn clients_preferring_json_get_application_json() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/graphql"))
        .header(
            header::ACCEPT,
            "application/json, application/graphql-response+json;q=0.5",
        )
        .json(&json!({ "query": "{ apiVersion }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(content_type(&response), JSON);
}

#[tokio::test]
async fn unacceptable_accept_is_406() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/graphql"))
        .header(header::ACCEPT, "text/csv")
        .json(&json!({ "query": "{ apiVersion }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_ACCEPTABLE);
}

#[tokio::test]
async fn get_runs_queries_with_variables() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/graphql"))
        .header(header::ACCEPT, "application/graphql-response+json")
        .query(&[
            (
                "query",
                "query V($skip: Boolean!) { apiVersion @skip(if: $skip) }",
            ),
            ("variables", r#"{"skip": false}"#),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["apiVersion"], env!("CARGO_PKG_VERSION"));
}

#[tokio::test]
async fn mutation_over_get_is_405() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", "mutation { anything }")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(
        response.headers()[header::ALLOW]
            .to_str()
            .unwrap()
            .contains("POST")
    );
}

#[tokio::test]
async fn malformed_requests_are_400_with_a_code() {
    let app = spawn_app().await;
    let cases = [
        ("malformed JSON", r#"{"query": "{ apiVersion }""#),
        ("missing query", r#"{"variables": {}}"#),
        (
            "unknown member",
            r#"{"query": "{ apiVersion }", "mutation": "x"}"#,
        ),
        (
            "variables not an object",
            r#"{"query": "{ apiVersion }", "variables": [1]}"#,
        ),
        ("not an object", r#"[1, 2, 3]"#),
    ];
    for (case, body) in cases {
        let response = app
            .client
            .post(app.url("/graphql"))
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT, "application/graphql-response+json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{case}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(first_code(&body), "BAD_USER_INPUT", "{case}");
        assert!(body.get("data").is_none(), "{case}");
    }
}

#[tokio::test]
async fn non_json_body_is_415() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/graphql"))
        .header(header::CONTENT_TYPE, "text/plain")
        .body("{ apiVersion }")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn oversize_body_is_413() {
    let app = spawn_app_with(|config| config.limits.max_body_bytes = 1024).await;
    let padding = "x".repeat(2048);
    let response = app
        .post_graphql(&json!({ "query": format!("{{ apiVersion }} # {padding}") }))
        .await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = response.json().await.unwrap();
    assert_eq!(first_code(&body), "BAD_USER_INPUT");
}

#[tokio::test]
async fn validation_errors_depend_on_the_media_type() {
    let app = spawn_app().await;
    let modern = app
        .post_graphql(&json!({ "query": "{ noSuchField }" }))
        .await;
    assert_eq!(modern.status(), StatusCode::BAD_REQUEST);
    let body: Value = modern.json().await.unwrap();
    assert_eq!(first_code(&body), "BAD_USER_INPUT");
    assert!(body.get("data").is_none());

    let legacy = app
        .client
        .post(app.url("/graphql"))
        .header(header::ACCEPT, "application/json")
        .json(&json!({ "query": "{ noSuchField }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(legacy.status(), StatusCode::OK);
}

#[tokio::test]
async fn depth_and_alias_limits_refuse_abusive_queries() {
    let app = spawn_app_with(|config| {
        config.limits.max_depth = 3;
        config.limits.max_aliases = 2;
    })
    .await;
    let deep = "{ __schema { types { fields { type { name } } } } }";
    let aliased = "{ a: apiVersion b: apiVersion c: apiVersion }";
    for query in [deep, aliased] {
        let response = app.post_graphql(&json!({ "query": query })).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(first_code(&body), "BAD_USER_INPUT", "{query}");
    }
    let fine = app
        .post_graphql(&json!({ "query": "{ a: apiVersion b: apiVersion }" }))
        .await;
    assert_eq!(fine.status(), StatusCode::OK);
}

#[tokio::test]
async fn federation_service_sdl_is_v2() {
    let app = spawn_app().await;
    let response = app
        .post_graphql(&json!({ "query": "{ _service { sdl } }" }))
        .await;
    let body: Value = response.json().await.unwrap();
    let sdl = body["data"]["_service"]["sdl"].as_str().unwrap();
    assert!(sdl.contains("@link"), "{sdl}");
    assert!(sdl.contains("federation/v2"), "{sdl}");
}

#[tokio::test]
async fn browsers_get_graphiql() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/graphql"))
        .header(
            header::ACCEPT,
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(content_type(&response).starts_with("text/html"));
    let html = response.text().await.unwrap();
    assert!(html.contains("graphiql"), "{html}");
    assert!(html.contains("/graphql/ws"));
}

#[tokio::test]
async fn health_readiness_and_metrics() {
    let app = spawn_app().await;
    let live = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(live.status(), StatusCode::OK);

    let ready = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
    let body: Value = ready.json().await.unwrap();
    assert_eq!(body, json!({ "database": "ok", "cache": "ok" }));

    let metrics = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(metrics.status(), StatusCode::OK);
    let text = metrics.text().await.unwrap();
    assert!(text.contains("http_requests_total"), "{text}");
    assert!(text.contains(r#"path="/readyz""#), "{text}");
    assert!(
        text.contains("http_request_duration_seconds_bucket"),
        "{text}"
    );
}

#[tokio::test]
async fn readiness_fails_when_the_database_is_gone() {
    let app = spawn_app().await;
    app.state.db.clone().close().await.unwrap();
    let ready = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: Value = ready.json().await.unwrap();
    assert_eq!(body["database"], "unavailable");
}

#[tokio::test]
async fn request_ids_are_made_or_kept() {
    let app = spawn_app().await;
    let made = app.client.get(app.url("/healthz")).send().await.unwrap();
    let id = made.headers()["x-request-id"].to_str().unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");

    let kept = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "client-chosen-id")
        .send()
        .await
        .unwrap();
    assert_eq!(kept.headers()["x-request-id"], "client-chosen-id");
}

#[tokio::test]
async fn serves_on_postgresql() {
    let Some(url) = fresh_postgres_url().await else {
        return;
    };
    let app = spawn_app_with(|config| config.database_url = url.parse().unwrap()).await;
    let ready = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
    let response = app
        .post_graphql(&json!({ "query": "{ apiVersion }" }))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn persisted_queries_are_found_by_hash_once_sent() {
    let app = spawn_app().await;
    let query = "{ apiVersion }";
    let hash = sha256_hex(query);
    // an unknown hash: 200 with the code Apollo clients look for, then they send it
    let (status, body) = persisted(&app, None, &hash).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(first_code(&body), "PERSISTED_QUERY_NOT_FOUND");
    assert_eq!(body["errors"][0]["message"], "PersistedQueryNotFound");

    let (_, body) = persisted(&app, Some(query), &hash).await;
    assert_eq!(
        body["data"]["apiVersion"],
        env!("CARGO_PKG_VERSION"),
        "{body}"
    );
    let (_, body) = persisted(&app, None, &hash).await;
    assert_eq!(
        body["data"]["apiVersion"],
        env!("CARGO_PKG_VERSION"),
        "{body}"
    );

    // and over GET
    let (_, body) = persisted_get(&app, &hash).await;
    assert_eq!(
        body["data"]["apiVersion"],
        env!("CARGO_PKG_VERSION"),
        "{body}"
    );
}

#[tokio::test]
async fn a_persisted_query_whose_hash_does_not_match_is_refused() {
    let app = spawn_app().await;
    let (status, body) = persisted(&app, Some("{ apiVersion }"), &sha256_hex("{ other }")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(first_code(&body), "BAD_USER_INPUT");
    assert_eq!(
        body["errors"][0]["extensions"]["field"],
        "extensions.persistedQuery.sha256Hash"
    );
    let (status, body) = persisted(&app, None, "not-a-hash").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(first_code(&body), "BAD_USER_INPUT");
    // a persisted document still meets the limits
    let deep = format!("{{ {} }}", "a { ".repeat(40) + &"}".repeat(40));
    let (status, body) = persisted(&app, Some(&deep), &sha256_hex(&deep)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}
