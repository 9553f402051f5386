//! The inputs the fuzz targets (`fuzz/`: `dutchie_decode`, `jane_decode`,
//! `dispense_decode`) found, replayed through the same entry points: each vendor's
//! `decode_responses` must not panic and must accept no record that breaks
//! `DecodedResponses::violations`. The vendors' recorded fixtures, the fuzzers' seeds,
//! must decode cleanly too.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use providers::decoded::DecodedResponses;

type Decode = fn(&[u8]) -> DecodedResponses;

/// Decodes `body` with `decode`, failing with the broken invariants, if any.
fn sound(decode: Decode, body: &[u8]) -> DecodedResponses {
    let decoded = decode(body);
    let violations = decoded.violations();
    assert!(violations.is_empty(), "broken invariants: {violations:#?}");
    decoded
}

/// Every fixture of `vendor` (the fuzzers' seeds), decoded.
fn fixtures(vendor: &str, decode: Decode) -> Vec<(String, DecodedResponses)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(vendor);
    let mut decoded: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, sound(decode, &std::fs::read(&path).unwrap()))
        })
        .collect();
    decoded.sort_by(|a, b| a.0.cmp(&b.0));
    decoded
}

fn named<'a>(decoded: &'a [(String, DecodedResponses)], name: &str) -> &'a DecodedResponses {
    &decoded.iter().find(|(n, _)| n == name).unwrap().1
}

#[test]
fn dutchie_fixtures_decode_soundly() {
    let decoded = fixtures("dutchie", providers::dutchie::decode_responses);
    assert!(!named(&decoded, "products.json").products.is_empty());
    assert!(!named(&decoded, "inventory.json").stock.is_empty());
    assert!(!named(&decoded, "customers.json").customers.is_empty());
    assert!(!named(&decoded, "transactions.json").transactions.is_empty());
    assert_eq!(named(&decoded, "whoami.json").locations.len(), 1);
    assert_eq!(
        named(&decoded, "preorder_status.json").order_statuses.len(),
        1
    );
}

#[test]
fn jane_fixtures_decode_soundly() {
    let decoded = fixtures("jane", providers::jane::decode_responses);
    let menu = named(&decoded, "menu_products_page1.json");
    assert!(!menu.products.is_empty() && !menu.stock.is_empty());
    assert!(!named(&decoded, "carts_page.json").order_statuses.is_empty());
}

#[test]
fn dispense_fixtures_decode_soundly() {
    let decoded = fixtures("dispense", providers::dispense::decode_responses);
    let products = named(&decoded, "products.json");
    assert!(!products.products.is_empty() && !products.stock.is_empty());
    assert!(!named(&decoded, "products_bad.json").rejected.is_empty());
    assert!(!named(&decoded, "orders.json").transactions.is_empty());
    assert_eq!(named(&decoded, "venue.json").locations.len(), 1);
}

/// jane_decode, crash 1: a negative `percent_thc` became a negative THC content.
#[test]
fn jane_negative_potency_is_dropped() {
    let decoded = sound(
        providers::jane::decode_responses,
        br#"{"data":{"menu_products":[{"id":9,"product_id":1,"name":"","kind":"","percent_thc":-2}]},"metadata":{"count":4,"total":0}}"#,
    );
    assert_eq!(decoded.products.len(), 1);
    assert!(decoded.products[0].thc.is_none());
}

/// A Jane menu page of one product with `fields` added.
fn jane_menu(fields: &str) -> Vec<u8> {
    format!(
        r#"{{"data":{{"menu_products":[{{"id":9,"product_id":1,"name":"n","kind":"flower",{fields}}}]}},"metadata":{{"count":1,"total":1}}}}"#
    )
    .into_bytes()
}

/// A Jane cart page of one completed cart with one line.
fn jane_cart(count: i64, unit_price: f64) -> Vec<u8> {
    format!(
        r#"{{"data":{{"carts":[{{"id":9,"status":"x","completed_time":"2024-01-01 00:00:00","products":[{{"product_id":1,"count":{count},"unit_price":{unit_price}}}]}}]}},"metadata":{{"count":1,"total":1}}}}"#
    )
    .into_bytes()
}

