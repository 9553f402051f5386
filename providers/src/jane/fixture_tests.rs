//! Jane's documented shapes (fixtures in `tests/fixtures/jane/`) parsed and
//! mapped. These live inside the crate because the wire types are private.

#![allow(clippy::unwrap_used)]

use chrono::TimeZone;

use super::mapping;
use super::models::{CartEnvelope, Carts, MenuProduct, MenuProducts, Page, TokenResponse};
use crate::model::{
    Money, OrderStatus, Potency, PotencyUnit, ProductCategory, StrainType, Weight, WeightUnit,
};

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/jane/",
            $name
        ))
    };
}

fn menu_page(raw: &str) -> (Vec<Result<MenuProduct, String>>, Option<String>) {
    let page: Page<MenuProducts<serde_json::Value>> = serde_json::from_str(raw).unwrap();
    let products = page
        .data
        .menu_products
        .into_iter()
        .map(|v| serde_json::from_value::<MenuProduct>(v).map_err(|e| e.to_string()))
        .collect();
    (products, page.metadata.pagination_id)
}

#[test]
fn menu_page_parses_with_cursor_and_lenient_scalars() {
    let (products, cursor) = menu_page(fixture!("menu_products_page1.json"));
    assert_eq!(cursor.as_deref(), Some("90004"));
    let products: Vec<MenuProduct> = products.into_iter().map(Result::unwrap).collect();
    assert_eq!(products.len(), 4);
    let blue_dream = &products[0];
    assert_eq!(
        (
            blue_dream.id.as_deref().unwrap_or_default(),
            blue_dream.product_id.as_str()
        ),
        ("90001", "4401")
    );
    assert_eq!(blue_dream.prices.price_eighth_ounce, Some(35.5));
    assert_eq!(blue_dream.prices.price_ounce, Some(240.0));
    assert_eq!(products[1].product_id, "4402");
}

#[test]
fn last_page_has_no_cursor_and_bad_records_fail_alone() {
    let (products, cursor) = menu_page(fixture!("menu_products_page2.json"));
    assert_eq!(cursor, None);
    assert!(products[0].as_ref().unwrap_err().contains("name"));
    let pre_roll = products[1].as_ref().unwrap();
    assert!(
        mapping::stock(pre_roll, "1234", chrono::Utc::now())
            .unwrap_err()
            .contains("negative")
    );
    let balm = products[2].as_ref().unwrap();
    let mapped = mapping::products(balm, "1234", "USD").unwrap();
    assert!(!mapped[0].active);
}

#[test]
fn multi_weight_flower_becomes_one_product_per_weight() {
    let (products, _) = menu_page(fixture!("menu_products_page1.json"));
    let blue_dream = products[0].as_ref().unwrap();
    let mapped = mapping::products(blue_dream, "1234", "USD").unwrap();
    let ids: Vec<&str> = mapped.iter().map(|p| p.external_id.as_str()).collect();
    assert_eq!(ids, ["4401:gram", "4401:eighth_ounce", "4401:ounce"]);
    let eighth = &mapped[1];
    assert_eq!(eighth.category, ProductCategory::Flower);
    assert_eq!(eighth.strain_type, StrainType::Sativa);
    assert_eq!(
        eighth.thc,
        Some(Potency {
            value: 22.4,
            unit: PotencyUnit::Percent
        })
    );
    assert_eq!(eighth.rec_price, Some(Money::usd(3550)));
    assert_eq!(
        eighth.net_weight,
        Some(Weight {
            value: 3.5,
            unit: WeightUnit::Grams
        })
    );
    assert_eq!(eighth.flower_equivalent_grams, Some(3.5));
    assert_eq!(eighth.external_location_id.as_deref(), Some("1234"));
    assert_eq!(
        eighth.modified_at,
        Some(chrono::Utc.with_ymd_and_hms(2024, 5, 1, 10, 0, 0).unwrap())
    );
    assert_eq!(mapped[2].rec_price, Some(Money::usd(24000)));

    let stock = mapping::stock(blue_dream, "1234", chrono::Utc::now()).unwrap();
    let counts: Vec<(&str, i64)> = stock
        .iter()
        .map(|r| (r.external_product_id.as_str(), r.on_hand))
        .collect();
    assert_eq!(
        counts,
        [
            ("4401:gram", 40),
            ("4401:eighth_ounce", 12),
            ("4401:ounce", 0)
        ]
    );
}

