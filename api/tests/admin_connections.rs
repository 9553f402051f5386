//! The admin configuration API against a simulator of every registered kind: create, test, sync,
//! update, delete; validation naming the field; admin-only access; alerts.
#![allow(clippy::unwrap_used)]

mod admin_support;
mod common;

use admin_support::{
    DELETE_MUTATION, Simulators, TEST_MUTATION, admin, create, create_input, create_mutation,
    first_extensions, list_query, sync_mutation, update_mutation,
};
use api::{
    alerts::{self, NewAlert},
    auth::Role,
};
use chrono::Utc;
use common::{fixtures::each_backend, gql};
use entities::enums::AlertSeverity;
use providers::registry;
use serde_json::{Value, json};

#[tokio::test]
async fn every_registered_kind_is_configured_tested_and_synced() {
    let sims = Simulators::start("planted-admin-key-0001").await;
    for backend in each_backend().await {
        let app = &backend.app;
        let token = admin(app, "ops@example.com");
        for sim in sims.all() {
            let input = create_input(sim, &format!("Store via {}", sim.kind()));
            let key = input["apiKey"].as_str().unwrap().to_owned();
            let created = create(app, &token, sim, &format!("Store via {}", sim.kind())).await;
            let id = created["id"].as_str().unwrap().to_owned();
            assert_eq!(created["kind"], input["kind"], "{}", backend.backend);
            // the kind's own hint (a private key's fingerprint), else the last four characters
            let hint = registry::kind(sim.kind())
                .key_hint
                .and_then(|hint| hint(&key))
                .unwrap_or_else(|| {
                    if key.chars().count() >= 12 {
                        key[key.len() - 4..].to_owned()
                    } else {
                        String::new()
                    }
                });
            assert_eq!(created["apiKeyHint"], hint);
            assert_eq!(created["hasApiSecret"], input["apiSecret"].is_string());
            assert_eq!(
                created["hasWebhookSecret"],
                input["webhookSecret"].is_string()
            );
            assert_eq!(created["health"], "UNKNOWN");
            assert_eq!(created["pollIntervalSeconds"], 60);
            assert!(!created.to_string().contains(&key));

            let tested = gql::data(app, Some(&token), TEST_MUTATION, json!({ "id": id })).await;
            let result = &tested["testProviderConnection"];
            assert_eq!(
                result["ok"],
                true,
                "{} {}: {result}",
                backend.backend,
                sim.kind()
            );
            assert!(!result["locations"].as_array().unwrap().is_empty());

            let synced = gql::data(app, Some(&token), &sync_mutation(), json!({ "id": id })).await;
            let synced = &synced["triggerSync"];
            assert_eq!(
                synced["health"],
                "HEALTHY",
                "{} {}: {synced}",
                backend.backend,
                sim.kind()
            );
            assert!(synced["syncStatus"]["lastSuccessAt"].is_string());
            assert_eq!(synced["syncStatus"]["running"], false);
            assert!(!synced["locations"].as_array().unwrap().is_empty());
        }
        let listed = gql::data(app, Some(&token), &list_query(), json!({})).await;
        let kinds: Vec<Value> = listed["providerConnections"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["kind"].clone())
            .collect();
        let registered: Vec<Value> = registry::KINDS.iter().map(|k| json!(k.kind)).collect();
        assert_eq!(kinds, registered, "{}", backend.backend);
        // the webhook URL is shown exactly for the kinds that take webhooks
        for (connection, kind) in listed["providerConnections"]
            .as_array()
            .unwrap()
            .iter()
            .zip(registry::KINDS)
        {
            let expected = kind
                .capabilities
                .webhooks
                .then(|| format!("/webhooks/{}", connection["id"].as_str().unwrap()));
            assert_eq!(connection["webhookUrl"], json!(expected), "{}", kind.label);
        }
    }
}

