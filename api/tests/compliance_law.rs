//! The built-in rule sets against the law, through HTTP on SQLite and PostgreSQL: for
//! each state a table of limits, each walked to its edge in its own measure (the last
//! unit that fits is sold, the next is refused naming the rule) — a per-day limit
//! across a register sale and an online order in the same window, a per-transaction
//! limit across two orders (the second starts afresh). Also Colorado's shared
//! allowance, Illinois residency, the preview queries and the admin's bad input.
#![allow(clippy::unwrap_used)]

mod checkout_support;
mod common;

use api::auth::Role;
use checkout_support::{Shop, extensions, update_customer};
use chrono::Utc;
use common::{
    TestApp, first_code,
    fixtures::{Seed, each_backend},
    gql,
};
use entities::{
    enums::{PotencyUnit, ProductCategory as C, WeightUnit as W},
    location, product, purchase_line,
};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, IntoActiveModel};
use serde_json::{Value, json};
use uuid::Uuid;

/// How a limit's window is walked.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Walk {
    /// Part at the register, the rest online, then one more unit: refused.
    Window,
    /// Up to the edge in one order, twice; one more in one order: refused.
    Transaction,
}

/// One limit walked to its edge.
struct Case {
    state: &'static str,
    zone: &'static str,
    /// The customer's profile state (`None`: unknown residency).
    home: Option<&'static str>,
    category: C,
    net: Option<(f64, W)>,
    thc_mg: Option<f64>,
    /// Units that fit.
    fits: i64,
    walk: Walk,
    rule: &'static str,
    /// The rule's measure per unit (the refusal's `thisOrder` for one more unit).
    per_unit: f64,
}

#[allow(clippy::too_many_arguments)]
const fn case(
    state: &'static str,
    category: C,
    net: Option<(f64, W)>,
    thc_mg: Option<f64>,
    fits: i64,
    walk: Walk,
    rule: &'static str,
    per_unit: f64,
) -> Case {
    let zone = match state.as_bytes() {
        b"CO" => "America/Denver",
        b"MI" => "America/Detroit",
        b"IL" => "America/Chicago",
        b"MA" => "America/New_York",
        _ => "America/Los_Angeles",
    };
    Case {
        state,
        zone,
        home: Some(state),
        category,
        net,
        thc_mg,
        fits,
        walk,
        rule,
        per_unit,
    }
}

const OZ: f64 = 28.349_523_125;

