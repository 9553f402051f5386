//! Dutchie wire records to Canopy's model and back (request bodies).
//!
//! Readers return `Err(reason)` for a record Canopy cannot use (the caller
//! files it under `Batch::rejected`); unknown vocabulary is kept, never an
//! error. Prices arrive as decimal dollars and leave as minor units.

use chrono::{DateTime, Utc};

use super::models::{
    CreatePreOrderRequest, Customer, EcomCustomerEdit, InventoryItem, LocationIdentity,
    PreOrderItem, PreOrderStatus, ProductDetail, Transaction, TransactionItem,
};
use super::settings::DutchieSettings;
use super::{vocab, wire_time};
use crate::model::{
    ExternalCustomer, ExternalLocation, ExternalProduct, ExternalTransaction, Fulfillment, Money,
    OrderSubmission, PosOrderStatus, Potency, PotencyUnit, StockRecord, TransactionLine, Weight,
    WeightUnit,
};

/// Why a record was rejected.
pub(crate) type Reason = String;

/// A store from `/whoami`. Dutchie does not say which markets it serves; settings do.
pub(crate) fn location(
    identity: &LocationIdentity,
    settings: &DutchieSettings,
) -> ExternalLocation {
    let name = identity
        .location_name
        .clone()
        .or_else(|| identity.doing_business_as.clone())
        .unwrap_or_else(|| format!("Dutchie location {}", identity.location_id));
    let address = match (&identity.address, &identity.address2) {
        (Some(a), Some(b)) if !b.trim().is_empty() => Some(format!("{a}, {b}")),
        (a, _) => a.clone(),
    };
    ExternalLocation {
        external_id: identity.location_id.to_string(),
        name,
        address,
        city: identity.city.clone(),
        state: identity.state.clone(),
        postal_code: identity.postal_code.clone(),
        licence_number: identity.license_number.clone(),
        adult_use: settings.adult_use,
        medical: settings.medical,
        time_zone: settings.time_zone.clone(),
    }
}

fn money(major: Option<f64>, currency: &str, field: &str) -> Result<Option<Money>, Reason> {
    match major {
        None => Ok(None),
        Some(v) if v < 0.0 => Err(format!("negative `{field}`")),
        Some(v) => Money::from_major(v, currency)
            .map(Some)
            .ok_or_else(|| format!("non-finite `{field}`")),
    }
}

/// A content; a missing unit is percent, an unknown one is kept as `OTHER` (logged).
fn potency(value: Option<f64>, unit: Option<&str>, field: &str) -> Option<Potency> {
    let value = value.filter(|v| v.is_finite() && *v >= 0.0)?;
    let raw_unit = unit.filter(|u| !u.trim().is_empty()).unwrap_or("%");
    let unit = vocab::potency_unit(raw_unit).unwrap_or_else(|| {
        tracing::warn!(
            vendor = "dutchie",
            field,
            "unknown potency unit kept as OTHER"
        );
        PotencyUnit::Other
    });
    Some(Potency { value, unit })
}

/// A net weight; a missing unit is grams, an unknown one is kept as `OTHER` (logged).
fn net_weight(value: Option<f64>, unit: Option<&str>) -> Option<Weight> {
    let value = value.filter(|v| v.is_finite() && *v >= 0.0)?;
    let raw_unit = unit.filter(|u| !u.trim().is_empty()).unwrap_or("g");
    let unit = vocab::weight_unit(raw_unit).unwrap_or_else(|| {
        tracing::warn!(vendor = "dutchie", "unknown net weight unit kept as OTHER");
        WeightUnit::Other
    });
    Some(Weight { value, unit })
}

