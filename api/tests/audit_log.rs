//! The audit log: every admin change and action is recorded with who, what, when, the
//! state before and after (secrets masked), and is listed newest first, paged.
#![allow(clippy::unwrap_used)]

mod admin_support;
mod common;

use admin_support::{
    AUDIT_QUERY, DELETE_MUTATION, Simulators, TEST_MUTATION, admin, create, create_input,
    sync_mutation, update_mutation,
};
use api::auth::Role;
use common::{fixtures::each_backend, gql};
use serde_json::{Value, json};

#[tokio::test]
async fn every_change_and_action_is_audited_with_secrets_masked() {
    let sims = Simulators::start("planted-audit-key-000000000042").await;
    for backend in each_backend().await {
        let app = &backend.app;
        let token = admin(app, "alice@retailer.example");
        let input = create_input(sims.any(), "Audited store");
        let key = input["apiKey"].as_str().unwrap().to_owned();
        let created = create(app, &token, sims.any(), "Audited store").await;
        let id = created["id"].as_str().unwrap();
        gql::data(app, Some(&token), &update_mutation(), json!({ "id": id, "input": { "name": "Renamed", "apiKey": key, "webhookSecret": "whsec-audited-value" } })).await;
        gql::data(app, Some(&token), TEST_MUTATION, json!({ "id": id })).await;
        gql::data(app, Some(&token), &sync_mutation(), json!({ "id": id })).await;
        gql::data(app, Some(&token), DELETE_MUTATION, json!({ "id": id })).await;

        let log = gql::data(
            app,
            Some(&token),
            AUDIT_QUERY,
            json!({ "targetType": "ProviderConnection" }),
        )
        .await;
        let log = &log["auditLog"];
        assert_eq!(log["totalCount"], 5, "{}", backend.backend);
        let entries: Vec<&Value> = log["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| &e["node"])
            .collect();
        let actions: Vec<&str> = entries
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(
            actions,
            [
                "provider_connection.delete",
                "provider_connection.sync",
                "provider_connection.test",
                "provider_connection.update",
                "provider_connection.create",
            ],
            "newest first"
        );
        for entry in &entries {
            assert_eq!(entry["actor"], "alice@retailer.example");
            assert_eq!(entry["targetId"], id);
            assert!(entry["at"].is_string());
        }
        let [delete, sync, test, update, create] = entries.as_slice() else {
            unreachable!()
        };
        assert_eq!(create["before"], Value::Null);
        assert_eq!(create["after"]["name"], "Audited store");
        assert_eq!(create["after"]["apiKeyHint"], &key[key.len() - 4..]);
        assert_eq!(create["after"]["hasWebhookSecret"], false);
        assert_eq!(update["before"]["name"], "Audited store");
        assert_eq!(update["after"]["name"], "Renamed");
        assert_eq!(update["after"]["hasWebhookSecret"], true);
        assert_eq!(
            update["after"]["changedWriteOnlyFields"],
            json!(["apiKey", "webhookSecret"])
        );
        assert_eq!(test["after"]["ok"], true);
        assert_eq!(sync["after"]["ok"], true);
        assert_eq!(sync["after"]["mode"], "FULL");
        assert_eq!(delete["before"]["name"], "Renamed");
        assert_eq!(delete["after"], Value::Null);
        let text = log.to_string();
        assert!(!text.contains(&key), "the API key is in the audit log");
        assert!(
            !text.contains("whsec-audited-value"),
            "the webhook secret is in the audit log"
        );
    }
}

#[tokio::test]
async fn the_log_pages_newest_first_and_filters_by_target() {
    for backend in each_backend().await {
        let app = &backend.app;
        let token = admin(app, "ops");
        let sims = Simulators::start("planted-audit-key-000000000043").await;
        for n in 0..3 {
            create(app, &token, sims.any(), &format!("Store {n}")).await;
        }
        api::alerts::raise(
            &app.state.db,
            &api::alerts::NewAlert {
                severity: entities::enums::AlertSeverity::Info,
                kind: "test",
                connection_id: None,
                product_id: None,
                location_id: None,
                message: "m".into(),
                details: json!({}),
                dedupe_key: "k".into(),
            },
            chrono::Utc::now(),
        )
        .await
        .unwrap();
        let alerts = gql::data(app, Some(&token), "{ alerts { id } }", json!({})).await;
        gql::data(
            app,
            Some(&token),
            "mutation($id: ID!) { resolveAlert(id: $id) { id } }",
            json!({ "id": alerts["alerts"][0]["id"] }),
        )
        .await;

        let first = gql::data(app, Some(&token), AUDIT_QUERY, json!({ "first": 2 })).await;
        let first = &first["auditLog"];
        assert_eq!(first["totalCount"], 4, "{}", backend.backend);
        assert_eq!(first["pageInfo"]["hasNextPage"], true);
        assert_eq!(first["edges"][0]["node"]["action"], "alert.resolve");
        assert_eq!(first["edges"][0]["node"]["targetType"], "Alert");
        assert_eq!(first["edges"][1]["node"]["after"]["name"], "Store 2");
        let rest = gql::data(
            app,
            Some(&token),
            AUDIT_QUERY,
            json!({ "first": 5, "after": first["pageInfo"]["endCursor"] }),
        )
        .await;
        let names: Vec<&str> = rest["auditLog"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["after"]["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["Store 1", "Store 0"]);
        assert_eq!(rest["auditLog"]["pageInfo"]["hasNextPage"], false);

        let alerts_only = gql::data(
            app,
            Some(&token),
            AUDIT_QUERY,
            json!({ "targetType": "Alert" }),
        )
        .await;
        assert_eq!(alerts_only["auditLog"]["totalCount"], 1);

        let (_, body) =
            gql::execute(app, Some(&token), AUDIT_QUERY, json!({ "first": 100_000 })).await;
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
        let (_, body) =
            gql::execute(app, Some(&token), AUDIT_QUERY, json!({ "after": "bogus" })).await;
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
        let storefront = app.token(Role::Storefront, "shop");
        let (_, body) = gql::execute(app, Some(&storefront), AUDIT_QUERY, json!({})).await;
        assert_eq!(body["errors"][0]["extensions"]["code"], "FORBIDDEN");
    }
}
