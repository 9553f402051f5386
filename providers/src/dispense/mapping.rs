//! Normalisation between Dispense's wire shapes and Canopy's model.
//!
//! Each vendor vocabulary (compliance types, cannabis types, weight and
//! potency units, order statuses) is one table read in both directions: the
//! adapter maps wire → model, the simulator model → wire. Unknown vendor
//! values are kept (`Other` + the raw text, `status: None` + `vendor_status`) and
//! logged, never a failure.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};

use super::guesses;
use super::models::{Labs, Order, Product, User, Variant, Venue};
use crate::model::{
    ExternalCustomer, ExternalLocation, ExternalProduct, ExternalTransaction, Money, OrderStatus,
    PosOrderStatus, Potency, PotencyUnit, ProductCategory, StockRecord, StrainType,
    TransactionLine, Weight, WeightUnit,
};

/// Dispense prices are US dollars.
pub(crate) const CURRENCY: &str = "USD";

/// `cannabisComplianceType` values and their categories. The first entry for
/// a category is the one the simulator sends.
const CATEGORIES: &[(&str, ProductCategory)] = &[
    ("FLOWER", ProductCategory::Flower),
    ("PRE_ROLLS", ProductCategory::PreRoll),
    ("VAPORIZERS", ProductCategory::Vape),
    ("CONCENTRATES", ProductCategory::Concentrate),
    ("CONCENTRATE", ProductCategory::Concentrate),
    ("EDIBLES", ProductCategory::Edible),
    ("TINCTURES", ProductCategory::Tincture),
    ("TOPICALS", ProductCategory::Topical),
    ("BEVERAGES", ProductCategory::Beverage),
    ("ACCESSORIES", ProductCategory::Accessory),
    ("MERCHANDISE", ProductCategory::Accessory),
];

/// Compliance types Dispense documents that Canopy has no category for: kept
/// as `Other` without a warning.
const KNOWN_OTHER_CATEGORIES: &[&str] = &["CAPSULES", "SEEDS"];

/// `cannabisType` values and their strain types. The first entry for a strain
/// type is the one the simulator sends.
const STRAINS: &[(&str, StrainType)] = &[
    ("INDICA", StrainType::Indica),
    ("SATIVA", StrainType::Sativa),
    ("HYBRID", StrainType::Hybrid),
    ("HYBRID_INDICA", StrainType::Hybrid),
    ("HYBRID_SATIVA", StrainType::Hybrid),
    ("CBD", StrainType::Cbd),
    ("NA", StrainType::None),
];

/// `weightUnit` values and the unit plus factor into it.
const WEIGHT_UNITS: &[(&str, WeightUnit, f64)] = &[
    ("GRAMS", WeightUnit::Grams, 1.0),
    ("MILLIGRAMS", WeightUnit::Milligrams, 1.0),
    ("OUNCES", WeightUnit::Ounces, 1.0),
    ("POUNDS", WeightUnit::Pounds, 1.0),
    ("KILOGRAMS", WeightUnit::Grams, 1000.0),
    ("MG", WeightUnit::Milligrams, 1.0),
];

/// `thcContentUnit` / `cbdContentUnit` values.
const POTENCY_UNITS: &[(&str, PotencyUnit)] = &[
    ("%", PotencyUnit::Percent),
    ("mg", PotencyUnit::Milligrams),
    ("mg/g", PotencyUnit::MilligramsPerGram),
    ("PERCENT", PotencyUnit::Percent),
    ("PERCENTAGE", PotencyUnit::Percent),
    ("MILLIGRAMS", PotencyUnit::Milligrams),
];

