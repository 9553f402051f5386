//! Running GraphQL documents against a test server over HTTP.
#![allow(dead_code, clippy::unwrap_used)]

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::TestApp;

/// POSTs `query` with `variables` (and a bearer `token` when given) to `/graphql`,
/// accepting `application/graphql-response+json`; returns the status and JSON body.
pub async fn execute(
    app: &TestApp,
    token: Option<&str>,
    query: &str,
    variables: Value,
) -> (StatusCode, Value) {
    execute_at(&app.client, &app.url("/graphql"), token, query, variables).await
}

/// [`execute`] against the GraphQL endpoint at `url` (any server, in this process or not).
pub async fn execute_at(
    client: &reqwest::Client,
    url: &str,
    token: Option<&str>,
    query: &str,
    variables: Value,
) -> (StatusCode, Value) {
    let mut request = client
        .post(url)
        .header("accept", "application/graphql-response+json")
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

/// [`execute`], asserting a 200 response without errors; returns `data`.
pub async fn data(app: &TestApp, token: Option<&str>, query: &str, variables: Value) -> Value {
    let (status, body) = execute(app, token, query, variables).await;
    assert_eq!(status, StatusCode::OK, "unexpected status, body: {body}");
    assert!(body.get("errors").is_none(), "unexpected errors: {body}");
    body["data"].clone()
}

/// The ids of a connection's nodes, in order.
pub fn node_ids(connection: &Value) -> Vec<String> {
    connection["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| edge["node"]["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The lowercase hex SHA-256 of `document`, as Apollo clients send it.
pub fn sha256_hex(document: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(document.as_bytes()))
}

/// GETs `/graphql` naming the persisted query `hash` alone; returns the status and JSON
/// body.
pub async fn persisted_get(app: &TestApp, hash: &str) -> (StatusCode, Value) {
    let extensions = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } });
    let response = app
        .client
        .get(app.url("/graphql"))
        .query(&[("extensions", extensions.to_string())])
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

/// POSTs a request naming the persisted query `hash` (with `query` when given); returns
/// the status and JSON body.
pub async fn persisted(app: &TestApp, query: Option<&str>, hash: &str) -> (StatusCode, Value) {
    let mut body = json!({
        "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } },
    });
    if let Some(query) = query {
        body["query"] = json!(query);
    }
    let response = app.post_graphql(&body).await;
    (response.status(), response.json().await.unwrap())
}
