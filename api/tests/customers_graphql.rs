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

const GRAMS: &str = r"
query($location: ID) { me { gramsInPeriod(locationId: $location) {
  productClass grams limitGrams ruleCode periodDays since } } }";

/// A purchase of `grams` flower-equivalent grams of `product` at `occurred_at`.
async fn bought(
    app: &common::TestApp,
    seed: &Seed<'_>,
    who: &entities::customer::Model,
    store: &entities::location::Model,
    product: &entities::product::Model,
    occurred_at: chrono::DateTime<Utc>,
    grams: f64,
) {
    use sea_orm::{ActiveModelTrait, IntoActiveModel};
    let purchase = seed.purchase(who, store, occurred_at, 1000).await;
    entities::purchase_line::Model {
        id: uuid::Uuid::now_v7(),
        purchase_id: purchase.id,
        product_id: Some(product.id),
        external_product_id: None,
        quantity: 1,
        amount: 1000,
        currency: "USD".to_owned(),
        returned: false,
        flower_equivalent_grams: grams,
        product_class: None,
        package_tag: None,
    }
    .into_active_model()
    .insert(&app.state.db)
    .await
    .unwrap();
}

/// `gramsInPeriod` of the token's customer at `location` (their preferred one if `None`).
async fn grams_at(
    app: &common::TestApp,
    token: &str,
    location: Option<uuid::Uuid>,
) -> serde_json::Value {
    data(
        app,
        Some(token),
        GRAMS,
        json!({ "location": location.map(|id| id.to_string()) }),
    )
    .await
}

/// The entries of `class` in a `gramsInPeriod` answer.
fn of_class<'a>(periods: &'a serde_json::Value, class: &str) -> Vec<&'a serde_json::Value> {
    periods
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["productClass"] == class)
        .collect()
}

#[tokio::test]
async fn grams_in_period_follow_the_locations_compliance_periods() {
    for BackendApp { backend, app } in each_backend().await {
        let seed = Seed::new(&app.state.db);
        let ada = seed.customer("ada@example.com", "Ada", "Lovelace").await;
        let store = seed.location("Mission").await;
        let flower = seed
            .product(
                "Kush",
                "Acme",
                entities::enums::ProductCategory::Flower,
                3000,
            )
            .await;
        let token = app.token(Role::Customer, &ada.id.to_string());
        let tz: chrono_tz::Tz = store.time_zone.parse().unwrap();
        let now = Utc::now();
        let midnight = now
            .with_timezone(&tz)
            .date_naive()
            .and_time(chrono::NaiveTime::MIN)
            .and_local_timezone(tz)
            .earliest()
            .unwrap()
            .with_timezone(&Utc);
        // today in the store's time zone, and a minute before its midnight (yesterday
        // there, though maybe the same day in UTC)
        bought(&app, &seed, &ada, &store, &flower, now, 12.5).await;
        let yesterday = midnight - chrono::TimeDelta::minutes(1);
        bought(&app, &seed, &ada, &store, &flower, yesterday, 3.5).await;

        // no location named and none preferred
        let (_, body) = execute(&app, Some(&token), GRAMS, json!({})).await;
        assert_eq!(first_code(&body), "BAD_USER_INPUT", "{backend}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], "locationId");
        let (_, body) = execute(&app, Some(&token), GRAMS, json!({ "location": "nope" })).await;
        assert_eq!(first_code(&body), "BAD_USER_INPUT", "{backend}: {body}");

        let named = grams_at(&app, &token, Some(store.id)).await;
        let periods = &named["me"]["gramsInPeriod"];
        let daily = of_class(periods, "NON_CONCENTRATE");
        assert_eq!(daily.len(), 1, "{backend}: {periods}");
        assert_eq!(
            daily[0]["grams"], 12.5,
            "{backend}: today in the store's zone"
        );
        assert_eq!(daily[0]["limitGrams"], 28.5);
        assert_eq!(daily[0]["ruleCode"], "CA_ADULT_USE_NON_CONCENTRATE_DAILY");
        assert_eq!(daily[0]["periodDays"], 1);
        assert_eq!(
            chrono::DateTime::parse_from_rfc3339(daily[0]["since"].as_str().unwrap()).unwrap(),
            midnight
        );
        let concentrate = of_class(periods, "CONCENTRATE");
        assert_eq!(
            (
                concentrate[0]["grams"].as_f64(),
                concentrate[0]["limitGrams"].as_f64()
            ),
            (Some(0.0), Some(8.0))
        );

        // a longer period of the jurisdiction counts yesterday too
        let admin = app.token(Role::Admin, "ops@example.com");
        data(
            &app,
            Some(&admin),
            "mutation($input: ComplianceRuleInput!) { upsertComplianceRule(input: $input) { code } }",
            json!({ "input": {
                "code": "CA_TEST_NON_CONCENTRATE_WEEKLY", "jurisdiction": "CA",
                "market": "ADULT_USE", "kind": "PURCHASE_LIMIT",
                "productClass": "NON_CONCENTRATE", "limitGrams": 100.0, "periodDays": 7,
                "description": "a weekly test limit", "enabled": true,
            } }),
        )
        .await;
        // the preferred location is the default
        data(
            &app,
            Some(&token),
            UPDATE_ME,
            json!({ "input": { "preferredLocationId": store.id.to_string() } }),
        )
        .await;
        let preferred = grams_at(&app, &token, None).await;
        let periods = &preferred["me"]["gramsInPeriod"];
        let non_concentrate = of_class(periods, "NON_CONCENTRATE");
        let figures: Vec<(i64, f64, f64)> = non_concentrate
            .iter()
            .map(|p| {
                (
                    p["periodDays"].as_i64().unwrap(),
                    p["grams"].as_f64().unwrap(),
                    p["limitGrams"].as_f64().unwrap(),
                )
            })
            .collect();
        assert_eq!(figures, [(1, 12.5, 28.5), (7, 16.0, 100.0)], "{backend}");

        // a jurisdiction without limits: the day's grams, no limit
        let elsewhere = seed.location("Elsewhere").await;
        {
            use sea_orm::{ActiveModelTrait, ActiveValue::Set, IntoActiveModel};
            let mut row = elsewhere.clone().into_active_model();
            row.state = Set("ZZ".to_owned());
            row.update(&app.state.db).await.unwrap();
        }
        let unlimited = grams_at(&app, &token, Some(elsewhere.id)).await;
        let periods = &unlimited["me"]["gramsInPeriod"];
        let day = of_class(periods, "NON_CONCENTRATE");
        assert_eq!(day.len(), 1);
        assert_eq!(
            (
                day[0]["grams"].as_f64(),
                day[0]["limitGrams"].is_null(),
                day[0]["periodDays"].as_i64()
            ),
            (Some(12.5), true, Some(1)),
            "{backend}"
        );
    }
}
