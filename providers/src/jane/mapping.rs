//! Jane's wire shapes to Canopy's model: kinds to categories, lineage to
//! strain, percent potency, per-weight prices and stock, cart statuses,
//! customers and purchase history from carts.
//!
//! Unknown vendor values are kept (`Other` + the raw text, `status: None` with the raw
//! `vendor_status`) and logged, never an error. A record that cannot be used
//! at all (no usable weight, negative stock) is an `Err(reason)` for the
//! caller to put into `rejected`.

use chrono::{DateTime, NaiveDateTime, Utc};

use crate::model::{
    ExternalCustomer, ExternalLocation, ExternalProduct, ExternalTransaction, Money, OrderStatus,
    PosOrderStatus, Potency, PotencyUnit, ProductCategory, StockRecord, StrainType,
    TransactionLine, Weight, WeightUnit,
};

use super::guesses::{self, CART_STATUSES, STATUS_CANCELLED, TIME_FORMAT};
use super::models::{Cart, CartProduct, MenuProduct, Store};
use super::weights::JaneWeight;

/// Jane's product kinds and Canopy's categories, both ways. `edible` items
/// whose subtype names a drink are beverages (see [`category`]).
pub(crate) const KINDS: &[(&str, ProductCategory)] = &[
    ("flower", ProductCategory::Flower),
    ("pre-roll", ProductCategory::PreRoll),
    ("vape", ProductCategory::Vape),
    ("extract", ProductCategory::Concentrate),
    ("edible", ProductCategory::Edible),
    ("tincture", ProductCategory::Tincture),
    ("topical", ProductCategory::Topical),
    ("gear", ProductCategory::Accessory),
    ("merch", ProductCategory::Accessory),
];

/// The `edible` subtype Jane files drinks under.
pub(crate) const DRINK_SUBTYPE: &str = "Drinks";

/// Jane's lineage values (`category` on a menu product) and Canopy's strain types.
pub(crate) const LINEAGES: &[(&str, StrainType)] = &[
    ("indica", StrainType::Indica),
    ("sativa", StrainType::Sativa),
    ("hybrid", StrainType::Hybrid),
    ("cbd", StrainType::Cbd),
];

/// The category of a menu product from `kind`, refined by `kind_subtype` /
/// `root_subtype` (drinks among edibles), with the raw text when Canopy does not know
/// it. Unknown kinds are kept and logged.
pub(crate) fn category(
    kind: &str,
    kind_subtype: Option<&str>,
    root_subtype: Option<&str>,
) -> (ProductCategory, Option<String>) {
    let kind = kind.trim();
    let Some((_, category)) = KINDS.iter().find(|(k, _)| k.eq_ignore_ascii_case(kind)) else {
        tracing::warn!(
            vendor = "jane",
            kind,
            "unknown Jane product kind; kept as Other"
        );
        return (ProductCategory::Other, Some(kind.to_owned()));
    };
    let is_drink = [kind_subtype, root_subtype].into_iter().flatten().any(|s| {
        let s = s.to_ascii_lowercase();
        s.contains("drink") || s.contains("beverage")
    });
    if *category == ProductCategory::Edible && is_drink {
        (ProductCategory::Beverage, None)
    } else {
        (*category, None)
    }
}

/// The strain type from Jane's lineage (`category`), with the raw text when Canopy
/// does not know it. Absent means none; unknown values are kept and logged.
pub(crate) fn strain(lineage: Option<&str>) -> (StrainType, Option<String>) {
    let Some(lineage) = lineage.map(str::trim).filter(|l| !l.is_empty()) else {
        return (StrainType::None, None);
    };
    match LINEAGES
        .iter()
        .find(|(l, _)| l.eq_ignore_ascii_case(lineage))
    {
        Some((_, strain)) => (*strain, None),
        None => {
            tracing::warn!(
                vendor = "jane",
                lineage,
                "unknown Jane lineage; kept as Other"
            );
            (StrainType::Other, Some(lineage.to_owned()))
        }
    }
}

/// Canopy's status for a Jane cart status; `None` (logged) when unknown.
pub(crate) fn order_status(vendor_status: &str) -> Option<OrderStatus> {
    let found = CART_STATUSES
        .iter()
        .find(|(s, _)| s.eq_ignore_ascii_case(vendor_status.trim()))
        .map(|(_, status)| *status);
    if found.is_none() {
        tracing::warn!(
            vendor = "jane",
            vendor_status,
            "unknown Jane cart status; kept as vendor_status"
        );
    }
    found
}

/// Reads a Jane time (`YYYY-MM-DD HH:MM:SS`, UTC). An unreadable time is logged and dropped.
pub(crate) fn parse_time(raw: Option<&str>) -> Option<DateTime<Utc>> {
    let raw = raw?.trim();
    match NaiveDateTime::parse_from_str(raw, TIME_FORMAT) {
        Ok(naive) => Some(naive.and_utc()),
        Err(_) => {
            tracing::warn!(vendor = "jane", raw, "unreadable Jane time; ignored");
            None
        }
    }
}

