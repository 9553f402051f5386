//! Parses the fixtures in `tests/fixtures/dispense/` (Dispense's documented
//! shapes) and checks their normalisation.

#![allow(clippy::unwrap_used)]

use serde_json::Value;

use super::decode;
use super::mapping;
use super::models::{Cart, ErrorBody, ListEnvelope, MessageBody, Order, Product, Venue};
use crate::model::{
    Money, OrderStatus, Potency, PotencyUnit, ProductCategory, StrainType, Weight, WeightUnit,
};

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!("../../tests/fixtures/dispense/", $name))
    };
}

fn products() -> Vec<Product> {
    let page: ListEnvelope<Product> = serde_json::from_str(fixture!("products.json")).unwrap();
    assert_eq!((page.count, page.page_count), (4, 4));
    page.data
}

#[test]
fn products_normalise() {
    let items: Vec<_> = products().iter().flat_map(mapping::products).collect();
    let ids: Vec<_> = items.iter().map(|p| p.external_id.as_str()).collect();
    // The deleted variant is left out; the live one is a SKU of its own.
    assert_eq!(
        ids,
        [
            "64b1f0a2c3d4e5f6",
            "64b1f0a2c3d4e5f7",
            "64b1f0a2c3d4e5f8",
            "64b1f0a2c3d4e5f9",
            "64b1f0a2c3d4e5fb"
        ]
    );
    let flower = &items[0];
    assert_eq!(flower.category, ProductCategory::Flower);
    assert_eq!(flower.strain_type, StrainType::Hybrid);
    assert_eq!(flower.brand.as_deref(), Some("Emerald Farms"));
    assert_eq!(
        flower.thc,
        Some(Potency {
            value: 24.1,
            unit: PotencyUnit::Percent
        })
    );
    assert_eq!(
        flower.net_weight,
        Some(Weight {
            value: 3.5,
            unit: WeightUnit::Grams
        })
    );
    assert_eq!(flower.rec_price, Some(Money::usd(4500)));
    assert_eq!(flower.images.len(), 2, "the primary image is not repeated");
    assert_eq!(
        flower.external_location_id.as_deref(),
        Some("578f14c8e658dfdc")
    );

    let gummies = &items[1];
    assert_eq!(gummies.category, ProductCategory::Edible);
    assert_eq!(gummies.brand, None);
    assert!(!gummies.active);
    assert_eq!(gummies.rec_price, Some(Money::usd(1899)));
    assert_eq!(
        gummies.thc,
        Some(Potency {
            value: 100.0,
            unit: PotencyUnit::Milligrams
        })
    );
    assert_eq!(
        gummies.cbd,
        Some(Potency {
            value: 5.0,
            unit: PotencyUnit::Milligrams
        })
    );
    assert_eq!(
        gummies.net_weight,
        Some(Weight {
            value: 100.0,
            unit: WeightUnit::Milligrams
        })
    );

    let variant = &items[3];
    assert_eq!(variant.name, "Sour Diesel Cart 1g");
    assert_eq!(variant.rec_price, Some(Money::usd(5500)));
    assert_eq!(variant.category, ProductCategory::Vape);

    let pipe = &items[4];
    assert_eq!(pipe.category, ProductCategory::Other);
    assert_eq!(pipe.category_raw.as_deref(), Some("SMOKING_GEAR"));
    assert_eq!(pipe.strain_type, StrainType::None);
    assert_eq!(pipe.thc, None);
}

#[test]
fn stock_comes_from_quantities_and_live_variants() {
    let records: Vec<_> = products().iter().flat_map(mapping::stock).collect();
    let counts: Vec<_> = records
        .iter()
        .map(|r| (r.external_product_id.as_str(), r.on_hand))
        .collect();
    assert_eq!(
        counts,
        [
            ("64b1f0a2c3d4e5f6", 12),
            ("64b1f0a2c3d4e5f7", 0),
            ("64b1f0a2c3d4e5f8", 3),
            ("64b1f0a2c3d4e5f9", 4),
            ("64b1f0a2c3d4e5fb", 7)
        ]
    );
}

#[test]
fn bad_products_are_rejected_one_by_one() {
    let page: ListEnvelope<Value> = serde_json::from_str(fixture!("products_bad.json")).unwrap();
    let mut decoder = decode::products();
    decoder.push_page(page.data);
    assert_eq!(decoder.items.len(), 1);
    let rejected: Vec<_> = decoder
        .rejected
        .iter()
        .map(|r| r.external_id.as_deref().unwrap())
        .collect();
    assert_eq!(rejected, ["no-name", "wrong-type", "negative", "ok-1"]);
    assert!(
        decoder
            .rejected
            .iter()
            .all(|r| r.endpoint == "GET /products")
    );
}