fn cases() -> Vec<Case> {
    use Walk::{Transaction as T, Window as D};
    let g = |v| Some((v, W::Grams));
    vec![
        // California, 4 CCR §15409, per day
        case(
            "CA",
            C::PreRoll,
            g(1.0),
            None,
            28,
            D,
            "CA_ADULT_USE_NON_CONCENTRATE_DAILY",
            1.0,
        ),
        case(
            "CA",
            C::Vape,
            g(0.5),
            None,
            16,
            D,
            "CA_ADULT_USE_CONCENTRATE_DAILY",
            0.5,
        ),
        // an edible's 100 mg THC counts 1 g of concentrate (the guessed fallback)
        case(
            "CA",
            C::Edible,
            g(40.0),
            Some(100.0),
            8,
            D,
            "CA_ADULT_USE_CONCENTRATE_DAILY",
            1.0,
        ),
        // Colorado, per transaction, one shared allowance of 1 oz
        case(
            "CO",
            C::Flower,
            g(3.5),
            None,
            8,
            T,
            "CO_ADULT_USE_EQUIVALENT_TRANSACTION",
            3.5,
        ),
        case(
            "CO",
            C::Concentrate,
            g(1.0),
            None,
            8,
            T,
            "CO_ADULT_USE_EQUIVALENT_TRANSACTION",
            OZ / 8.0,
        ),
        case(
            "CO",
            C::Edible,
            g(40.0),
            Some(100.0),
            8,
            T,
            "CO_ADULT_USE_EQUIVALENT_TRANSACTION",
            OZ / 8.0,
        ),
        // Michigan, per transaction: 2.5 oz, of which 15 g concentrate
        case(
            "MI",
            C::Flower,
            g(3.5),
            None,
            20,
            T,
            "MI_ADULT_USE_TOTAL_TRANSACTION",
            3.5,
        ),
        case(
            "MI",
            C::Concentrate,
            g(1.0),
            None,
            15,
            T,
            "MI_ADULT_USE_CONCENTRATE_TRANSACTION",
            1.0,
        ),
        // Illinois residents, per transaction, each class its own
        case(
            "IL",
            C::Flower,
            g(1.0),
            None,
            30,
            T,
            "IL_ADULT_USE_RESIDENT_FLOWER",
            1.0,
        ),
        case(
            "IL",
            C::Vape,
            g(0.5),
            None,
            10,
            T,
            "IL_ADULT_USE_RESIDENT_CONCENTRATE",
            0.5,
        ),
        case(
            "IL",
            C::Edible,
            g(40.0),
            Some(100.0),
            5,
            T,
            "IL_ADULT_USE_RESIDENT_INFUSED_THC",
            100.0,
        ),
        // Massachusetts, per day: 1 oz, of which 5 g concentrate
        case(
            "MA",
            C::Flower,
            g(3.5),
            None,
            8,
            D,
            "MA_ADULT_USE_TOTAL_DAILY",
            3.5,
        ),
        case(
            "MA",
            C::Concentrate,
            g(1.0),
            None,
            5,
            D,
            "MA_ADULT_USE_CONCENTRATE_DAILY",
            1.0,
        ),
        // Washington, WAC 314-55-095, per transaction
        case(
            "WA",
            C::Flower,
            g(1.0),
            None,
            28,
            T,
            "WA_ADULT_USE_USABLE_TRANSACTION",
            1.0,
        ),
        case(
            "WA",
            C::Concentrate,
            g(1.0),
            None,
            7,
            T,
            "WA_ADULT_USE_CONCENTRATE_TRANSACTION",
            1.0,
        ),
        case(
            "WA",
            C::Edible,
            Some((1.0, W::Ounces)),
            Some(10.0),
            16,
            T,
            "WA_ADULT_USE_SOLID_EDIBLE_TRANSACTION",
            1.0,
        ),
        case(
            "WA",
            C::Beverage,
            Some((12.0, W::FluidOunces)),
            Some(10.0),
            6,
            T,
            "WA_ADULT_USE_LIQUID_TRANSACTION",
            12.0,
        ),
        case(
            "WA",
            C::Topical,
            Some((2.0, W::Ounces)),
            Some(100.0),
            10,
            T,
            "WA_ADULT_USE_OTHER_UNITS_TRANSACTION",
            1.0,
        ),
    ]
}

/// Illinois by residency: visitors and unknown residency get half.
fn residency_cases() -> Vec<Case> {
    let g = |v| Some((v, W::Grams));
    let visitor = |home| Case {
        home,
        ..case(
            "IL",
            C::Flower,
            g(1.0),
            None,
            15,
            Walk::Transaction,
            "IL_ADULT_USE_NON_RESIDENT_FLOWER",
            1.0,
        )
    };
    vec![visitor(Some("WI")), visitor(None)]
}

/// A store in `state`.
async fn store(app: &TestApp, state: &str, zone: &str) -> location::Model {
    let location = Seed::new(&app.state.db).location("Store").await;
    let mut row = location.into_active_model();
    row.state = Set(state.to_owned());
    row.time_zone = Set(zone.to_owned());
    row.update(&app.state.db).await.unwrap()
}

/// The product of a case, stocked at the shop.
async fn stocked(app: &TestApp, shop: &Shop, case: &Case) -> product::Model {
    shop.product(app, case.category, 10_000, |p| {
        p.net_weight_value = Set(case.net.map(|(v, _)| v));
        p.net_weight_unit = Set(case.net.map(|(_, u)| u));
        p.thc_value = Set(case.thc_mg);
        p.thc_unit = Set(case.thc_mg.map(|_| PotencyUnit::Milligrams));
        p.flower_equivalent_grams = Set(None);
    })
    .await
}