/// Writes a time the way Jane does.
pub(crate) fn format_time(time: DateTime<Utc>) -> String {
    time.format(TIME_FORMAT).to_string()
}

/// The weights a menu product is sold in, in its own order, each once. Unknown
/// entries are logged and skipped; none known means the product is sold `each`.
pub(crate) fn weights(product: &MenuProduct) -> Vec<JaneWeight> {
    let mut weights: Vec<JaneWeight> = Vec::with_capacity(product.available_weights.len());
    for raw in &product.available_weights {
        match JaneWeight::parse(raw) {
            Some(weight) if !weights.contains(&weight) => weights.push(weight),
            Some(_) => {}
            None => {
                tracing::warn!(vendor = "jane", product_id = %product.product_id, "unknown Jane weight; skipped");
            }
        }
    }
    if weights.is_empty() {
        // No weight Canopy knows (or none listed): the product is kept, sold by the unit.
        vec![JaneWeight::Each]
    } else {
        weights
    }
}

/// One Canopy product per weight of a menu product (see [`guesses::variant_id`]);
/// a record with negative stock or a negative price is rejected whole; a negative
/// content, net weight or cart limit is dropped.
pub(crate) fn products(
    product: &MenuProduct,
    store_id: &str,
    currency: &str,
) -> Result<Vec<ExternalProduct>, String> {
    check_inventory(product)?;
    let weights = weights(product);
    if weights
        .iter()
        .filter_map(|w| w.price(product.prices))
        .any(|p| p < 0.0)
    {
        return Err("negative `price_*`".to_owned());
    }
    let (category, category_raw) = category(
        product.kind.as_deref().unwrap_or_default(),
        product.kind_subtype.as_deref(),
        product.root_subtype.as_deref(),
    );
    let (strain_type, strain_type_raw) = strain(product.category.as_deref());
    let single = weights.len() == 1;
    // a negative content is no reading: dropped, like an absent one
    let percent = |value: Option<f64>| {
        value.filter(|v| *v >= 0.0).map(|value| Potency {
            value,
            unit: PotencyUnit::Percent,
        })
    };
    Ok(weights
        .into_iter()
        .map(|weight| {
            let grams = weight.grams();
            let net_weight = grams
                .or(product.net_weight_grams.filter(|g| *g >= 0.0))
                .map(|value| Weight {
                    value,
                    unit: WeightUnit::Grams,
                });
            let flower_equivalent_grams = match category {
                ProductCategory::Flower | ProductCategory::PreRoll => net_weight.map(|w| w.value),
                _ => None,
            };
            ExternalProduct {
                external_id: guesses::variant_id(&product.product_id, weight, single),
                external_location_id: Some(store_id.to_owned()),
                sku: None,
                upc: None,
                name: product.name.clone(),
                brand: product.brand.clone(),
                category,
                category_raw: category_raw.clone(),
                strain_type,
                strain_type_raw: strain_type_raw.clone(),
                thc: percent(product.percent_thc),
                cbd: percent(product.percent_cbd),
                net_weight,
                flower_equivalent_grams,
                abv: None,
                volume_ml: None,
                rec_price: weight.price(product.prices).map(|p| money(p, currency)),
                med_price: None,
                medical_only: false,
                max_per_transaction: product.max_cart_quantity.filter(|m| *m >= 0),
                images: product.image_urls.clone(),
                package_tag: None,
                active: product.visible.unwrap_or(true),
                modified_at: parse_time(product.updated_at.as_deref()),
            }
        })
        .collect())
}

/// A negative count makes the whole record unusable, for the catalog as for stock.
fn check_inventory(product: &MenuProduct) -> Result<(), String> {
    if product.inventory.values().any(|units| *units < 0) {
        Err("negative `inventory`".to_owned())
    } else {
        Ok(())
    }
}

/// The stock of each weight of a menu product, from its `inventory` map
/// [guess]; a weight missing from the map has none. Negative counts reject the product.
pub(crate) fn stock(
    product: &MenuProduct,
    store_id: &str,
    observed_at: DateTime<Utc>,
) -> Result<Vec<StockRecord>, String> {
    check_inventory(product)?;
    let weights = weights(product);
    let single = weights.len() == 1;
    Ok(weights
        .into_iter()
        .map(|weight| {
            let on_hand = product
                .inventory
                .iter()
                .find(|(key, _)| JaneWeight::parse(key) == Some(weight))
                .map_or(0, |(_, units)| *units);
            StockRecord {
                external_product_id: guesses::variant_id(&product.product_id, weight, single),
                external_location_id: store_id.to_owned(),
                on_hand,
                package_tag: None,
                observed_at,
            }
        })
        .collect())
}