/// A catalog item. Rejected: no name, negative prices.
pub(crate) fn product(p: ProductDetail, currency: &str) -> Result<ExternalProduct, Reason> {
    let name = p
        .product_name
        .filter(|n| !n.trim().is_empty())
        .ok_or("missing field `productName`")?;
    let net_weight = net_weight(p.net_weight, p.net_weight_unit.as_deref());
    let volume_ml = net_weight
        .filter(|w| w.unit == WeightUnit::Milliliters)
        .map(|w| w.value);
    let rec_price = money(p.rec_price.or(p.price), currency, "recPrice")?;
    let med_price = money(p.med_price, currency, "medPrice")?;
    let images = match (p.image_urls, p.image_url) {
        (Some(urls), _) if !urls.is_empty() => urls,
        (_, Some(url)) if !url.trim().is_empty() => vec![url],
        _ => Vec::new(),
    };
    let (category, category_raw) =
        vocab::category(p.master_category.as_deref(), p.category.as_deref());
    let (strain_type, strain_type_raw) = vocab::strain_type(p.strain_type.as_deref());
    Ok(ExternalProduct {
        external_id: p.product_id.to_string(),
        external_location_id: None,
        sku: p.sku.filter(|s| !s.is_empty()),
        upc: p.upc.map(|u| u.trim().to_owned()).filter(|u| !u.is_empty()),
        name,
        brand: p.brand_name.filter(|s| !s.is_empty()),
        category,
        category_raw,
        strain_type,
        strain_type_raw,
        thc: potency(p.thc_content, p.thc_content_unit.as_deref(), "thcContent"),
        cbd: potency(p.cbd_content, p.cbd_content_unit.as_deref(), "cbdContent"),
        net_weight,
        flower_equivalent_grams: p
            .rec_flower_equivalent
            .or(p.flower_equivalent)
            .filter(|g| g.is_finite() && *g >= 0.0),
        abv: None,
        volume_ml,
        rec_price,
        med_price,
        medical_only: p.is_medical_only.unwrap_or(false),
        max_per_transaction: p
            .max_purchaseable_per_transaction
            .filter(|m| m.is_finite() && *m >= 0.0 && *m <= f64::from(i32::MAX))
            .map(|m| m.floor() as i32),
        images,
        package_tag: None,
        active: p.is_active.unwrap_or(true) && p.online_available.unwrap_or(true),
        modified_at: p.last_modified_date_utc,
    })
}

/// What one package offers online: `quantityAvailable`, or with `sellable_rooms`
/// the sum of its stock in those rooms (names matched case-insensitively).
fn sellable_quantity(
    item: &InventoryItem,
    sellable_rooms: Option<&[String]>,
) -> Result<f64, Reason> {
    let Some(rooms) = sellable_rooms else {
        return Ok(item.quantity_available);
    };
    let per_room = item
        .room_quantities
        .as_ref()
        .ok_or("missing field `roomQuantities` (the connection sells from some rooms only)")?;
    let sellable = |name: &Option<String>| {
        name.as_deref().is_some_and(|n| {
            rooms
                .iter()
                .any(|r| r.trim().eq_ignore_ascii_case(n.trim()))
        })
    };
    let mut total = 0.0;
    for room in per_room.iter().filter(|r| sellable(&r.room)) {
        match room.quantity_available {
            Some(q) if q.is_finite() && q >= 0.0 => total += q,
            Some(_) => return Err("invalid `roomQuantities.quantityAvailable`".into()),
            None => {}
        }
    }
    Ok(total)
}

/// One package's count, checked. Rejected: negative or non-finite quantity; with
/// `sellable_rooms`, no room breakdown.
pub(crate) fn stock_item(
    item: &InventoryItem,
    location_id: &str,
    read_at: DateTime<Utc>,
    sellable_rooms: Option<&[String]>,
) -> Result<StockRecord, Reason> {
    let q = sellable_quantity(item, sellable_rooms)?;
    if !q.is_finite() {
        return Err("non-finite `quantityAvailable`".into());
    }
    if q < 0.0 {
        return Err("negative `quantityAvailable`".into());
    }
    Ok(StockRecord {
        external_product_id: item.product_id.to_string(),
        external_location_id: location_id.to_owned(),
        // Whole units only: a fraction of a unit cannot be sold online.
        on_hand: q.floor() as i64,
        package_tag: item.package_id.clone().filter(|s| !s.is_empty()),
        observed_at: item.last_modified_date_utc.unwrap_or(read_at),
    })
}

