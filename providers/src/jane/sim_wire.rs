//! The Jane simulator's rendering of the store's model records in Jane's
//! wire shapes: the inverse of `mapping`, using the same tables so the two
//! cannot drift apart.
//!
//! Each store product is one menu product sold in one weight: flower whose
//! net weight is one of Jane's weights is sold by that weight, everything
//! else `each` with its net content in `net_weight_grams` [guess].

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::model::{
    ExternalCustomer, ExternalLocation, ExternalProduct, ExternalTransaction, Fulfillment,
    PotencyUnit, ProductCategory, StrainType,
};
use crate::simulator::store::SimOrder;

use super::guesses::{STATUS_CANCELLED, STATUS_FINISHED};
use super::mapping::{DRINK_SUBTYPE, KINDS, LINEAGES, format_time};
use super::models::{Cart, CartProduct, MenuProduct, Store, WeightPrices};
use super::weights::JaneWeight;

/// A store location as Jane describes it.
pub(crate) fn store(location: &ExternalLocation) -> Store {
    Store {
        id: location.external_id.clone(),
        name: location.name.clone(),
        address: location.address.clone(),
        city: location.city.clone(),
        state: location.state.clone(),
        zip: location.postal_code.clone(),
        recreational: location.adult_use,
        medical: location.medical,
        time_zone: location.time_zone.clone(),
    }
}

/// The weight a product is sold in.
fn sale_weight(product: &ExternalProduct) -> JaneWeight {
    let grams = product.net_weight.and_then(|w| w.grams());
    match (&product.category, grams) {
        (ProductCategory::Flower, Some(grams)) => {
            JaneWeight::from_grams(grams).unwrap_or(JaneWeight::Each)
        }
        _ => JaneWeight::Each,
    }
}

/// Jane's `kind` and `kind_subtype` for a category (an `Other` keeps its raw value).
fn kind(category: ProductCategory, raw: Option<&str>) -> (String, Option<String>) {
    if category == ProductCategory::Beverage {
        return ("edible".to_owned(), Some(DRINK_SUBTYPE.to_owned()));
    }
    match (category, raw, KINDS.iter().find(|(_, c)| *c == category)) {
        (_, _, Some((kind, _))) => ((*kind).to_owned(), None),
        (ProductCategory::Other, Some(raw), None) => (raw.to_owned(), None),
        (other, _, None) => (other.as_str().to_ascii_lowercase(), None),
    }
}

/// Jane's lineage for a strain type (an `Other` keeps its raw value).
fn lineage(strain: StrainType, raw: Option<&str>) -> Option<String> {
    match (strain, raw, LINEAGES.iter().find(|(_, s)| *s == strain)) {
        (_, _, Some((lineage, _))) => Some((*lineage).to_owned()),
        (StrainType::Other, Some(raw), None) => Some(raw.to_owned()),
        _ => None,
    }
}

/// A store product on the menu of `store_id`, with its units on hand.
pub(crate) fn menu_product(product: &ExternalProduct, store_id: &str, on_hand: i64) -> MenuProduct {
    let weight = sale_weight(product);
    let (kind, kind_subtype) = kind(product.category, product.category_raw.as_deref());
    let percent = |p: Option<crate::model::Potency>| {
        p.filter(|p| p.unit == PotencyUnit::Percent)
            .map(|p| p.value)
    };
    let mut prices = WeightPrices::default();
    weight.set_price(
        &mut prices,
        product.rec_price.as_ref().map(|m| m.amount as f64 / 100.0),
    );
    MenuProduct {
        id: Some(format!("{store_id}-{}", product.external_id)),
        product_id: product.external_id.clone(),
        name: product.name.clone(),
        brand: product.brand.clone(),
        root_subtype: kind_subtype.clone(),
        kind: Some(kind),
        kind_subtype,
        category: lineage(product.strain_type, product.strain_type_raw.as_deref()),
        percent_thc: percent(product.thc),
        percent_cbd: percent(product.cbd),
        available_weights: vec![weight.key().to_owned()],
        max_cart_quantity: product.max_per_transaction,
        prices,
        image_urls: product.images.clone(),
        inventory: BTreeMap::from([(weight.key().to_owned(), on_hand)]),
        net_weight_grams: match weight {
            JaneWeight::Each => product.net_weight.and_then(|w| w.grams()),
            _ => None,
        },
        visible: (!product.active).then_some(false),
        updated_at: product.modified_at.map(format_time),
    }
}

