//! The customer API over HTTP on each backend: a customer edits and reads only their own
//! profile (bad input is `BAD_USER_INPUT` naming the field), and an admin merges,
//! unmerges and erases profiles, each audited, with the history and its totals intact.
#![allow(clippy::unwrap_used)]

mod common;

use api::auth::Role;
use chrono::Utc;
use common::{
    first_code,
    fixtures::{BackendApp, Seed, each_backend},
    gql::{data, execute},
};
use serde_json::json;

const UPDATE_ME: &str = r"
mutation Update($input: ProfileInput!) {
  updateMyProfile(input: $input) { id email phone city preferences marketingOptIn }
}";

const ME: &str = r"
query { me { id lifetimeValue { amount currency } purchaseTotals { sales net { amount } }
  purchaseHistory(first: 10) { totalCount } gramsInPeriod { productClass grams } } }";

const CUSTOMER: &str = r"
query Customer($id: ID!) { customer(id: $id) { id email mergedIntoId anonymizedAt
  lifetimeValue { amount } purchaseHistory(first: 10) { totalCount }
  events { kind fields actor } } }";

#[tokio::test]
async fn customers_edit_themselves_and_admins_merge_unmerge_and_erase() {
    for BackendApp { backend, app } in each_backend().await {
        let seed = Seed::new(&app.state.db);
        let ada = seed.customer("ada@example.com", "Ada", "Lovelace").await;
        let bob = seed.customer("bob@example.com", "Bob", "Lovelace").await;
        let store = seed.location("Mission").await;
        seed.purchase(&ada, &store, Utc::now(), 2500).await;
        seed.purchase(&bob, &store, Utc::now(), 1200).await;
        let ada_token = app.token(Role::Customer, &ada.id.to_string());
        let admin = app.token(Role::Admin, "ops@example.com");

        // bad input names its field
        for (input, field) in [
            (json!({ "email": "not-an-address" }), "input.email"),
            (json!({ "phone": "12" }), "input.phone"),
            (json!({ "dateOfBirth": "2999-01-01" }), "input.dateOfBirth"),
            (json!({ "firstName": "  " }), "input.firstName"),
            (
                json!({ "preferredLocationId": "00000000-0000-0000-0000-000000000000" }),
                "input.preferredLocationId",
            ),
        ] {
            let (_, body) =
                execute(&app, Some(&ada_token), UPDATE_ME, json!({ "input": input })).await;
            assert_eq!(first_code(&body), "BAD_USER_INPUT", "{backend}: {body}");
            assert_eq!(body["errors"][0]["extensions"]["field"], field, "{backend}");
        }

        // a valid edit is normalised and stored; the customer reads only themself
        let updated = data(
            &app,
            Some(&ada_token),
            UPDATE_ME,
            json!({ "input": {
                "email": " Ada.L@Example.com ",
                "phone": "(415) 555-0199",
                "city": "Oakland",
                "marketingOptIn": true,
                "favouriteCategories": ["FLOWER", "EDIBLE"],
                "preferredLocationId": store.id.to_string(),
            } }),
        )
        .await;
        let me = &updated["updateMyProfile"];
        assert_eq!(me["id"], ada.id.to_string(), "{backend}");
        assert_eq!(me["email"], "ada.l@example.com");
        assert_eq!(me["phone"], "+14155550199");
        assert_eq!(me["city"], "Oakland");
        assert_eq!(me["marketingOptIn"], true);
        assert_eq!(
            me["preferences"]["preferredLocationId"],
            store.id.to_string()
        );
        let me = data(&app, Some(&ada_token), ME, json!({})).await;
        assert_eq!(
            me["me"]["lifetimeValue"]["amount"], 2500,
            "{backend}: only her own"
        );
        assert_eq!(me["me"]["purchaseTotals"]["sales"], 1);

        // an admin merges Bob into Ada: one history; unmerging splits it again
        let merge =
            r"mutation($t: ID!, $d: ID!) { mergeCustomers(targetId: $t, duplicateId: $d) { id } }";
        data(
            &app,
            Some(&admin),
            merge,
            json!({ "t": ada.id.to_string(), "d": bob.id.to_string() }),
        )
        .await;
        let (_, body) = execute(
            &app,
            Some(&admin),
            merge,
            json!({ "t": bob.id.to_string(), "d": ada.id.to_string() }),
        )
        .await;
        assert_eq!(first_code(&body), "BAD_USER_INPUT", "{backend}: {body}");
        let merged = data(
            &app,
            Some(&admin),
            CUSTOMER,
            json!({ "id": ada.id.to_string() }),
        )
        .await;
        assert_eq!(
            merged["customer"]["lifetimeValue"]["amount"], 3700,
            "{backend}"
        );
        assert_eq!(merged["customer"]["purchaseHistory"]["totalCount"], 2);
        let bob_token = app.token(Role::Customer, &bob.id.to_string());
        let bob_me = data(&app, Some(&bob_token), ME, json!({})).await;
        assert_eq!(
            bob_me["me"]["id"],
            ada.id.to_string(),
            "{backend}: the merged profile"
        );
        let listed = data(
            &app,
            Some(&admin),
            "{ customers(first: 10) { totalCount } }",
            json!({}),
        )
        .await;
        assert_eq!(
            listed["customers"]["totalCount"], 1,
            "{backend}: the duplicate is hidden"
        );
        data(
            &app,
            Some(&admin),
            r"mutation($id: ID!) { unmergeCustomer(id: $id) { id mergedIntoId } }",
            json!({ "id": bob.id.to_string() }),
        )
        .await;
        let split = data(
            &app,
            Some(&admin),
            CUSTOMER,
            json!({ "id": ada.id.to_string() }),
        )
        .await;
        assert_eq!(
            split["customer"]["lifetimeValue"]["amount"], 2500,
            "{backend}"
        );

        // erasure keeps the history; events and the audit log name fields, not values
        let erased = data(
            &app,
            Some(&admin),
            r"mutation($id: ID!) { anonymizeCustomer(id: $id) { email anonymizedAt lifetimeValue { amount } } }",
            json!({ "id": ada.id.to_string() }),
        )
        .await;
        assert!(erased["anonymizeCustomer"]["email"].is_null(), "{backend}");
        assert!(erased["anonymizeCustomer"]["anonymizedAt"].is_string());
        assert_eq!(erased["anonymizeCustomer"]["lifetimeValue"]["amount"], 2500);
        let after = data(
            &app,
            Some(&admin),
            CUSTOMER,
            json!({ "id": ada.id.to_string() }),
        )
        .await;
        let kinds: Vec<&str> = after["customer"]["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap())
            .collect();
        assert_eq!(
            kinds,
            ["edited", "merged", "unmerged", "anonymized"],
            "{backend}"
        );
        let audit = data(
            &app,
            Some(&admin),
            "{ auditLog(first: 20) { edges { node { action after } } } }",
            json!({}),
        )
        .await;
        let text = audit.to_string();
        for action in ["customer.merge", "customer.unmerge", "customer.anonymize"] {
            assert!(text.contains(action), "{backend}: {action} audited: {text}");
        }
        assert!(
            !text.contains("ada.l@example.com"),
            "{backend}: no personal data in the audit log"
        );
    }
}