/// Dutchie lists stock per package; Canopy counts per product. Sums the
/// packages of each product (in first-seen order), keeping the newest time
/// and the package tag when there is exactly one package.
pub(crate) fn stock_per_product(records: Vec<StockRecord>) -> Vec<StockRecord> {
    let mut out: Vec<StockRecord> = Vec::with_capacity(records.len());
    let mut index = std::collections::HashMap::new();
    for r in records {
        match index.get(&r.external_product_id) {
            Some(&i) => {
                let acc: &mut StockRecord = &mut out[i];
                // saturates: two absurd package counts must not wrap to a negative stock
                acc.on_hand = acc.on_hand.saturating_add(r.on_hand);
                acc.observed_at = acc.observed_at.max(r.observed_at);
                if acc.package_tag != r.package_tag {
                    acc.package_tag = None;
                }
            }
            None => {
                index.insert(r.external_product_id.clone(), out.len());
                out.push(r);
            }
        }
    }
    out
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|v| !v.trim().is_empty())
}

/// A customer profile. `lastModifiedDateUTC` is a plain string in the schema: one
/// that is not a time is dropped (logged), not fatal.
pub(crate) fn customer(c: Customer) -> Result<ExternalCustomer, Reason> {
    let modified_at = match c.last_modified_date_utc.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => {
            let parsed = wire_time::parse(raw);
            if parsed.is_none() {
                tracing::warn!(
                    vendor = "dutchie",
                    customer = c.customer_id,
                    "unreadable customer lastModifiedDateUTC ignored"
                );
            }
            parsed
        }
    };
    Ok(ExternalCustomer {
        external_id: c.customer_id.to_string(),
        first_name: non_empty(c.first_name),
        last_name: non_empty(c.last_name),
        email: non_empty(c.email_address),
        phone: non_empty(c.phone).or(non_empty(c.cell_phone)),
        date_of_birth: c.date_of_birth.map(|t| t.date_naive()),
        medical_id: non_empty(c.mmjid_number),
        medical_id_expires: c.mmjid_expiration_date.map(|t| t.date_naive()),
        address: non_empty(c.address1),
        city: non_empty(c.city),
        state: non_empty(c.state),
        postal_code: non_empty(c.postal_code),
        marketing_opt_in: c.opted_into_marketing,
        modified_at,
    })
}

/// One line. Bulk goods sold by weight have fractional quantities: a fraction of a
/// unit counts as one unit sold. Rejected: a negative or non-finite quantity.
fn transaction_line(item: TransactionItem, currency: &str) -> Result<TransactionLine, Reason> {
    let q = item.quantity;
    if !q.is_finite() || q < 0.0 {
        return Err("negative or non-finite `items.quantity`".into());
    }
    Ok(TransactionLine {
        external_product_id: item.product_id.to_string(),
        quantity: q.ceil().min(i64::MAX as f64) as i64,
        amount: Money::from_major(item.total_price.abs(), currency)
            .ok_or("non-finite `items.totalPrice`")?,
        returned: item.is_returned.unwrap_or(false),
        package_tag: non_empty(item.package_id),
    })
}