#[tokio::test]
async fn updates_keep_omitted_secrets_and_deletes_remove() {
    let sims = Simulators::start("planted-admin-key-0002").await;
    for backend in each_backend().await {
        let app = &backend.app;
        let token = admin(app, "ops");
        let created = create(app, &token, sims.with_api_secret(), "Secret store").await;
        let id = created["id"].as_str().unwrap();

        // renaming keeps the secrets: the connection still reaches the POS
        let renamed = gql::data(
            app,
            Some(&token),
            &update_mutation(),
            json!({ "id": id, "input": { "name": "Uptown store", "pollIntervalSeconds": 120 } }),
        )
        .await;
        assert_eq!(renamed["updateProviderConnection"]["name"], "Uptown store");
        assert_eq!(
            renamed["updateProviderConnection"]["pollIntervalSeconds"],
            120
        );
        assert_eq!(renamed["updateProviderConnection"]["hasApiSecret"], true);
        let tested = gql::data(app, Some(&token), TEST_MUTATION, json!({ "id": id })).await;
        assert_eq!(
            tested["testProviderConnection"]["ok"], true,
            "{}",
            backend.backend
        );

        // a wrong secret is a failed test, not an error; an empty one clears it
        let wrong = gql::data(
            app,
            Some(&token),
            &update_mutation(),
            json!({ "id": id, "input": { "apiSecret": "not-the-client-secret" } }),
        )
        .await;
        assert_eq!(wrong["updateProviderConnection"]["hasApiSecret"], true);
        let tested = gql::data(app, Some(&token), TEST_MUTATION, json!({ "id": id })).await;
        let result = &tested["testProviderConnection"];
        assert_eq!(result["ok"], false);
        assert_eq!(result["errorCode"], "UNAUTHORIZED", "{result}");
        let cleared = gql::data(
            app,
            Some(&token),
            &update_mutation(),
            json!({ "id": id, "input": { "apiSecret": "", "enabled": false } }),
        )
        .await;
        assert_eq!(cleared["updateProviderConnection"]["hasApiSecret"], false);
        assert_eq!(cleared["updateProviderConnection"]["health"], "DISABLED");

        let deleted = gql::data(app, Some(&token), DELETE_MUTATION, json!({ "id": id })).await;
        assert_eq!(deleted["deleteProviderConnection"], id);
        let (_, body) = gql::execute(app, Some(&token), DELETE_MUTATION, json!({ "id": id })).await;
        assert_eq!(first_extensions(&body)["code"], "NOT_FOUND");
        let gone = gql::data(
            app,
            Some(&token),
            "query($id: ID!) { providerConnection(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await;
        assert_eq!(gone["providerConnection"], Value::Null);
    }
}

#[tokio::test]
async fn invalid_input_is_bad_user_input_naming_the_field() {
    let sims = Simulators::start("planted-admin-key-0003").await;
    let app = common::spawn_app().await;
    let token = admin(&app, "ops");
    let valid = create_input(sims.any(), "Store");
    let cases: [(&str, Value, &str); 11] = [
        ("baseUrl", json!("ftp://pos.example"), "input.baseUrl"),
        ("baseUrl", json!("http://pos.example.com"), "input.baseUrl"),
        (
            "baseUrl",
            json!("https://user:pw@pos.example.com"),
            "input.baseUrl",
        ),
        ("baseUrl", json!("javascript:alert(1)"), "input.baseUrl"),
        ("name", json!(""), "input.name"),
        ("name", json!("x".repeat(101)), "input.name"),
        ("apiKey", json!(""), "input.apiKey"),
        ("apiKey", json!("k".repeat(8193)), "input.apiKey"),
        ("pollIntervalSeconds", json!(4), "input.pollIntervalSeconds"),
        (
            "fullSyncIntervalSeconds",
            json!(86_401),
            "input.fullSyncIntervalSeconds",
        ),
        (
            "settings",
            json!({ "client_secret": "oops" }),
            "input.settings",
        ),
    ];
    for (field, value, expected) in cases {
        let mut input = valid.clone();
        input[field] = value.clone();
        let (_, body) = gql::execute(
            &app,
            Some(&token),
            &create_mutation(),
            json!({ "input": input }),
        )
        .await;
        let extensions = first_extensions(&body);
        assert_eq!(
            extensions["code"], "BAD_USER_INPUT",
            "{field}={value}: {body}"
        );
        assert_eq!(extensions["field"], expected, "{field}={value}: {body}");
    }
    let (_, body) = gql::execute(
        &app,
        Some(&token),
        &update_mutation(),
        json!({ "id": "not-an-id", "input": {} }),
    )
    .await;
    assert_eq!(first_extensions(&body)["code"], "BAD_USER_INPUT");
    let listed = gql::data(&app, Some(&token), &list_query(), json!({})).await;
    assert_eq!(
        listed["providerConnections"],
        json!([]),
        "nothing invalid was stored"
    );
}

#[tokio::test]
async fn only_admins_reach_the_admin_fields() {
    let app = common::spawn_app().await;
    let storefront = app.token(Role::Storefront, "shop");
    let customer = app.token(Role::Customer, &uuid::Uuid::now_v7().to_string());
    let id = json!({ "id": uuid::Uuid::now_v7().to_string() });
    let documents: [(&str, Value); 8] = [
        ("{ providerConnections { id } }", json!({})),
        (
            "query($id: ID!) { providerConnection(id: $id) { id } }",
            id.clone(),
        ),
        ("{ alerts { id } }", json!({})),
        ("{ auditLog { totalCount } }", json!({})),
        (DELETE_MUTATION, id.clone()),
        (TEST_MUTATION, id.clone()),
        (
            "mutation($id: ID!) { triggerSync(id: $id) { id } }",
            id.clone(),
        ),
        ("mutation($id: ID!) { resolveAlert(id: $id) { id } }", id),
    ];
    for (document, variables) in documents {
        let (_, body) = gql::execute(&app, None, document, variables.clone()).await;
        assert_eq!(
            first_extensions(&body)["code"],
            "UNAUTHENTICATED",
            "{document}: {body}"
        );
        for token in [&storefront, &customer] {
            let (_, body) = gql::execute(&app, Some(token), document, variables.clone()).await;
            assert_eq!(
                first_extensions(&body)["code"],
                "FORBIDDEN",
                "{document}: {body}"
            );
        }
    }
}

#[tokio::test]
async fn alerts_are_listed_and_resolved() {
    for backend in each_backend().await {
        let app = &backend.app;
        let token = admin(app, "night-shift");
        let raise = |kind: &'static str, severity| NewAlert {
            severity,
            kind,
            connection_id: None,
            product_id: None,
            location_id: None,
            message: format!("{kind} happened"),
            details: json!({ "n": 1 }),
            dedupe_key: kind.to_owned(),
        };
        alerts::raise(
            &app.state.db,
            &raise("stock_discrepancy", AlertSeverity::Warning),
            Utc::now(),
        )
        .await
        .unwrap();
        alerts::raise(
            &app.state.db,
            &raise("order_dead_letter", AlertSeverity::Critical),
            Utc::now(),
        )
        .await
        .unwrap();
        alerts::raise(
            &app.state.db,
            &raise("order_dead_letter", AlertSeverity::Critical),
            Utc::now(),
        )
        .await
        .unwrap();

        let query = "query($open: Boolean) { alerts(open: $open) { id severity kind message details occurrences resolvedAt resolvedBy connection { id } } }";
        let open = gql::data(app, Some(&token), query, json!({ "open": true })).await;
        let open = open["alerts"].as_array().unwrap().clone();
        assert_eq!(open.len(), 2, "{}", backend.backend);
        assert_eq!(open[0]["kind"], "order_dead_letter", "newest first");
        assert_eq!(open[0]["occurrences"], 2);
        assert_eq!(open[0]["severity"], "CRITICAL");

        let resolve = "mutation($id: ID!) { resolveAlert(id: $id) { id resolvedAt resolvedBy } }";
        let resolved = gql::data(app, Some(&token), resolve, json!({ "id": open[0]["id"] })).await;
        assert_eq!(resolved["resolveAlert"]["resolvedBy"], "night-shift");
        assert!(resolved["resolveAlert"]["resolvedAt"].is_string());
        let still_open = gql::data(app, Some(&token), query, json!({ "open": true })).await;
        assert_eq!(still_open["alerts"].as_array().unwrap().len(), 1);
        let closed = gql::data(app, Some(&token), query, json!({ "open": false })).await;
        assert_eq!(closed["alerts"][0]["id"], open[0]["id"]);
        let all = gql::data(app, Some(&token), query, json!({})).await;
        assert_eq!(all["alerts"].as_array().unwrap().len(), 2);

        let (_, body) = gql::execute(
            app,
            Some(&token),
            resolve,
            json!({ "id": uuid::Uuid::now_v7().to_string() }),
        )
        .await;
        assert_eq!(first_extensions(&body)["code"], "NOT_FOUND");
    }
}

