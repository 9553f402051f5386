//! Persisted-query modes (`CANOPY_PERSISTED_QUERIES`): in `safelist` mode only registered
//! documents run, over HTTP (in full or by hash) and websockets, for all but admins;
//! documents are registered by an admin's mutation or `canopy operations add`, both held
//! to the request limits; a removal stops the document at once, on every server sharing
//! Redis; `off` refuses the extension.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::{path::Path, process::Command, time::Duration};

use api::{
    auth::Role,
    config::{Config, PersistedQueries},
};
use common::{
    TEST_JWT_SECRET,
    gql::{execute, persisted, persisted_get, sha256_hex},
    spawn_app_with,
    wait::until,
    ws::GqlSocket,
};
use reqwest::StatusCode;
use serde_json::{Value, json};

const MENU: &str = "query Menu { locations { id } }";
const REGISTER: &str = "mutation Register($document: String!) {
    registerPersistedOperation(document: $document) { hash operationNames registeredBy }
}";

fn safelist(config: &mut Config) {
    config.persisted_queries = PersistedQueries::Safelist;
}

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no error code in {body}"))
}

#[tokio::test]
async fn only_registered_documents_run_for_all_but_admins() {
    let app = spawn_app_with(safelist).await;
    let admin = app.token(Role::Admin, "ops@example.com");
    let customer = app.token(Role::Customer, &uuid::Uuid::now_v7().to_string());

    for token in [None, Some(customer.as_str())] {
        let (status, body) = execute(&app, token, MENU, json!({})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(code(&body), "QUERY_NOT_IN_SAFELIST");
        assert!(body.get("data").is_none(), "{body}");
    }
    let (_, body) = persisted(&app, None, &sha256_hex(MENU)).await;
    assert_eq!(code(&body), "PERSISTED_QUERY_NOT_IN_LIST", "{body}");
    // sending a document with its hash is not a registration in safelist mode
    let (_, body) = persisted(&app, Some(MENU), &sha256_hex(MENU)).await;
    assert_eq!(code(&body), "QUERY_NOT_IN_SAFELIST", "{body}");
    let (_, body) = persisted(&app, None, &sha256_hex(MENU)).await;
    assert_eq!(code(&body), "PERSISTED_QUERY_NOT_IN_LIST", "{body}");

    // admins run anything, and register
    let (status, body) = execute(&app, Some(&admin), MENU, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, body) = execute(&app, Some(&admin), REGISTER, json!({ "document": MENU })).await;
    let registered = &body["data"]["registerPersistedOperation"];
    assert_eq!(registered["hash"], sha256_hex(MENU), "{body}");
    assert_eq!(registered["operationNames"], json!(["Menu"]));
    assert_eq!(registered["registeredBy"], "ops@example.com");

    // now it runs for everyone: in full, by hash over POST and GET
    for token in [None, Some(customer.as_str())] {
        let (status, body) = execute(&app, token, MENU, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body["data"]["locations"].is_array(), "{body}");
    }
    let (_, body) = persisted(&app, None, &sha256_hex(MENU)).await;
    assert!(body["data"]["locations"].is_array(), "{body}");
    let (status, body) = persisted_get(&app, &sha256_hex(MENU)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["data"]["locations"].is_array(), "{body}");

    // one character more is another document
    let (_, body) = execute(&app, None, &format!("{MENU} "), json!({})).await;
    assert_eq!(code(&body), "QUERY_NOT_IN_SAFELIST", "{body}");
    // a hash that does not match its document
    let (status, body) = persisted(&app, Some("{ apiVersion }"), &sha256_hex(MENU)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(code(&body), "BAD_USER_INPUT");

    // registering again changes nothing; the list shows it once
    let (_, body) = execute(&app, Some(&admin), REGISTER, json!({ "document": MENU })).await;
    assert_eq!(
        body["data"]["registerPersistedOperation"]["hash"],
        sha256_hex(MENU)
    );
    let list = "{ persistedOperations { hash document operationNames } }";
    let (_, body) = execute(&app, Some(&admin), list, json!({})).await;
    assert_eq!(
        body["data"]["persistedOperations"],
        json!([{ "hash": sha256_hex(MENU), "document": MENU, "operationNames": ["Menu"] }])
    );
    // the registration is audited
    let audit = "{ auditLog(first: 5) { edges { node { action actor targetId } } } }";
    let (_, body) = execute(&app, Some(&admin), audit, json!({})).await;
    let actions: Vec<&Value> = body["data"]["auditLog"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| &edge["node"])
        .filter(|node| node["action"] == "persisted_operation.register")
        .collect();
    assert_eq!(actions.len(), 1, "{body}");
    assert_eq!(actions[0]["targetId"], sha256_hex(MENU));

    let remove = "mutation Remove($hash: String!) { removePersistedOperation(hash: $hash) }";
    let remove_menu = || {
        execute(
            &app,
            Some(&admin),
            remove,
            json!({ "hash": sha256_hex(MENU) }),
        )
    };
    let (_, body) = remove_menu().await;
    assert_eq!(body["data"]["removePersistedOperation"], true, "{body}");
    // this server stops running it at once (it ran a moment ago, so it was cached)
    let (_, body) = execute(&app, Some(&customer), MENU, json!({})).await;
    assert_eq!(code(&body), "QUERY_NOT_IN_SAFELIST", "{body}");
    let (_, body) = remove_menu().await;
    assert_eq!(body["data"]["removePersistedOperation"], false, "{body}");
}

#[tokio::test]
async fn subscriptions_meet_the_safelist_on_websockets() {
    let app = spawn_app_with(safelist).await;
    let admin = app.token(Role::Admin, "ops");
    let stock = "subscription Stock { stockChanged { onHand } }";
    let mut socket = GqlSocket::connect(app.addr, None).await;
    socket.subscribe("1", stock, json!({})).await;
    let refused = socket.receive().await.expect("an answer");
    assert_eq!(refused["id"], "1", "{refused}");
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"], "QUERY_NOT_IN_SAFELIST",
        "{refused}"
    );
    assert!(refused["payload"]["data"].is_null(), "{refused}");
    assert_eq!(socket.receive().await.unwrap()["type"], "complete");

    let (_, body) = execute(&app, Some(&admin), REGISTER, json!({ "document": stock })).await;
    assert_eq!(
        body["data"]["registerPersistedOperation"]["hash"],
        sha256_hex(stock),
        "{body}"
    );
    let registered = "{ apiVersion }";
    execute(
        &app,
        Some(&admin),
        REGISTER,
        json!({ "document": registered }),
    )
    .await;
    socket.subscribe("2", stock, json!({})).await;
    // the registered subscription runs: a registered query on the same socket answers
    // after it, and nothing refused operation 2 in between
    socket.subscribe("3", registered, json!({})).await;
    let answer = socket.receive().await.expect("an answer");
    assert_eq!(answer["id"], "3", "{answer}");
    assert_eq!(answer["type"], "next", "{answer}");
}

#[tokio::test]
async fn registration_is_held_to_the_schema_and_the_limits() {
    let app = spawn_app_with(|config| {
        safelist(config);
        config.limits.max_aliases = 2;
    })
    .await;
    let admin = app.token(Role::Admin, "ops");
    for (document, why) in [
        ("{ noSuchField }", "unknown field"),
        ("query {", "syntax"),
        ("{ a: apiVersion b: apiVersion c: apiVersion }", "aliases"),
    ] {
        let (_, body) = execute(
            &app,
            Some(&admin),
            REGISTER,
            json!({ "document": document }),
        )
        .await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{why}: {body}");
        assert_eq!(
            body["errors"][0]["extensions"]["field"], "document",
            "{why}"
        );
    }
    let list = "{ persistedOperations { hash } }";
    let (_, body) = execute(&app, Some(&admin), list, json!({})).await;
    assert_eq!(body["data"]["persistedOperations"], json!([]), "{body}");
}

/// `canopy operations …` on the database at `url`: exit code and standard output.
fn canopy_operations(url: &str, args: &[&str]) -> (i32, String) {
    canopy_operations_with(url, &[], args)
}

/// [`canopy_operations`] with `env` set too.
fn canopy_operations_with(url: &str, env: &[(&str, &str)], args: &[&str]) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_canopy"))
        .arg("operations")
        .args(args)
        .env_clear()
        .env("DATABASE_URL", url)
        .env("CANOPY_JWT_SECRET", TEST_JWT_SECRET)
        .env("CANOPY_MAX_ALIASES", "30")
        .envs(env.iter().copied())
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[tokio::test]
async fn the_cli_registers_lists_and_removes_and_limits_still_apply() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/ops.db?mode=rwc", dir.path().display());
    let menu = write(dir.path(), "menu.graphql", MENU);
    // within the CLI's limits, beyond the server's below
    let wide = "{ a: apiVersion b: apiVersion c: apiVersion }";
    let wide_file = write(dir.path(), "wide.graphql", wide);
    let broken = write(dir.path(), "broken.graphql", "query {");

    // one refused file registers nothing
    let (code_, _) = canopy_operations(&url, &["add", &menu, &broken]);
    assert_ne!(code_, 0);
    let (_, listed) = canopy_operations(&url, &["list"]);
    assert_eq!(listed, "");

    let (code_, out) = canopy_operations(&url, &["add", &menu, &wide_file]);
    assert_eq!(code_, 0, "{out}");
    assert!(
        out.contains(&format!("{}\tregistered\tMenu\t", sha256_hex(MENU))),
        "{out}"
    );
    assert!(
        out.contains(&format!("{}\tregistered\t(anonymous)\t", sha256_hex(wide))),
        "{out}"
    );
    let (_, out) = canopy_operations(&url, &["add", &menu]);
    assert!(out.contains("already registered"), "{out}");
    let (_, listed) = canopy_operations(&url, &["list"]);
    assert_eq!(listed.lines().count(), 2, "{listed}");
    assert!(
        listed.contains(&format!("{}\tMenu\tcli\t", sha256_hex(MENU))),
        "{listed}"
    );

    // a server on the same database, with tighter limits than the CLI had
    let app = spawn_app_with(|config| {
        safelist(config);
        config.database_url = url.parse().unwrap();
        config.limits.max_aliases = 2;
    })
    .await;
    let (status, body) = persisted(&app, None, &sha256_hex(MENU)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["data"]["locations"].is_array(), "{body}");
    let (_, body) = persisted(&app, None, &sha256_hex(wide)).await;
    assert_eq!(
        code(&body),
        "BAD_USER_INPUT",
        "the limits hold for registered documents: {body}"
    );

    let (code_, out) = canopy_operations(&url, &["remove", &sha256_hex(wide)]);
    assert_eq!(code_, 0, "{out}");
    let (code_, _) = canopy_operations(&url, &["remove", &sha256_hex(wide)]);
    assert_ne!(code_, 0, "an unknown hash is an error");
    let (_, listed) = canopy_operations(&url, &["list"]);
    assert_eq!(listed.lines().count(), 1, "{listed}");
}