/// A sale, return or void. Rejected: a bad line or total.
pub(crate) fn transaction(
    t: Transaction,
    location_id: &str,
    currency: &str,
) -> Result<ExternalTransaction, Reason> {
    let is_return = t.is_return.unwrap_or(false) || t.return_on_transaction_id.is_some();
    let lines = t
        .items
        .unwrap_or_default()
        .into_iter()
        .map(|item| transaction_line(item, currency))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ExternalTransaction {
        external_id: t.transaction_id.to_string(),
        external_customer_id: t.customer_id.filter(|id| *id > 0).map(|id| id.to_string()),
        external_location_id: location_id.to_owned(),
        occurred_at: t.transaction_date,
        total: match t.total {
            Some(total) => Money::from_major(total.abs(), currency).ok_or("non-finite `total`")?,
            None => Money {
                amount: lines
                    .iter()
                    .fold(0i64, |sum, line| sum.saturating_add(line.amount.amount)),
                currency: currency.to_owned(),
            },
        },
        lines,
        is_return,
        return_of: t.return_on_transaction_id.map(|id| id.to_string()),
        is_void: t.is_void.unwrap_or(false),
        external_order_id: t
            .order_ids
            .and_then(|ids| ids.first().copied())
            .map(|id| id.to_string()),
        order_reference: non_empty(t.reference_id),
        modified_at: t.last_modified_date_utc,
    })
}

/// A pre-order's status; an unknown vendor status is kept with `status: None`.
pub(crate) fn order_status(s: PreOrderStatus) -> PosOrderStatus {
    let vendor_status = s.status.unwrap_or_default();
    PosOrderStatus {
        external_id: s.pre_order_id.to_string(),
        status: vocab::order_status(&vendor_status),
        vendor_status,
        transaction_id: s.transaction_id.map(|id| id.to_string()),
        reason: non_empty(s.rejected_reason),
        updated_at: None,
    }
}

/// Parses one of Dutchie's integer ids held as a string.
pub(crate) fn parse_id(raw: &str, what: &str) -> Result<i32, Reason> {
    raw.trim()
        .parse::<i32>()
        .map_err(|_| format!("{what} {raw:?} is not a Dutchie id"))
}

/// The body of `POST /customer/customer`. Dutchie requires a first name and a
/// full address; a profile without them cannot be written.
pub(crate) fn customer_edit(
    c: &ExternalCustomer,
    settings: &DutchieSettings,
    idempotency_key: String,
) -> Result<EcomCustomerEdit, Reason> {
    let required = |value: &Option<String>, field: &str| {
        non_empty(value.clone()).ok_or_else(|| format!("Dutchie requires {field}"))
    };
    let customer_id = match c.external_id.trim() {
        "" => None,
        id => Some(parse_id(id, "customer id")?),
    };
    Ok(EcomCustomerEdit {
        customer_id,
        first_name: required(&c.first_name, "firstName")?,
        last_name: non_empty(c.last_name.clone()),
        address1: required(&c.address, "address1")?,
        city: required(&c.city, "city")?,
        state: required(&c.state, "state")?,
        postal_code: required(&c.postal_code, "postalCode")?,
        phone: non_empty(c.phone.clone()),
        email_address: non_empty(c.email.clone()),
        status: "Active".to_owned(),
        mmjid_number: non_empty(c.medical_id.clone()),
        mmjid_expiration_date: c.medical_id_expires.map(wire_time::from_date),
        customer_type: settings.customer_type.clone(),
        date_of_birth: c.date_of_birth.map(wire_time::from_date),
        external_customer_id: None,
        idempotency_key: Some(idempotency_key),
    })
}