#[tokio::test]
async fn pos_kinds_list_the_registry_to_admins_only() {
    let app = common::spawn_app().await;
    let document = "{ posKinds { kind label settings { name label help required secret example } \
        capabilities { webhooks stockChangedSince customerWrite orderSubmit returns } } }";
    let admin_token = admin(&app, "ops@example.com");
    let body = gql::data(&app, Some(&admin_token), document, json!({})).await;
    let listed = body["posKinds"].as_array().unwrap();
    assert_eq!(listed.len(), providers::registry::KINDS.len(), "{body}");
    for (shown, kind) in listed.iter().zip(providers::registry::KINDS) {
        assert_eq!(shown["kind"], json!(kind.kind));
        assert_eq!(shown["label"], kind.label);
        assert_eq!(
            shown["capabilities"]["webhooks"],
            kind.capabilities.webhooks
        );
        assert_eq!(shown["capabilities"]["returns"], kind.capabilities.returns);
        let names: Vec<&str> = shown["settings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|field| field["name"].as_str().unwrap())
            .collect();
        let expected: Vec<&str> = kind.settings.iter().map(|field| field.name).collect();
        assert_eq!(names, expected);
    }
    let storefront = app.token(Role::Storefront, "shop");
    let (_, body) = gql::execute(&app, Some(&storefront), document, json!({})).await;
    assert_eq!(first_extensions(&body)["code"], "FORBIDDEN", "{body}");
    let (_, body) = gql::execute(&app, None, document, json!({})).await;
    assert_eq!(first_extensions(&body)["code"], "UNAUTHENTICATED", "{body}");
}