/// Jane's store as a Canopy location.
pub(crate) fn location(store: Store) -> ExternalLocation {
    ExternalLocation {
        external_id: store.id,
        name: store.name,
        address: store.address,
        city: store.city,
        state: store.state,
        postal_code: store.zip,
        licence_number: None,
        adult_use: store.recreational,
        medical: store.medical,
        time_zone: store.time_zone,
    }
}

/// A cart's status in Canopy's terms; the vendor's string is always kept.
pub(crate) fn cart_status(cart: &Cart) -> PosOrderStatus {
    PosOrderStatus {
        external_id: cart.id.clone(),
        status: order_status(&cart.status),
        vendor_status: cart.status.clone(),
        transaction_id: cart.pos_order_id.clone(),
        reason: cart.cancellation_reason.clone(),
        updated_at: parse_time(cart.updated_at_time.as_deref()),
    }
}

/// The customer on a cart, when it names a Jane user.
pub(crate) fn cart_customer(cart: &Cart) -> Option<ExternalCustomer> {
    let external_id = cart.user_id.clone()?;
    let (first_name, last_name) = split_name(cart.customer_name.as_deref());
    Some(ExternalCustomer {
        external_id,
        first_name,
        last_name,
        email: cart.customer_email_address.clone(),
        phone: cart.customer_phone_number.clone(),
        date_of_birth: None,
        medical_id: None,
        medical_id_expires: None,
        address: None,
        city: None,
        state: None,
        postal_code: None,
        marketing_opt_in: None,
        modified_at: parse_time(cart.updated_at_time.as_deref()),
    })
}

/// Splits Jane's one `customer_name` at the first space.
fn split_name(full: Option<&str>) -> (Option<String>, Option<String>) {
    let Some(full) = full.map(str::trim).filter(|n| !n.is_empty()) else {
        return (None, None);
    };
    match full.split_once(' ') {
        Some((first, last)) => (Some(first.to_owned()), Some(last.trim().to_owned())),
        None => (Some(full.to_owned()), None),
    }
}

/// Checks what serde cannot on a cart's lines: no negative count or unit price.
pub(crate) fn check_cart(cart: &Cart) -> Result<(), String> {
    if cart.products.iter().any(|l| l.count < 0) {
        Err("negative `products.count`".to_owned())
    } else if cart.products.iter().any(|l| l.unit_price < 0.0) {
        Err("negative `products.unit_price`".to_owned())
    } else {
        Ok(())
    }
}

/// Purchase history from a cart [guess]: a cart with a `completed_time`
/// was sold at the register, under its `pos_order_id` (the cart id when
/// absent). It is a sale, or with `refund` a return (of the sale in
/// `refund_of`, when known); it is void when the cart is now `cancelled`.
/// Other carts have no history.
pub(crate) fn cart_transaction(
    cart: &Cart,
    store_id: &str,
    currency: &str,
) -> Option<ExternalTransaction> {
    let occurred_at = parse_time(cart.completed_time.as_deref())?;
    let is_return = cart.refund || cart.refund_of.is_some();
    let total = cart.amount.unwrap_or_else(|| {
        cart.products
            .iter()
            .map(|l| l.unit_price * l.count as f64)
            .sum()
    });
    Some(ExternalTransaction {
        external_id: cart.pos_order_id.clone().unwrap_or_else(|| cart.id.clone()),
        external_customer_id: cart.user_id.clone(),
        external_location_id: cart.store_id.clone().unwrap_or_else(|| store_id.to_owned()),
        occurred_at,
        // amounts are magnitudes; `is_return` says which way the money went
        total: money(total.abs(), currency),
        lines: cart
            .products
            .iter()
            .map(|l| line(l, is_return, currency))
            .collect(),
        is_return,
        return_of: cart.refund_of.clone(),
        is_void: cart.status.trim().eq_ignore_ascii_case(STATUS_CANCELLED),
        external_order_id: (cart.external_order_id.is_some() && !is_return)
            .then(|| cart.id.clone()),
        order_reference: cart.external_order_id.clone(),
        modified_at: parse_time(cart.updated_at_time.as_deref()),
    })
}

fn line(product: &CartProduct, returned: bool, currency: &str) -> TransactionLine {
    let weight = product.price_id.as_deref().and_then(JaneWeight::parse);
    TransactionLine {
        external_product_id: match weight {
            Some(weight) => guesses::variant_id(&product.product_id, weight, false),
            None => product.product_id.clone(),
        },
        quantity: product.count,
        amount: money(product.unit_price * product.count as f64, currency),
        returned,
        package_tag: None,
    }
}

/// Dollars to minor units, rounding half away from zero like
/// [`Money::from_major`]; every amount here passed `lenient`, which admits
/// only finite numbers.
pub(crate) fn money(major: f64, currency: &str) -> Money {
    Money {
        amount: (major * 100.0).round() as i64,
        currency: currency.to_owned(),
    }
}
