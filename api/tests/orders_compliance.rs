//! Compliance at checkout: each refusal names its rule and its exact figures, on SQLite
//! and PostgreSQL; the rules are data admins read and change.
#![allow(clippy::unwrap_used)]

mod checkout_support;
mod common;

use api::auth::Role;
use checkout_support::{Shop, born, extensions, update_customer, years_ago};
use chrono::{Days, Utc};
use common::{
    first_code,
    fixtures::{Seed, each_backend},
    gql,
};
use entities::{
    enums::{PotencyUnit, ProductCategory, WeightUnit},
    purchase_line,
};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, IntoActiveModel};
use serde_json::json;
use uuid::Uuid;

#[tokio::test]
async fn an_under_age_customer_is_refused_with_the_age_rule() {
    for backend in each_backend().await {
        let app = &backend.app;
        let shop = Shop::open(app, 5).await;
        let (customer, token) = shop.customer(app).await;
        // 20 and a month, whatever the day in Los Angeles
        update_customer(app, &customer, born(years_ago(20) - Days::new(30))).await;
        let body = shop.place(app, &token, &[(shop.flower.id, 1)], "a").await;
        assert_eq!(first_code(&body), "COMPLIANCE_LIMIT", "{body}");
        let ext = extensions(&body);
        assert_eq!(ext["rule"], "CA_ADULT_USE_MIN_AGE");
        assert_eq!(
            (ext["minimumAge"].as_i64(), ext["age"].as_i64()),
            (Some(21), Some(20))
        );
        // nothing was reserved
        assert_eq!(
            shop.stock(app, shop.flower.id).await.reserved,
            0,
            "{}",
            backend.backend
        );
    }
}

#[tokio::test]
async fn medical_only_products_need_a_valid_card() {
    for backend in each_backend().await {
        let app = &backend.app;
        let shop = Shop::open(app, 5).await;
        let tincture = shop
            .product(app, ProductCategory::Tincture, 5, |p| {
                p.medical_only = Set(true);
                // 100 mg THC: 1 g of concentrate by California's fallback
                p.thc_value = Set(Some(100.0));
                p.thc_unit = Set(Some(PotencyUnit::Milligrams));
            })
            .await;
        let (customer, token) = shop.customer(app).await;
        let body = shop.place(app, &token, &[(tincture.id, 1)], "a").await;
        let ext = extensions(&body);
        assert_eq!(
            (ext["rule"].as_str(), ext["medicalCard"].as_str()),
            (Some("MEDICAL_ONLY_PRODUCT"), Some("MISSING")),
            "{body}"
        );
        assert_eq!(ext["productId"], tincture.id.to_string());

        let yesterday = Utc::now().date_naive() - Days::new(2);
        update_customer(app, &customer, |c| {
            c.medical_id = Set(Some("MED-1".to_owned()));
            c.medical_id_expires = Set(Some(yesterday));
        })
        .await;
        let body = shop.place(app, &token, &[(tincture.id, 1)], "b").await;
        let ext = extensions(&body);
        assert_eq!(ext["medicalCard"], "EXPIRED", "{body}");
        assert_eq!(ext["medicalCardExpiredOn"], yesterday.to_string());

        let next_year = Utc::now().date_naive() + Days::new(365);
        update_customer(app, &customer, |c| {
            c.medical_id_expires = Set(Some(next_year))
        })
        .await;
        let body = shop.place(app, &token, &[(tincture.id, 1)], "c").await;
        assert!(body["errors"].is_null(), "{}: {body}", backend.backend);
    }
}

#[tokio::test]
async fn the_daily_flower_limit_counts_in_store_purchases() {
    for backend in each_backend().await {
        let app = &backend.app;
        let shop = Shop::open(app, 50).await;
        let (customer, token) = shop.customer(app).await;
        // 21 g bought at the register today, 7 g online earlier today
        let purchase = Seed::new(&app.state.db)
            .purchase(&customer, &shop.location, Utc::now(), 12000)
            .await;
        purchase_line::Model {
            id: Uuid::now_v7(),
            purchase_id: purchase.id,
            product_id: None,
            external_product_id: Some("ext-1".to_owned()),
            quantity: 6,
            amount: 12000,
            currency: "USD".to_owned(),
            returned: false,
            flower_equivalent_grams: 21.0,
            product_class: Some("non_concentrate".to_owned()),
            package_tag: None,
        }
        .into_active_model()
        .insert(&app.state.db)
        .await
        .unwrap();
        let body = shop
            .place(app, &token, &[(shop.flower.id, 2)], "first")
            .await;
        assert!(body["errors"].is_null(), "{body}");
        let body = shop
            .place(app, &token, &[(shop.flower.id, 1)], "second")
            .await;
        assert_eq!(first_code(&body), "COMPLIANCE_LIMIT", "{body}");
        let ext = extensions(&body);
        assert_eq!(ext["rule"], "CA_ADULT_USE_NON_CONCENTRATE_DAILY");
        assert_eq!(ext["unit"], "g");
        assert_eq!(ext["limit"].as_f64(), Some(28.5));
        assert_eq!(ext["used"].as_f64(), Some(28.0));
        assert_eq!(ext["thisOrder"].as_f64(), Some(3.5), "{}", backend.backend);
    }
}