/// A register sale of `units` of `product` now.
async fn register_sale(
    app: &TestApp,
    shop: &Shop,
    who: &entities::customer::Model,
    product: &product::Model,
    units: i64,
    grams: f64,
) {
    let purchase = Seed::new(&app.state.db)
        .purchase(who, &shop.location, Utc::now(), 1000)
        .await;
    purchase_line::Model {
        id: Uuid::now_v7(),
        purchase_id: purchase.id,
        product_id: Some(product.id),
        external_product_id: Some("ext".to_owned()),
        quantity: units,
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

fn placed(body: &Value) -> bool {
    body["errors"].is_null() && body["data"]["placeOrder"]["id"].is_string()
}

/// Walks `case` to its edge on `app`.
async fn walk(app: &TestApp, case: &Case, backend: &str) {
    let location = store(app, case.state, case.zone).await;
    let flower = Seed::new(&app.state.db)
        .product("Eighth", "Farm", C::Flower, 3500)
        .await;
    let shop = Shop { location, flower };
    let product = stocked(app, &shop, case).await;
    let (customer, token) = shop.customer(app).await;
    update_customer(app, &customer, |c| {
        c.state = Set(case.home.map(str::to_owned))
    })
    .await;
    let label = format!("{backend} {} {:?} {}", case.state, case.category, case.rule);
    match case.walk {
        Walk::Window => {
            let at_register = case.fits / 2;
            let grams = if matches!(case.category, C::Flower | C::PreRoll) {
                case.per_unit * at_register as f64
            } else {
                0.0
            };
            register_sale(app, &shop, &customer, &product, at_register, grams).await;
            let body = shop
                .place(
                    app,
                    &token,
                    &[(product.id, case.fits - at_register)],
                    "rest",
                )
                .await;
            assert!(placed(&body), "{label}: the last unit that fits: {body}");
        }
        Walk::Transaction => {
            for key in ["first", "second"] {
                let body = shop
                    .place(app, &token, &[(product.id, case.fits)], key)
                    .await;
                assert!(placed(&body), "{label}: {key} order at the edge: {body}");
            }
        }
    }
    let extra = match case.walk {
        Walk::Window => 1,
        Walk::Transaction => case.fits + 1,
    };
    let body = shop
        .place(app, &token, &[(product.id, extra)], "over")
        .await;
    assert_eq!(first_code(&body), "COMPLIANCE_LIMIT", "{label}: {body}");
    let ext = extensions(&body);
    assert_eq!(ext["rule"], case.rule, "{label}: {body}");
    let (used, this) = match case.walk {
        Walk::Window => (case.per_unit * case.fits as f64, case.per_unit),
        Walk::Transaction => (0.0, case.per_unit * extra as f64),
    };
    let close = |a: &Value, b: f64| (a.as_f64().unwrap() - b).abs() < 1e-3;
    assert!(close(&ext["used"], used), "{label}: used {used}: {body}");
    assert!(
        close(&ext["thisOrder"], this),
        "{label}: this order {this}: {body}"
    );
    assert!(ext["citation"].is_string(), "{label}: {body}");
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains(case.rule) && message.contains("left"),
        "{label}: {message}"
    );
}

#[tokio::test]
async fn each_states_limits_hold_to_the_edge_in_their_own_measure() {
    for backend in each_backend().await {
        for case in cases().iter().chain(&residency_cases()) {
            walk(&backend.app, case, backend.backend).await;
        }
    }
}

const CHECK: &str = "query($location: ID!, $lines: [OrderLineInput!]!, $customer: ID) { checkCart(locationId: $location, lines: $lines, customerId: $customer) { allowed market residency notes refusals { rule message measure unit limit used thisOrder remaining citation productId } } }";
const ALLOWANCES: &str = "query($location: ID!, $customer: ID) { allowances(locationId: $location, customerId: $customer) { market residency notes limits { ruleCode measure unit window used limit remaining windowStart windowEnd citation source withinCode } } }";

#[tokio::test]
async fn colorado_shares_one_allowance_and_the_previews_say_what_is_left() {
    for backend in each_backend().await {
        let app = &backend.app;
        let location = store(app, "CO", "America/Denver").await;
        let flower = Seed::new(&app.state.db)
            .product("Eighth", "Farm", C::Flower, 3500)
            .await;
        let shop = Shop { location, flower };
        let wax = stocked(
            app,
            &shop,
            &case(
                "CO",
                C::Concentrate,
                Some((1.0, W::Grams)),
                None,
                0,
                Walk::Transaction,
                "",
                0.0,
            ),
        )
        .await;
        let flower = stocked(
            app,
            &shop,
            &case(
                "CO",
                C::Flower,
                Some((3.5, W::Grams)),
                None,
                0,
                Walk::Transaction,
                "",
                0.0,
            ),
        )
        .await;
        let (customer, token) = shop.customer(app).await;
        update_customer(app, &customer, |c| c.state = Set(Some("CO".to_owned()))).await;
        // half the ounce as flower (14 g), half as concentrate (4 g): fits
        let half = json!([{ "productId": flower.id, "quantity": 4 }, { "productId": wax.id, "quantity": 4 }]);
        let vars = json!({ "location": shop.location.id, "lines": half });
        let data = gql::data(app, Some(&token), CHECK, vars).await;
        assert_eq!(data["checkCart"]["allowed"], true, "{data}");
        // one more gram of concentrate does not
        let over = json!([{ "productId": flower.id, "quantity": 4 }, { "productId": wax.id, "quantity": 5 }]);
        let data = gql::data(
            app,
            Some(&token),
            CHECK,
            json!({ "location": shop.location.id, "lines": over }),
        )
        .await;
        let check = &data["checkCart"];
        assert_eq!(check["allowed"], false, "{data}");
        let refusal = &check["refusals"][0];
        assert_eq!(refusal["rule"], "CO_ADULT_USE_EQUIVALENT_TRANSACTION");
        assert_eq!(refusal["measure"], "FLOWER_G");
        assert!(
            (refusal["thisOrder"].as_f64().unwrap() - (14.0 + 5.0 * OZ / 8.0)).abs() < 1e-3,
            "{data}"
        );
        // nothing was reserved
        assert_eq!(shop.stock(app, wax.id).await.reserved, 0);

        // the allowances of a per-transaction state: nothing used, no window
        let data = gql::data(
            app,
            Some(&token),
            ALLOWANCES,
            json!({ "location": shop.location.id }),
        )
        .await;
        let limits = data["allowances"]["limits"].as_array().unwrap();
        let shared = limits
            .iter()
            .find(|l| l["ruleCode"] == "CO_ADULT_USE_EQUIVALENT_TRANSACTION")
            .unwrap();
        assert_eq!(
            (
                shared["used"].as_f64(),
                shared["window"].as_str(),
                shared["windowEnd"].is_null()
            ),
            (Some(0.0), Some("TRANSACTION"), true),
            "{data}"
        );
        assert_eq!(
            data["allowances"]["market"], "ADULT_USE",
            "{}",
            backend.backend
        );
    }
}

#[tokio::test]
async fn california_allowances_count_online_and_in_store_and_admins_preview_for_anyone() {
    for backend in each_backend().await {
        let app = &backend.app;
        let shop = Shop::open(app, 50).await;
        let vape = stocked(
            app,
            &shop,
            &case(
                "CA",
                C::Vape,
                Some((0.5, W::Grams)),
                None,
                0,
                Walk::Window,
                "",
                0.0,
            ),
        )
        .await;
        let (customer, token) = shop.customer(app).await;
        register_sale(app, &shop, &customer, &vape, 4, 0.0).await;
        let body = shop
            .place(app, &token, &[(vape.id, 2), (shop.flower.id, 1)], "a")
            .await;
        assert!(placed(&body), "{body}");
        let admin = app.token(Role::Admin, "ops");
        let vars = json!({ "location": shop.location.id, "customer": customer.id });
        let data = gql::data(app, Some(&admin), ALLOWANCES, vars).await;
        let limits = data["allowances"]["limits"].as_array().unwrap();
        let by = |code: &str| {
            limits
                .iter()
                .find(|l| l["ruleCode"] == code)
                .unwrap()
                .clone()
        };
        let conc = by("CA_ADULT_USE_CONCENTRATE_DAILY");
        assert_eq!(
            (
                conc["used"].as_f64(),
                conc["remaining"].as_f64(),
                conc["unit"].as_str()
            ),
            (Some(3.0), Some(5.0), Some("g")),
            "{data}"
        );
        assert_eq!(
            (conc["window"].as_str(), conc["citation"].as_str()),
            (Some("CALENDAR_DAY"), Some("4 CCR §15409"))
        );
        assert!(conc["windowEnd"].is_string());
        let flower = by("CA_ADULT_USE_NON_CONCENTRATE_DAILY");
        assert_eq!(flower["used"].as_f64(), Some(3.5), "{data}");
        // a customer cannot look at another's; an admin must name one
        let (_, body) = gql::execute(
            app,
            Some(&token),
            ALLOWANCES,
            json!({ "location": shop.location.id, "customer": Uuid::now_v7() }),
        )
        .await;
        assert_eq!(first_code(&body), "FORBIDDEN", "{body}");
        let (_, body) = gql::execute(
            app,
            Some(&admin),
            ALLOWANCES,
            json!({ "location": shop.location.id }),
        )
        .await;
        assert_eq!(extensions(&body)["field"], "customerId", "{body}");
        // checkCart names every rule broken; placeOrder the first
        let lines = json!([{ "productId": vape.id, "quantity": 11 }, { "productId": shop.flower.id, "quantity": 8 }]);
        let data = gql::data(
            app,
            Some(&token),
            CHECK,
            json!({ "location": shop.location.id, "lines": lines }),
        )
        .await;
        let rules: Vec<&str> = data["checkCart"]["refusals"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["rule"].as_str().unwrap())
            .collect();
        assert_eq!(
            rules,
            [
                "CA_ADULT_USE_CONCENTRATE_DAILY",
                "CA_ADULT_USE_NON_CONCENTRATE_DAILY"
            ],
            "{data}"
        );
        let first = &data["checkCart"]["refusals"][0];
        assert_eq!(
            (
                first["used"].as_f64(),
                first["thisOrder"].as_f64(),
                first["remaining"].as_f64()
            ),
            (Some(3.0), Some(5.5), Some(5.0))
        );
        // bad lines are the same BAD_USER_INPUT as placeOrder's
        let (_, body) = gql::execute(app, Some(&token), CHECK, json!({ "location": shop.location.id, "lines": [{ "productId": Uuid::now_v7(), "quantity": 1 }] })).await;
        assert_eq!(
            extensions(&body)["field"],
            "lines[0].productId",
            "{}: {body}",
            backend.backend
        );
    }
}

#[tokio::test]
async fn an_unknown_measure_is_refused_by_name_until_an_admin_sets_it() {
    for backend in each_backend().await {
        let app = &backend.app;
        let location = store(app, "WA", "America/Los_Angeles").await;
        let flower = Seed::new(&app.state.db)
            .product("Eighth", "Farm", C::Flower, 3500)
            .await;
        let shop = Shop { location, flower };
        // an edible sold by the piece: no mass on record
        let gummy = stocked(
            app,
            &shop,
            &case(
                "WA",
                C::Edible,
                Some((1.0, W::Each)),
                Some(10.0),
                0,
                Walk::Transaction,
                "",
                0.0,
            ),
        )
        .await;
        let (_, token) = shop.customer(app).await;
        let body = shop.place(app, &token, &[(gummy.id, 1)], "a").await;
        let ext = extensions(&body);
        assert_eq!(
            (ext["rule"].as_str(), ext["missingMeasure"].as_str()),
            (
                Some("WA_ADULT_USE_SOLID_EDIBLE_TRANSACTION"),
                Some("SOLID_OZ")
            ),
            "{body}"
        );
        assert_eq!(ext["productId"], gummy.id.to_string());
        let admin = app.token(Role::Admin, "ops");
        let set = "mutation($id: ID!, $input: ProductMeasuresInput!) { setProductMeasures(productId: $id, input: $input) { solidOz } }";
        let (_, body) = gql::execute(
            app,
            Some(&admin),
            set,
            json!({ "id": gummy.id, "input": { "solidOz": -1.0 } }),
        )
        .await;
        assert_eq!(extensions(&body)["field"], "input.solidOz", "{body}");
        let data = gql::data(
            app,
            Some(&admin),
            set,
            json!({ "id": gummy.id, "input": { "solidOz": 2.0 } }),
        )
        .await;
        assert_eq!(data["setProductMeasures"]["solidOz"].as_f64(), Some(2.0));
        let body = shop.place(app, &token, &[(gummy.id, 8)], "b").await;
        assert!(placed(&body), "{body}");
        let body = shop.place(app, &token, &[(gummy.id, 9)], "c").await;
        assert_eq!(
            extensions(&body)["thisOrder"].as_f64(),
            Some(18.0),
            "{}: {body}",
            backend.backend
        );
    }
}

const UPSERT: &str = "mutation($input: ComplianceRuleInput!) { upsertComplianceRule(input: $input) { code limit window windowDays } }";

#[tokio::test]
async fn bad_rules_are_refused_by_field_and_change_nothing() {
    for backend in each_backend().await {
        let app = &backend.app;
        let admin = app.token(Role::Admin, "ops");
        let good = json!({ "code": "CA_TEST", "jurisdiction": "CA", "market": "ADULT_USE", "kind": "PURCHASE_LIMIT",
            "measure": "THC_MG", "limit": 1000.0, "window": "ROLLING_DAYS", "windowDays": 30,
            "terms": [{ "categories": ["EDIBLE"], "measure": "THC_MG" }] });
        let with = |patch: Value| {
            let mut input = good.clone();
            for (key, value) in patch.as_object().unwrap() {
                input[key] = value.clone();
            }
            input
        };
        for (patch, field) in [
            (json!({ "limit": -1.0 }), "input.limit"),
            (json!({ "measure": null }), "input.measure"),
            (json!({ "window": null }), "input.window"),
            (json!({ "windowDays": 0 }), "input.windowDays"),
            (json!({ "window": "CALENDAR_DAY" }), "input.windowDays"),
            (json!({ "terms": [] }), "input.terms"),
            (
                json!({ "terms": [{ "categories": ["EDIBLE"], "measure": "THC_MG", "factor": 0.0 }] }),
                "input.terms[0].factor",
            ),
            (
                json!({ "terms": [{ "categories": ["EDIBLE"], "measure": "THC_MG", "factor": 2.0 }] }),
                "input.terms[0].factor",
            ),
            (
                json!({ "terms": [{ "categories": ["EDIBLE"], "measure": "THC_MG" }, { "categories": ["EDIBLE", "VAPE"], "measure": "CONCENTRATE_G", "factor": 100.0 }] }),
                "input.terms[1].categories",
            ),
            (
                json!({ "terms": [{ "categories": ["EDIBLE"], "measure": "CONCENTRATE_G", "factor": 100.0, "fallbackMeasure": "CONCENTRATE_G", "fallbackFactor": 1.0 }] }),
                "input.terms[0].fallback",
            ),
            (json!({ "withinCode": "NO_SUCH_RULE" }), "input.withinCode"),
            (
                json!({ "withinCode": "CA_ADULT_USE_NON_CONCENTRATE_DAILY" }),
                "input.withinCode",
            ),
        ] {
            let (_, body) = gql::execute(
                app,
                Some(&admin),
                UPSERT,
                json!({ "input": with(patch.clone()) }),
            )
            .await;
            assert_eq!(
                body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
                "{patch}: {body}"
            );
            assert_eq!(extensions(&body)["field"], field, "{patch}: {body}");
        }
        // an unknown measure fails coercion: BAD_USER_INPUT naming the field
        let (_, body) = gql::execute(
            app,
            Some(&admin),
            UPSERT,
            json!({ "input": with(json!({ "measure": "LITRES" })) }),
        )
        .await;
        assert_eq!(first_code(&body), "BAD_USER_INPUT", "{body}");
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("measure"),
            "{body}"
        );
        let rules = gql::data(
            app,
            Some(&admin),
            "{ complianceRules(jurisdiction: \"CA\") { code } }",
            json!({}),
        )
        .await;
        assert!(
            !rules.to_string().contains("CA_TEST"),
            "nothing was written"
        );
        let data = gql::data(app, Some(&admin), UPSERT, json!({ "input": good })).await;
        assert_eq!(
            data["upsertComplianceRule"]["windowDays"], 30,
            "{}",
            backend.backend
        );
    }
}