/// A removal from the command line reaches a running server over Redis at once, not when
/// the server's cached entry expires (a minute).
#[tokio::test]
async fn a_removal_from_the_cli_reaches_running_servers_over_redis() {
    let Some(redis) = common::service_url("TEST_REDIS_URL") else {
        return;
    };
    let prefix = format!("canopy-test-{}", uuid::Uuid::new_v4().simple());
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/ops.db?mode=rwc", dir.path().display());
    let menu = write(dir.path(), "menu.graphql", MENU);
    let (code_, out) = canopy_operations(&url, &["add", &menu]);
    assert_eq!(code_, 0, "{out}");
    let app = spawn_app_with(|config| {
        safelist(config);
        config.database_url = url.parse().unwrap();
        config.redis_url = Some(redis.parse().unwrap());
        config.redis_prefix = prefix.clone();
    })
    .await;
    let (_, body) = execute(&app, None, MENU, json!({})).await;
    assert!(body["data"]["locations"].is_array(), "{body}");

    let env = [
        ("REDIS_URL", redis.as_str()),
        ("CANOPY_REDIS_PREFIX", &prefix),
    ];
    let (code_, out) = canopy_operations_with(&url, &env, &["remove", &sha256_hex(MENU)]);
    assert_eq!(code_, 0, "{out}");
    until(
        Duration::from_secs(5),
        "the server to refuse the removed document",
        || async {
            let (_, body) = execute(&app, None, MENU, json!({})).await;
            body["errors"][0]["extensions"]["code"] == "QUERY_NOT_IN_SAFELIST"
        },
    )
    .await;
    app.stop().await.unwrap();
}

#[tokio::test]
async fn with_persisted_queries_off_the_extension_is_refused() {
    let app = spawn_app_with(|config| config.persisted_queries = PersistedQueries::Off).await;
    let (status, body) = persisted(&app, Some(MENU), &sha256_hex(MENU)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(code(&body), "PERSISTED_QUERY_NOT_SUPPORTED");
    assert_eq!(body["errors"][0]["message"], "PersistedQueryNotSupported");
    let (status, body) = execute(&app, None, MENU, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}