fn lookup<'a, V>(table: &'a [(&'static str, V)], raw: &str) -> Option<&'a V> {
    let raw = raw.trim();
    table
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(raw))
        .map(|(_, v)| v)
}

fn reverse<V: PartialEq>(table: &[(&'static str, V)], value: &V) -> Option<&'static str> {
    table
        .iter()
        .find(|(_, v)| v == value)
        .map(|(name, _)| *name)
}

/// The category of a `cannabisComplianceType`, with the raw text when Canopy does not
/// know it; unknown values are kept and logged.
pub(crate) fn category(raw: Option<&str>) -> (ProductCategory, Option<String>) {
    let Some(raw) = raw else {
        return (ProductCategory::Other, Some(String::new()));
    };
    if let Some(category) = lookup(CATEGORIES, raw) {
        return (*category, None);
    }
    if !KNOWN_OTHER_CATEGORIES
        .iter()
        .any(|known| known.eq_ignore_ascii_case(raw.trim()))
    {
        tracing::warn!(
            vendor = "dispense",
            value = raw,
            "unknown cannabisComplianceType"
        );
    }
    (ProductCategory::Other, Some(raw.to_owned()))
}

/// The `cannabisComplianceType` the simulator sends for a category (an `Other` keeps
/// its raw value).
pub(crate) fn category_to_wire(category: ProductCategory, raw: Option<&str>) -> String {
    match (category, raw) {
        (ProductCategory::Other, Some(raw)) => raw.to_owned(),
        (known, _) => reverse(CATEGORIES, &known)
            .unwrap_or_else(|| known.as_str())
            .to_owned(),
    }
}

/// The strain type of a `cannabisType`, with the raw text when Canopy does not know it;
/// absent means not applicable, unknown values are kept and logged.
pub(crate) fn strain(raw: Option<&str>) -> (StrainType, Option<String>) {
    let Some(raw) = raw else {
        return (StrainType::None, None);
    };
    match lookup(STRAINS, raw) {
        Some(known) => (*known, None),
        None => {
            tracing::warn!(vendor = "dispense", value = raw, "unknown cannabisType");
            (StrainType::Other, Some(raw.to_owned()))
        }
    }
}

/// The `cannabisType` the simulator sends for a strain type (an `Other` keeps its raw
/// value).
pub(crate) fn strain_to_wire(strain: StrainType, raw: Option<&str>) -> String {
    match (strain, raw) {
        (StrainType::Other, Some(raw)) => raw.to_owned(),
        (known, _) => reverse(STRAINS, &known).unwrap_or("NA").to_owned(),
    }
}

/// A net weight from `weight` + `weightUnit`; an unknown unit is kept as `OTHER`
/// (logged), a missing one drops the weight, and so does a negative weight or one too
/// large to convert.
pub(crate) fn weight(value: Option<f64>, unit: Option<&str>) -> Option<Weight> {
    let value = value.filter(|v| measure(*v))?;
    let raw = unit.map(str::trim).filter(|u| !u.is_empty())?;
    let (unit, factor) = WEIGHT_UNITS
        .iter()
        .find(|(name, _, _)| name.eq_ignore_ascii_case(raw))
        .map_or_else(
            || {
                tracing::warn!(vendor = "dispense", "unknown weightUnit kept as OTHER");
                (WeightUnit::Other, 1.0)
            },
            |&(_, unit, factor)| (unit, factor),
        );
    Some(Weight {
        value: value * factor,
        unit,
    })
    .filter(|w| measure(w.value))
}

/// A quantity that can be measured: finite and not negative.
fn measure(value: f64) -> bool {
    value.is_finite() && value >= 0.0
}

/// The `weight` + `weightUnit` the simulator sends; units Dispense has no name for are sent as `null`.
pub(crate) fn weight_to_wire(weight: Option<&Weight>) -> (Option<f64>, Option<String>) {
    weight
        .and_then(|w| {
            WEIGHT_UNITS
                .iter()
                .find(|(_, unit, factor)| *unit == w.unit && *factor == 1.0)
                .map(|(name, _, _)| (Some(w.value), Some((*name).to_owned())))
        })
        .unwrap_or((None, None))
}

/// A cannabinoid content; a missing unit is taken as percent, an unknown one is kept
/// as `OTHER` (logged); a negative content is dropped.
pub(crate) fn potency(value: Option<f64>, unit: Option<&str>) -> Option<Potency> {
    let value = value.filter(|v| measure(*v))?;
    let unit = match unit {
        None => PotencyUnit::Percent,
        Some(raw) => lookup(POTENCY_UNITS, raw).copied().unwrap_or_else(|| {
            tracing::warn!(vendor = "dispense", "unknown potency unit kept as OTHER");
            PotencyUnit::Other
        }),
    };
    Some(Potency { value, unit })
}

/// The `labs` object the simulator sends.
pub(crate) fn labs_to_wire(thc: Option<&Potency>, cbd: Option<&Potency>) -> Labs {
    let unit =
        |p: Option<&Potency>| p.and_then(|p| reverse(POTENCY_UNITS, &p.unit).map(str::to_owned));
    Labs {
        thc: thc.map(|p| p.value),
        cbd: cbd.map(|p| p.value),
        thc_content_unit: unit(thc),
        cbd_content_unit: unit(cbd),
    }
}

/// A price in minor units.
pub(crate) fn money(major: f64) -> Option<Money> {
    Money::from_major(major, CURRENCY)
}

/// Checks what serde cannot: quantities and prices in range, ids present.
pub(crate) fn validate_product(product: &Product) -> Result<(), String> {
    if product.id.trim().is_empty() {
        return Err("missing field `id`".to_owned());
    }
    if product.quantity < 0 {
        return Err("negative `quantity`".to_owned());
    }
    if let Some(price) = product.price
        && !(price.is_finite() && price >= 0.0)
    {
        return Err("negative or non-finite `price`".to_owned());
    }
    if product.variants.iter().any(|v| v.quantity < 0) {
        return Err("negative `variants.quantity`".to_owned());
    }
    if product
        .variants
        .iter()
        .any(|v| v.price.is_some_and(|p| !(p.is_finite() && p >= 0.0)))
    {
        return Err("negative or non-finite `variants.price`".to_owned());
    }
    Ok(())
}

/// The variants of a row that are sellable SKUs of their own.
fn live_variants(product: &Product) -> impl Iterator<Item = &Variant> {
    product
        .variants
        .iter()
        .filter(move |v| !v.deleted && v.id != product.id)
}

/// A product row (and its live variants) as catalog items.
pub(crate) fn products(product: &Product) -> Vec<ExternalProduct> {
    let labs = product.labs.clone().unwrap_or_default();
    let cbd_unit = labs
        .cbd_content_unit
        .as_deref()
        .or(labs.thc_content_unit.as_deref());
    let (category, category_raw) = category(product.cannabis_compliance_type.as_deref());
    let (strain_type, strain_type_raw) = strain(product.cannabis_type.as_deref());
    let base = ExternalProduct {
        external_id: product.id.clone(),
        external_location_id: Some(product.venue.clone()),
        sku: product.sku.clone(),
        // Dispense has no barcode field; stores that key their SKUs by scanning the
        // barcode hold a GTIN there, recognised by its length and check digit [guess]
        upc: product
            .sku
            .as_deref()
            .and_then(|sku| crate::gtin::normalise(sku).ok()),
        name: product.name.clone(),
        brand: product.brand.as_ref().and_then(|b| b.name.clone()),
        category,
        category_raw,
        strain_type,
        strain_type_raw,
        thc: potency(labs.thc, labs.thc_content_unit.as_deref()),
        cbd: potency(labs.cbd, cbd_unit),
        net_weight: weight(product.weight, product.weight_unit.as_deref()),
        flower_equivalent_grams: product.flower_equivalent_in_grams.filter(|g| measure(*g)),
        abv: None,
        volume_ml: None,
        rec_price: product.price.and_then(money),
        med_price: None,
        medical_only: false,
        max_per_transaction: None,
        images: product
            .image
            .iter()
            .cloned()
            .chain(product.images.iter().map(|i| i.file_url.clone()))
            .fold(Vec::new(), |mut all, url| {
                if !all.contains(&url) {
                    all.push(url);
                }
                all
            }),
        package_tag: None,
        active: product.enable,
        modified_at: Some(product.modified),
    };
    let variants: Vec<ExternalProduct> = live_variants(product)
        .map(|v| ExternalProduct {
            external_id: v.id.clone(),
            sku: None,
            upc: None,
            name: match &v.name {
                Some(size) => format!("{} {size}", product.name),
                None => product.name.clone(),
            },
            net_weight: weight(v.weight, v.weight_unit.as_deref()).or(base.net_weight),
            rec_price: v.price.and_then(money).or_else(|| base.rec_price.clone()),
            active: product.enable && v.enable,
            ..base.clone()
        })
        .collect();
    std::iter::once(base).chain(variants).collect()
}

/// The catalog of product rows read from every venue: a product listed at several
/// venues is one catalog item, not tied to a venue.
pub(crate) fn catalog(rows: &[Product]) -> Vec<ExternalProduct> {
    let mut items: Vec<ExternalProduct> = Vec::with_capacity(rows.len());
    let mut index: HashMap<String, usize> = HashMap::with_capacity(rows.len());
    for product in rows.iter().flat_map(products) {
        match index.get(&product.external_id) {
            Some(&i) => items[i].external_location_id = None,
            None => {
                index.insert(product.external_id.clone(), items.len());
                items.push(product);
            }
        }
    }
    items
}

/// Stock counts of a product row (and its live variants) at its venue.
pub(crate) fn stock(product: &Product) -> Vec<StockRecord> {
    let record = |id: &str, on_hand: i64| StockRecord {
        external_product_id: id.to_owned(),
        external_location_id: product.venue.clone(),
        on_hand,
        package_tag: None,
        observed_at: product.modified,
    };
    std::iter::once(record(&product.id, product.quantity))
        .chain(live_variants(product).map(|v| record(&v.id, v.quantity)))
        .collect()
}

/// A venue as a Canopy location.
pub(crate) fn location(venue: &Venue) -> ExternalLocation {
    let address = venue.address.clone().unwrap_or_default();
    let street = match (&address.number, &address.street) {
        (Some(n), Some(s)) => Some(format!("{n} {s}")),
        (None, Some(s)) => Some(s.clone()),
        _ => venue.address_formatted.clone(),
    };
    let (adult_use, medical) = guesses::venue_serves(venue.medical_dispensary);
    ExternalLocation {
        external_id: venue.id.clone(),
        name: venue.name.clone(),
        address: street,
        city: address.city,
        state: address.administrative_area,
        postal_code: address.postal_code,
        licence_number: None,
        adult_use,
        medical,
        time_zone: None,
    }
}

/// Canopy's status for a Dispense order status; unknown values are logged and give `None`.
pub(crate) fn order_status_of(raw: &str) -> Option<OrderStatus> {
    let status = lookup(guesses::ORDER_STATUSES, raw).copied();
    if status.is_none() {
        tracing::warn!(vendor = "dispense", value = raw, "unknown order status");
    }
    status
}

/// An order's status as Canopy reports it.
pub(crate) fn order_status(order: &Order) -> PosOrderStatus {
    let status = order_status_of(&order.status);
    PosOrderStatus {
        external_id: order.id.clone(),
        status,
        vendor_status: order.status.clone(),
        transaction_id: (status == Some(OrderStatus::Completed)).then(|| order.id.clone()),
        reason: order.cancel_reason.clone(),
        updated_at: Some(order.modified),
    }
}

fn birthday(raw: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok().or_else(|| {
        DateTime::parse_from_rfc3339(raw)
            .ok()
            .map(|d| d.date_naive())
    })
}

/// The customer on an order, as of the order's last change.
pub(crate) fn customer(user: &User, modified: DateTime<Utc>) -> ExternalCustomer {
    ExternalCustomer {
        external_id: user.id.clone(),
        first_name: user.first_name.clone(),
        last_name: user.last_name.clone(),
        email: user.email.clone(),
        phone: user.phone.clone(),
        date_of_birth: user.birthday.as_deref().and_then(birthday),
        medical_id: None,
        medical_id_expires: None,
        address: None,
        city: None,
        state: None,
        postal_code: None,
        marketing_opt_in: None,
        modified_at: Some(modified),
    }
}

/// The users on `orders`, each as of their latest order, by id.
pub(crate) fn customers(orders: &[Order]) -> Vec<ExternalCustomer> {
    let mut latest: HashMap<&str, &Order> = HashMap::new();
    for order in orders {
        if let Some(user) = &order.user {
            let entry = latest.entry(user.id.as_str()).or_insert(order);
            if order.modified > entry.modified {
                *entry = order;
            }
        }
    }
    let mut items: Vec<ExternalCustomer> = latest
        .into_values()
        .filter_map(|order| Some(customer(order.user.as_ref()?, order.modified)))
        .collect();
    items.sort_by(|a, b| a.external_id.cmp(&b.external_id));
    items
}

/// A completed order as a sale, a cancelled one as a void, a returned one as
/// a return; other orders are not purchase history.
pub(crate) fn transaction(order: &Order) -> Option<ExternalTransaction> {
    let (is_void, is_return) = match order_status_of(&order.status)? {
        OrderStatus::Completed => (false, false),
        OrderStatus::Cancelled => (true, false),
        OrderStatus::Returned => (false, true),
        _ => return None,
    };
    Some(ExternalTransaction {
        external_id: order.id.clone(),
        external_customer_id: order.user.as_ref().map(|u| u.id.clone()),
        external_location_id: order.venue.clone(),
        // A sale happens when the order completes; a void or return records the original time.
        occurred_at: if is_void || is_return {
            order.created
        } else {
            order.modified
        },
        // amounts are magnitudes; `is_return` says which way the money went
        total: money(order.total.abs())?,
        lines: order
            .items
            .iter()
            .map(|item| {
                Some(TransactionLine {
                    external_product_id: item.product.clone(),
                    quantity: item.quantity,
                    amount: money(item.price * item.quantity as f64)?,
                    returned: is_return,
                    package_tag: None,
                })
            })
            .collect::<Option<Vec<_>>>()?,
        is_return,
        return_of: order.return_of.clone(),
        is_void,
        // A return's order is the one it returns goods of.
        external_order_id: if is_return {
            order.return_of.clone()
        } else {
            Some(order.id.clone())
        },
        order_reference: order.external_order_id.clone(),
        modified_at: Some(order.modified),
    })
}

/// Checks what serde cannot on an order.
pub(crate) fn validate_order(order: &Order) -> Result<(), String> {
    if order.id.trim().is_empty() {
        return Err("empty id".to_owned());
    }
    if order.items.iter().any(|i| i.quantity < 0) {
        return Err("negative `items.quantity`".to_owned());
    }
    if !(order.total.is_finite() && order.items.iter().all(|i| i.price.is_finite())) {
        return Err("non-finite amount".to_owned());
    }
    if order.items.iter().any(|i| i.price < 0.0) {
        return Err("negative `items.price`".to_owned());
    }
    Ok(())
}