#[test]
fn venue_normalises() {
    let venue: Venue = serde_json::from_str(fixture!("venue.json")).unwrap();
    let location = mapping::location(&venue);
    assert_eq!(location.external_id, "578f14c8e658dfdc");
    assert_eq!(location.address.as_deref(), Some("120 Main St"));
    assert_eq!(location.state.as_deref(), Some("CA"));
    assert!(location.adult_use && !location.medical);
    assert_eq!(venue.schedule.len(), 2);
}

#[test]
fn error_bodies_parse() {
    let not_found: MessageBody = serde_json::from_str(fixture!("venue_not_found.json")).unwrap();
    assert_eq!(not_found.message, "venue not found");
    let error: ErrorBody = serde_json::from_str(fixture!("error_unauthenticated.json")).unwrap();
    assert_eq!(error.name, "UnauthenticatedError");
    assert_eq!(error.errors[0].kind, "UnauthenticatedError");
}

#[test]
fn orders_give_statuses_transactions_and_customers() {
    let page: ListEnvelope<Order> = serde_json::from_str(fixture!("orders.json")).unwrap();
    let statuses: Vec<_> = page.data.iter().map(mapping::order_status).collect();
    assert_eq!(statuses[0].status, Some(OrderStatus::Completed));
    assert_eq!(statuses[0].transaction_id.as_deref(), Some("ord-1"));
    assert_eq!(statuses[1].status, Some(OrderStatus::Cancelled));
    assert_eq!(statuses[1].reason.as_deref(), Some("customer asked"));
    assert_eq!(statuses[2].status, Some(OrderStatus::Submitted));
    // Unknown statuses are kept, not mapped.
    assert_eq!(statuses[3].status, None);
    assert_eq!(statuses[3].vendor_status, "ON_HOLD");

    let transactions: Vec<_> = page.data.iter().filter_map(mapping::transaction).collect();
    assert_eq!(transactions.len(), 2);
    assert!(!transactions[0].is_void && transactions[1].is_void);
    assert_eq!(transactions[0].total, Money::usd(9000));
    assert_eq!(transactions[0].lines[0].amount, Money::usd(9000));
    assert_eq!(
        transactions[1].order_reference.as_deref(),
        Some("0b9c6f36-3ad5-4cb1-9d2c-7f0e0d1f2a3b")
    );

    let user = page.data[0].user.as_ref().unwrap();
    let customer = mapping::customer(user, page.data[0].modified);
    assert_eq!(
        customer.date_of_birth.map(|d| d.to_string()).as_deref(),
        Some("1990-12-10")
    );
}

#[test]
fn carts_parse() {
    let cart: Cart = serde_json::from_str(fixture!("cart.json")).unwrap();
    assert_eq!(cart.items[1].status.as_deref(), Some("SOLD_OUT"));
    assert_eq!(cart.items[0].status, None);
}

#[test]
fn vocabularies_round_trip() {
    for category in [
        ProductCategory::Flower,
        ProductCategory::PreRoll,
        ProductCategory::Vape,
        ProductCategory::Concentrate,
        ProductCategory::Edible,
        ProductCategory::Tincture,
        ProductCategory::Topical,
        ProductCategory::Beverage,
        ProductCategory::Accessory,
    ] {
        assert_eq!(
            mapping::category(Some(&mapping::category_to_wire(category, None))),
            (category, None)
        );
    }
    let other = (ProductCategory::Other, Some("CAPSULES".to_owned()));
    assert_eq!(
        mapping::category(Some(&mapping::category_to_wire(
            other.0,
            other.1.as_deref()
        ))),
        other
    );
    for strain in [
        StrainType::Indica,
        StrainType::Sativa,
        StrainType::Hybrid,
        StrainType::Cbd,
        StrainType::None,
    ] {
        assert_eq!(
            mapping::strain(Some(&mapping::strain_to_wire(strain, None))),
            (strain, None)
        );
    }
    let w = Weight {
        value: 1.0,
        unit: WeightUnit::Ounces,
    };
    let (value, unit) = mapping::weight_to_wire(Some(&w));
    assert_eq!(mapping::weight(value, unit.as_deref()), Some(w));
    assert_eq!(
        mapping::weight(Some(1.5), Some("KILOGRAMS")),
        Some(Weight {
            value: 1500.0,
            unit: WeightUnit::Grams
        })
    );
    let thc = Potency {
        value: 10.0,
        unit: PotencyUnit::MilligramsPerGram,
    };
    let labs = mapping::labs_to_wire(Some(&thc), None);
    assert_eq!(
        mapping::potency(labs.thc, labs.thc_content_unit.as_deref()),
        Some(thc)
    );
}