/// The body of `POST /preorder/submit`: our order id is both the
/// `transactionReference` and the `idempotencyKey`.
pub(crate) fn pre_order(
    order: &OrderSubmission,
    customer_id: i32,
    settings: &DutchieSettings,
) -> Result<CreatePreOrderRequest, Reason> {
    let items = order
        .lines
        .iter()
        .map(|line| {
            if line.quantity <= 0 {
                return Err(format!(
                    "product {}: quantity must be positive",
                    line.external_product_id
                ));
            }
            Ok(PreOrderItem {
                product_id: parse_id(&line.external_product_id, "product id")?,
                quantity: line.quantity as f64,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let is_delivery = order.fulfillment == Fulfillment::Delivery;
    let reference = order.order_id.to_string();
    Ok(CreatePreOrderRequest {
        customer_id,
        items: Some(items),
        is_delivery,
        order_type: Some(if is_delivery {
            settings.delivery_order_type.clone()
        } else {
            settings.pickup_order_type.clone()
        }),
        delivery_street: if is_delivery {
            order.delivery_address.clone()
        } else {
            None
        },
        idempotency_key: Some(reference.clone()),
        notes: order.notes.clone(),
        transaction_reference: Some(reference),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::model::{OrderStatus, PotencyUnit, ProductCategory, StrainType};

    fn detail(json: serde_json::Value) -> ProductDetail {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn product_units_prices_and_unknowns() {
        let p = product(
            detail(serde_json::json!({
                "productId": 7, "productName": "Blue Dream 3.5g", "masterCategory": "Flower",
                "strainType": "Sativa", "thcContent": 21.5, "thcContentUnit": "%",
                "cbdContent": 3.0, "cbdContentUnit": "mg/g", "netWeight": 0.125,
                "netWeightUnit": "oz", "recPrice": 35.0, "medPrice": 29.99,
                "recFlowerEquivalent": 3.5, "isActive": true, "onlineAvailable": true,
                "lastModifiedDateUTC": "2024-05-01T12:00:00"
            })),
            "USD",
        )
        .unwrap();
        assert_eq!(p.category, ProductCategory::Flower);
        assert_eq!(p.strain_type, StrainType::Sativa);
        assert_eq!(p.thc.unwrap().unit, PotencyUnit::Percent);
        assert_eq!(p.cbd.unwrap().unit, PotencyUnit::MilligramsPerGram);
        assert!((p.net_weight.unwrap().grams().unwrap() - 3.543_690_390_625).abs() < 1e-9);
        assert_eq!(p.rec_price, Some(Money::usd(3500)));
        assert_eq!(p.med_price, Some(Money::usd(2999)));
        assert_eq!(p.flower_equivalent_grams, Some(3.5));
        assert!(p.active);

        let odd = product(
            detail(serde_json::json!({
                "productId": 8, "productName": "Mystery", "masterCategory": "Clones",
                "thcContent": 5.0, "thcContentUnit": "ppm", "price": 10.0
            })),
            "USD",
        )
        .unwrap();
        assert_eq!(odd.category, ProductCategory::Other);
        assert_eq!(odd.category_raw.as_deref(), Some("Clones"));
        assert_eq!(odd.thc.unwrap().unit, PotencyUnit::Other);
        assert_eq!(odd.rec_price, Some(Money::usd(1000)));

        assert!(product(detail(serde_json::json!({"productId": 9})), "USD").is_err());
    }

    #[test]
    fn unknown_pre_order_status_is_kept() {
        let s = order_status(PreOrderStatus {
            pre_order_id: 4,
            status: Some("OnHold".into()),
            transaction_id: None,
            order_date: None,
            customer_id: None,
            rejected_reason: None,
            is_cancellable: None,
            is_updateable: None,
            total: None,
        });
        assert_eq!(s.status, None);
        assert_eq!(s.vendor_status, "OnHold");
        let filled = order_status(PreOrderStatus {
            status: Some("Filled".into()),
            ..serde_json::from_value(serde_json::json!({"preOrderId": 5})).unwrap()
        });
        assert_eq!(filled.status, Some(OrderStatus::Ready));
    }

    #[test]
    fn stock_is_summed_per_product() {
        let t = Utc::now();
        let rec = |p: &str, n: i64, tag: &str| StockRecord {
            external_product_id: p.into(),
            external_location_id: "1".into(),
            on_hand: n,
            package_tag: Some(tag.into()),
            observed_at: t,
        };
        let out = stock_per_product(vec![rec("1", 2, "A"), rec("2", 1, "B"), rec("1", 3, "C")]);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].on_hand, 5);
        assert_eq!(out[0].package_tag, None);
        assert_eq!(out[1].package_tag.as_deref(), Some("B"));
    }
}