fn dollars(minor: i64) -> f64 {
    minor as f64 / 100.0
}

fn name_of(first: Option<&str>, last: Option<&str>) -> Option<String> {
    let name = [first, last]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    (!name.is_empty()).then_some(name)
}

/// An order as its Jane cart; `completed` is when its sale happened, if it did.
pub(crate) fn order_cart(order: &SimOrder, completed: Option<DateTime<Utc>>) -> Cart {
    let customer = &order.customer;
    Cart {
        id: order.external_id.clone(),
        status: order.status.clone(),
        reservation_mode: Some(
            match order.fulfillment {
                Fulfillment::Pickup => "pickup",
                Fulfillment::Delivery => "delivery",
            }
            .to_owned(),
        ),
        reservation_start_window: None,
        checked_out_time: Some(format_time(order.created_at)),
        created_at: Some(format_time(order.created_at)),
        updated_at_time: Some(format_time(order.modified_at)),
        amount: Some(dollars(order.total.amount)),
        store_id: Some(order.location_id.clone()),
        store_name: None,
        pos_order_id: order.transaction_id.clone(),
        queue_number: None,
        customer_name: name_of(Some(&customer.first_name), Some(&customer.last_name)),
        customer_email_address: customer.email.clone(),
        customer_phone_number: customer.phone.clone(),
        user_id: order.customer_id.clone(),
        external_user_id: None,
        external_user_source: None,
        promo_code: None,
        tags: Vec::new(),
        external_order_id: Some(order.order_reference.clone()),
        products: order
            .lines
            .iter()
            .map(|l| CartProduct {
                product_id: l.external_product_id.clone(),
                price_id: None,
                count: l.quantity,
                unit_price: dollars(l.unit_price.amount),
            })
            .collect(),
        completed_time: completed.map(format_time),
        refund: false,
        refund_of: None,
        cancellation_reason: order.reason.clone(),
    }
}

/// A register transaction (a walk-in sale or return, or the refund of an
/// online order) as a completed cart [guess].
pub(crate) fn transaction_cart(
    tx: &ExternalTransaction,
    customer: Option<&ExternalCustomer>,
    order_reference: Option<&str>,
) -> Cart {
    Cart {
        id: tx.external_id.clone(),
        status: if tx.is_void {
            STATUS_CANCELLED
        } else {
            STATUS_FINISHED
        }
        .to_owned(),
        reservation_mode: None,
        reservation_start_window: None,
        checked_out_time: None,
        created_at: Some(format_time(tx.occurred_at)),
        updated_at_time: Some(format_time(tx.modified_at.unwrap_or(tx.occurred_at))),
        amount: Some(dollars(tx.total.amount)),
        store_id: Some(tx.external_location_id.clone()),
        store_name: None,
        pos_order_id: Some(tx.external_id.clone()),
        queue_number: None,
        customer_name: customer
            .and_then(|c| name_of(c.first_name.as_deref(), c.last_name.as_deref())),
        customer_email_address: customer.and_then(|c| c.email.clone()),
        customer_phone_number: customer.and_then(|c| c.phone.clone()),
        user_id: tx.external_customer_id.clone(),
        external_user_id: None,
        external_user_source: None,
        promo_code: None,
        tags: Vec::new(),
        external_order_id: order_reference.map(str::to_owned),
        products: tx
            .lines
            .iter()
            .map(|l| CartProduct {
                product_id: l.external_product_id.clone(),
                price_id: None,
                count: l.quantity,
                unit_price: if l.quantity == 0 {
                    0.0
                } else {
                    dollars(l.amount.amount) / l.quantity as f64
                },
            })
            .collect(),
        completed_time: Some(format_time(tx.occurred_at)),
        refund: tx.is_return,
        refund_of: tx.return_of.clone(),
        cancellation_reason: None,
    }
}