#[tokio::test]
async fn disabling_a_jurisdictions_last_limit_raises_an_alert() {
    for backend in each_backend().await {
        let app = &backend.app;
        let location = store(app, "WA", "America/Los_Angeles").await;
        let admin = app.token(Role::Admin, "ops");
        let data = gql::data(app, Some(&admin), "{ complianceRules(jurisdiction: \"WA\") { code kind measure limit window terms { categories measure factor } } }", json!({})).await;
        let limits: Vec<Value> = data["complianceRules"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["kind"] == "PURCHASE_LIMIT")
            .cloned()
            .collect();
        assert_eq!(limits.len(), 5, "{data}");
        for rule in &limits {
            let terms: Vec<Value> = rule["terms"].as_array().unwrap().iter().map(|t| json!({ "categories": t["categories"], "measure": t["measure"], "factor": t["factor"] })).collect();
            let input = json!({ "code": rule["code"], "jurisdiction": "WA", "market": "ADULT_USE", "kind": "PURCHASE_LIMIT",
                "measure": rule["measure"], "limit": rule["limit"], "window": rule["window"], "terms": terms, "enabled": false });
            gql::data(app, Some(&admin), UPSERT, json!({ "input": input })).await;
        }
        let alerts = gql::data(app, Some(&admin), "{ alerts { kind message } }", json!({})).await;
        let text = alerts.to_string();
        assert!(
            text.contains("compliance_rules_missing") && text.contains("WA"),
            "{}: {alerts}",
            backend.backend
        );
        drop(location);
    }
}