/// Jane, beside crash 1: a negative net weight or cart limit is dropped, a negative price
/// rejects the product.
#[test]
fn jane_negative_measures_are_dropped_and_negative_prices_rejected() {
    let decoded = sound(
        providers::jane::decode_responses,
        &jane_menu(r#""net_weight_grams":-3,"max_cart_quantity":-3"#),
    );
    assert_eq!(decoded.products.len(), 1);
    assert!(decoded.products[0].net_weight.is_none());
    assert!(decoded.products[0].max_per_transaction.is_none());
    let decoded = sound(
        providers::jane::decode_responses,
        &jane_menu(r#""price_each":-3"#),
    );
    assert!(decoded.products.is_empty());
    assert_eq!(decoded.rejected[0].reason, "negative `price_*`");
}

/// Jane: a completed cart with a negative count or unit price is rejected, not history.
#[test]
fn jane_carts_with_negative_lines_are_rejected() {
    for body in [jane_cart(-2, 3.0), jane_cart(2, -3.0)] {
        let decoded = sound(providers::jane::decode_responses, &body);
        assert!(decoded.transactions.is_empty());
        assert_eq!(decoded.rejected.len(), 1, "{decoded:?}");
    }
    let decoded = sound(providers::jane::decode_responses, &jane_cart(2, 3.0));
    assert_eq!(decoded.transactions[0].total.amount, 600);
}

/// A Dispense list page of `record`.
fn dispense_page(record: &str) -> Vec<u8> {
    format!(r#"{{"count":1,"pageCount":1,"skip":0,"limit":1,"data":[{record}]}}"#).into_bytes()
}

/// Dispense: negative weights, contents and flower equivalents are dropped; a variant
/// with a negative price rejects its row.
#[test]
fn dispense_negative_measures_are_dropped_and_negative_variant_prices_rejected() {
    let row = |variant_price: i32| {
        dispense_page(&format!(
            r#"{{"id":"a","name":"n","venue":"v","quantity":1,"enable":true,"modified":"2024-01-01T00:00:00Z","weight":-1,"weightUnit":"GRAMS","flowerEquivalentInGrams":-2,"labs":{{"thc":-1}},"variants":[{{"id":"b","quantity":1,"price":{variant_price},"enable":true}}]}}"#
        ))
    };
    let decoded = sound(providers::dispense::decode_responses, &row(5));
    assert_eq!(decoded.products.len(), 2);
    for p in &decoded.products {
        assert!(p.net_weight.is_none() && p.thc.is_none() && p.flower_equivalent_grams.is_none());
    }
    let decoded = sound(providers::dispense::decode_responses, &row(-5));
    assert!(decoded.products.is_empty());
    assert_eq!(
        decoded.rejected[0].reason,
        "negative or non-finite `variants.price`"
    );
}

/// Dispense: an order total is a magnitude; an item with a negative price rejects the order.
#[test]
fn dispense_negative_order_amounts() {
    let order = |total: i32, price: i32| {
        dispense_page(&format!(
            r#"{{"id":"o","status":"COMPLETED","venue":"v","total":{total},"created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z","items":[{{"product":"p","quantity":1,"price":{price}}}]}}"#
        ))
    };
    let decoded = sound(providers::dispense::decode_responses, &order(-5, 2));
    assert_eq!(decoded.transactions[0].total.amount, 500);
    let decoded = sound(providers::dispense::decode_responses, &order(5, -2));
    assert!(decoded.transactions.is_empty());
    assert!(
        decoded
            .rejected
            .iter()
            .any(|r| r.reason == "negative `items.price`")
    );
}

/// Dutchie: two packages of one product with absurd counts overflowed the per-product
/// sum (a panic with overflow checks, a negative stock without).
#[test]
fn dutchie_package_sums_saturate() {
    let decoded = sound(
        providers::dutchie::decode_responses,
        br#"[{"inventoryId":1,"productId":1,"quantityAvailable":9e18},{"inventoryId":2,"productId":1,"quantityAvailable":9e18}]"#,
    );
    assert_eq!(decoded.stock.len(), 1);
    assert_eq!(decoded.stock[0].on_hand, i64::MAX);
}

/// jane_decode, crash 2 (minimised): a negative price, sent as a string, became a
/// negative catalog price.
#[test]
fn jane_negative_string_price_rejects_the_product() {
    let decoded = sound(
        providers::jane::decode_responses,
        br#"{"data":{"menu_products":[{"id":0,"product_id":0,"name":"","kind":"","price_each":"-5"}]},"metadata":{"count":3,"total":4}}"#,
    );
    assert!(decoded.products.is_empty());
}

/// dispense_decode, crash 1 (minimised): a negative `weight` became a negative net weight.
#[test]
fn dispense_negative_weight_is_dropped() {
    let decoded = sound(
        providers::dispense::decode_responses,
        br#"{"count":4,"pageCount":4,"skip":0,"limit":0,"data":[{"id":"6","name":"","venue":"","weight":-5,"weightUnit":"GRAMS","quantity":3,"enable":true,"modified":"2-2-2T6:0:0Z"}]}"#,
    );
    assert_eq!(decoded.products.len(), 1);
    assert!(decoded.products[0].net_weight.is_none());
}
