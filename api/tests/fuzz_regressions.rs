//! Inputs the `graphql_request` fuzz target (`fuzz/`) found, replayed against a real
//! `canopy serve` process: a stack overflow aborts the process, which an in-process
//! server would take the test binary down with.
#![allow(clippy::unwrap_used)]

mod common;

use common::{WAIT, process::ServerProcess};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// graphql_request, crash 1 (minimised): `{a(b:[[…]])}`, a list literal 1,400 levels
/// deep (2.8 KB) on a field that does not exist. In an optimised build (the fuzz build;
/// `canopy serve --release` crashes from about 2,000 levels) it overflows the stack of
/// the worker that parses it and aborts the whole server, by POST and by GET alike.
/// A debug build (this test's) stops earlier in pest's own stack guard with a 400, so
/// here the test shows the answer the guard must keep; the abort itself replays with
/// the release fuzz binary (`fuzz/README.md`).
const DEEP_LIST_LITERAL: &str = include_str!("data/fuzz/deep_list_literal.graphql");

#[tokio::test]
async fn deeply_nested_literals_are_refused_and_the_server_stays_up() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/canopy.db?mode=rwc", dir.path().display());
    let server = ServerProcess::start(&url, None, &[("CANOPY_NO_WORKERS", "true")]).await;
    let client = reqwest::Client::builder().timeout(WAIT).build().unwrap();
    let post = client
        .post(server.url("/graphql"))
        .header("accept", "application/graphql-response+json")
        .json(&json!({ "query": DEEP_LIST_LITERAL }))
        .send();
    let get = client
        .get(server.url("/graphql"))
        .header("accept", "application/graphql-response+json")
        .query(&[("query", DEEP_LIST_LITERAL)])
        .send();
    for (how, response) in [("POST", post.await), ("GET", get.await)] {
        let response = response.unwrap_or_else(|e| panic!("{how}: the server died: {e}"));
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{how}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(common::first_code(&body), "BAD_USER_INPUT", "{how}: {body}");
    }
    let health = client.get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
}