#[tokio::test]
async fn the_concentrate_limit_and_the_pos_maximum_per_transaction() {
    for backend in each_backend().await {
        let app = &backend.app;
        let shop = Shop::open(app, 5).await;
        let wax = shop
            .product(app, ProductCategory::Concentrate, 50, |p| {
                // counted by its own weight, not its flower equivalent
                p.net_weight_value = Set(Some(1.0));
                p.net_weight_unit = Set(Some(WeightUnit::Grams));
                p.flower_equivalent_grams = Set(Some(3.5));
            })
            .await;
        let (_, token) = shop.customer(app).await;
        let body = shop.place(app, &token, &[(wax.id, 9)], "a").await;
        let ext = extensions(&body);
        assert_eq!(ext["rule"], "CA_ADULT_USE_CONCENTRATE_DAILY", "{body}");
        assert_eq!(
            (
                ext["limit"].as_f64(),
                ext["used"].as_f64(),
                ext["thisOrder"].as_f64()
            ),
            (Some(8.0), Some(0.0), Some(9.0))
        );

        let gummies = shop
            .product(app, ProductCategory::Accessory, 50, |_| {})
            .await;
        // the store's POS limits it to two a transaction
        let mut offer = shop.stock(app, gummies.id).await.into_active_model();
        offer.max_per_transaction = Set(Some(2));
        offer.update(&app.state.db).await.unwrap();
        let body = shop.place(app, &token, &[(gummies.id, 3)], "b").await;
        let ext = extensions(&body);
        assert_eq!(ext["rule"], "MAX_PER_TRANSACTION", "{body}");
        assert_eq!(
            (ext["limit"].as_i64(), ext["thisOrder"].as_i64()),
            (Some(2), Some(3))
        );
        assert_eq!(
            ext["productId"],
            gummies.id.to_string(),
            "{}",
            backend.backend
        );
    }
}

#[tokio::test]
async fn admins_read_and_change_the_rules() {
    for backend in each_backend().await {
        let app = &backend.app;
        let admin = app.token(Role::Admin, "ops");
        let data = gql::data(
            app,
            Some(&admin),
            "{ complianceRules(jurisdiction: \"ca\") { code limitGrams minAge } }",
            json!({}),
        )
        .await;
        let codes: Vec<&str> = data["complianceRules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["code"].as_str().unwrap())
            .collect();
        assert_eq!(
            codes,
            [
                "CA_ADULT_USE_CONCENTRATE_DAILY",
                "CA_ADULT_USE_MIN_AGE",
                "CA_ADULT_USE_NON_CONCENTRATE_DAILY",
                "CA_ADULT_USE_PLANTS_DAILY",
                "CA_ALCOHOL_MIN_AGE",
                "CA_MEDICAL_FLOWER_DAILY",
                "CA_MEDICAL_MIN_AGE"
            ]
        );

        let upsert = "mutation($input: ComplianceRuleInput!) { upsertComplianceRule(input: $input) { code limitGrams } }";
        let input = json!({ "code": "CA_ADULT_USE_NON_CONCENTRATE_DAILY", "jurisdiction": "CA", "market": "ADULT_USE", "kind": "PURCHASE_LIMIT", "productClass": "NON_CONCENTRATE", "limitGrams": 3.0, "periodDays": 1 });
        let data = gql::data(app, Some(&admin), upsert, json!({ "input": input })).await;
        assert_eq!(
            data["upsertComplianceRule"]["limitGrams"].as_f64(),
            Some(3.0)
        );
        let shop = Shop::open(app, 5).await;
        let (_, token) = shop.customer(app).await;
        let body = shop.place(app, &token, &[(shop.flower.id, 1)], "a").await;
        assert_eq!(extensions(&body)["limit"].as_f64(), Some(3.0), "{body}");

        let bad = json!({ "code": "X", "jurisdiction": "CA", "market": "ADULT_USE", "kind": "PURCHASE_LIMIT" });
        let (_, body) = gql::execute(app, Some(&admin), upsert, json!({ "input": bad })).await;
        assert_eq!(extensions(&body)["field"], "input.measure");
        let customer = app.token(Role::Customer, &Uuid::now_v7().to_string());
        let (_, body) = gql::execute(
            app,
            Some(&customer),
            "{ complianceRules { code } }",
            json!({}),
        )
        .await;
        assert_eq!(first_code(&body), "FORBIDDEN", "{}", backend.backend);
    }
}