#[test]
fn single_weight_products_keep_their_id_and_categories_map() {
    let (products, _) = menu_page(fixture!("menu_products_page1.json"));
    let product =
        |i: usize| mapping::products(products[i].as_ref().unwrap(), "1234", "USD").unwrap();
    let vape = product(1);
    assert_eq!(vape.len(), 1);
    assert_eq!(vape[0].external_id, "4402");
    assert_eq!(vape[0].category, ProductCategory::Vape);
    assert_eq!(
        vape[0].net_weight,
        Some(Weight {
            value: 1.0,
            unit: WeightUnit::Grams
        })
    );
    assert_eq!(vape[0].flower_equivalent_grams, None);
    assert_eq!(vape[0].max_per_transaction, Some(5));
    let drink = product(2);
    assert_eq!(drink[0].category, ProductCategory::Beverage);
    assert_eq!(drink[0].strain_type, StrainType::Cbd);
    assert_eq!(drink[0].rec_price, Some(Money::usd(699)));
    let clone = product(3);
    assert_eq!(clone[0].category, ProductCategory::Other);
    assert_eq!(clone[0].category_raw.as_deref(), Some("grow"));
    assert_eq!(clone[0].strain_type, StrainType::Other);
    assert_eq!(clone[0].strain_type_raw.as_deref(), Some("Indica-dominant"));
}

#[test]
fn webhook_cart_maps_status_customer_and_times() {
    let CartEnvelope { cart } = serde_json::from_str(fixture!("webhook_cart.json")).unwrap();
    let status = mapping::cart_status(&cart);
    assert_eq!(status.external_id, "771234");
    assert_eq!(status.status, Some(OrderStatus::Submitted));
    assert_eq!(status.vendor_status, "verification");
    assert_eq!(
        status.updated_at,
        Some(chrono::Utc.with_ymd_and_hms(2024, 5, 3, 15, 2, 12).unwrap())
    );
    assert_eq!(cart.queue_number.as_deref(), Some("17"));
    let customer = mapping::cart_customer(&cart).unwrap();
    assert_eq!(customer.external_id, "556677");
    assert_eq!(customer.first_name.as_deref(), Some("Ada"));
    assert_eq!(customer.last_name.as_deref(), Some("Lovelace"));
    assert_eq!(customer.email.as_deref(), Some("ada@example.com"));
}

#[test]
fn unknown_cart_status_is_kept_not_rejected() {
    let CartEnvelope { cart } =
        serde_json::from_str(fixture!("webhook_cart_unknown_status.json")).unwrap();
    let status = mapping::cart_status(&cart);
    assert_eq!(status.status, None);
    assert_eq!(status.vendor_status, "awaiting_curbside_arrival");
    assert_eq!(mapping::cart_customer(&cart), None);
}

#[test]
fn every_listed_status_maps() {
    for (name, expected) in [
        ("pending", OrderStatus::Submitted),
        ("staff_member_review", OrderStatus::Submitted),
        ("preparing", OrderStatus::Confirmed),
        ("ready_for_pickup", OrderStatus::Ready),
        ("delivery_started", OrderStatus::Shipped),
        ("delivery_finished", OrderStatus::Delivered),
        ("finished", OrderStatus::Completed),
        ("cancelled", OrderStatus::Cancelled),
    ] {
        assert_eq!(mapping::order_status(name), Some(expected), "{name}");
    }
}

#[test]
fn carts_give_sales_returns_and_voids() {
    let page: Page<Carts<serde_json::Value>> =
        serde_json::from_str(fixture!("carts_page.json")).unwrap();
    let carts: Vec<Result<super::models::Cart, _>> = page
        .data
        .carts
        .into_iter()
        .map(serde_json::from_value)
        .collect();
    assert!(carts[4].is_err(), "a cart without a status is rejected");
    let history: Vec<_> = carts[..4]
        .iter()
        .filter_map(|c| mapping::cart_transaction(c.as_ref().unwrap(), "1234", "USD"))
        .collect();
    let summary: Vec<(&str, bool, bool, i64)> = history
        .iter()
        .map(|t| {
            (
                t.external_id.as_str(),
                t.is_return,
                t.is_void,
                t.total.amount,
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("S-1001", false, false, 8300),
            ("S-1002", true, false, 600),
            ("880002", false, true, 4500)
        ]
    );
    let sale = &history[0];
    assert_eq!(sale.lines[0].external_product_id, "4401:eighth_ounce");
    assert_eq!(sale.lines[0].amount, Money::usd(7100));
    assert_eq!(sale.external_customer_id.as_deref(), Some("556677"));
    assert_eq!(sale.external_order_id.as_deref(), Some("880001"));
    assert_eq!(
        sale.order_reference.as_deref(),
        Some("0190f1d2-0000-7000-8000-000000000001")
    );
    assert_eq!(history[1].return_of.as_deref(), Some("S-1001"));
    assert!(history[1].lines[0].returned);
}

#[test]
fn token_response_parses() {
    let token: TokenResponse = serde_json::from_str(fixture!("token.json")).unwrap();
    assert_eq!(token.token_type, "Bearer");
    assert_eq!(token.expires_in, 3600);
}
