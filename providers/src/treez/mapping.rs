//! Normalisation of Treez's wire shapes into Canopy's model. Unknown vendor values are
//! kept (`Other` + the raw text, `status: None` + `vendor_status`) and logged, never a
//! failure; what serde cannot check (negative counts, non-finite amounts) is checked
//! by the `validate_*` functions the record decoder runs.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;

use super::guesses;
use super::models::{Customer, OrgEntity, Product, StockRow, Ticket};
use super::vocab::{self, CATEGORIES, KNOWN_OTHER_CATEGORIES, POTENCY_UNITS, STRAINS, UNITS};
use crate::model::{
    ExternalCustomer, ExternalLocation, ExternalProduct, ExternalTransaction, Money, OrderStatus,
    PosOrderStatus, Potency, PotencyUnit, ProductCategory, StockRecord, StrainType,
    TransactionLine, Weight, WeightUnit,
};

/// Treez prices are US dollars.
pub(crate) const CURRENCY: &str = "USD";

/// `product_status` of a sellable product.
pub(crate) const ACTIVE: &str = "ACTIVE";
/// `product_status` of a product taken off sale.
pub(crate) const DEACTIVATED: &str = "DEACTIVATED";

/// A price in minor units.
pub(crate) fn money(major: f64) -> Option<Money> {
    Money::from_major(major, CURRENCY)
}

/// A quantity that can be measured: finite and not negative.
fn measure(value: f64) -> bool {
    value.is_finite() && value >= 0.0
}

/// The category of a `category_type`, with the raw text when Canopy does not know it.
pub(crate) fn category(raw: Option<&str>) -> (ProductCategory, Option<String>) {
    let Some(raw) = raw else {
        return (ProductCategory::Other, Some(String::new()));
    };
    if let Some(category) = vocab::lookup(CATEGORIES, raw) {
        return (*category, None);
    }
    if !KNOWN_OTHER_CATEGORIES
        .iter()
        .any(|known| known.eq_ignore_ascii_case(raw.trim()))
    {
        tracing::warn!(vendor = "treez", value = raw, "unknown category_type");
    }
    (ProductCategory::Other, Some(raw.to_owned()))
}

/// The strain type of a `classification`; absent means not applicable.
pub(crate) fn strain(raw: Option<&str>) -> (StrainType, Option<String>) {
    match raw.map(str::trim).filter(|r| !r.is_empty()) {
        None => (StrainType::None, None),
        Some(raw) => match vocab::lookup(STRAINS, raw) {
            Some(known) => (*known, None),
            None => {
                tracing::warn!(vendor = "treez", value = raw, "unknown classification");
                (StrainType::Other, Some(raw.to_owned()))
            }
        },
    }
}

/// A net amount from `amount` + `uom`; an unknown unit is kept as `OTHER`.
pub(crate) fn weight(amount: Option<f64>, uom: Option<&str>) -> Option<Weight> {
    let value = amount.filter(|v| measure(*v))?;
    let raw = uom.map(str::trim).filter(|u| !u.is_empty())?;
    let unit = vocab::lookup(UNITS, raw).copied().unwrap_or_else(|| {
        tracing::warn!(vendor = "treez", "unknown uom kept as OTHER");
        WeightUnit::Other
    });
    Some(Weight { value, unit })
}

/// Milligrams as a potency; zero is what Treez sends for "none" [spec examples].
fn milligrams(value: Option<f64>) -> Option<Potency> {
    value
        .filter(|v| measure(*v) && *v > 0.0)
        .map(|value| Potency {
            value,
            unit: PotencyUnit::Milligrams,
        })
}

/// A cannabinoid's content from the lab results (see `guesses::LAB_CANNABINOID`).
pub(crate) fn lab_potency(results: &[Value], cannabinoid: &str) -> Option<Potency> {
    results.iter().find_map(|entry| {
        let name = entry.get(guesses::LAB_CANNABINOID)?.as_str()?;
        if !name.eq_ignore_ascii_case(cannabinoid) {
            return None;
        }
        let value = entry
            .get(guesses::LAB_VALUE)?
            .as_f64()
            .filter(|v| measure(*v))?;
        let unit = entry
            .get(guesses::LAB_UNIT)
            .and_then(Value::as_str)
            .and_then(|u| vocab::lookup(POTENCY_UNITS, u).copied())
            .unwrap_or(PotencyUnit::Other);
        Some(Potency { value, unit })
    })
}

/// Checks what serde cannot on a product.
pub(crate) fn validate_product(product: &Product) -> Result<(), String> {
    if product.product_configurable_fields.name.trim().is_empty() {
        return Err("missing field `product_configurable_fields.name`".to_owned());
    }
    let price = product.pricing.as_ref().and_then(|p| p.price_sell);
    if price.is_some_and(|p| !measure(p)) {
        return Err("negative or non-finite `pricing.price_sell`".to_owned());
    }
    if product.sellable_quantity.is_some_and(|q| q < 0.0) {
        return Err("negative `sellable_quantity`".to_owned());
    }
    Ok(())
}

/// A product of `dispensary` as a catalog item.
pub(crate) fn product(product: &Product, dispensary: &str) -> ExternalProduct {
    let fields = &product.product_configurable_fields;
    let (category, category_raw) = category(product.category_type.as_deref());
    let (strain_type, strain_type_raw) = strain(fields.classification.as_deref());
    let net_weight = weight(fields.amount, fields.uom.as_deref());
    let images = product.e_commerce.as_ref().map_or_else(Vec::new, |e| {
        e.primary_image
            .iter()
            .cloned()
            .chain(
                e.all_images
                    .iter()
                    .filter_map(|i| i.as_str().map(str::to_owned)),
            )
            .fold(Vec::new(), |mut all, url| {
                if !all.contains(&url) {
                    all.push(url);
                }
                all
            })
    });
    ExternalProduct {
        external_id: product.product_id.clone(),
        external_location_id: Some(dispensary.to_owned()),
        sku: None,
        // `product_barcodes` items have no documented shape (the schema shows `{}`): no
        // barcode is read until one is seen
        upc: None,
        name: fields.name.clone(),
        brand: fields.brand.clone().filter(|b| !b.trim().is_empty()),
        category,
        category_raw,
        strain_type,
        strain_type_raw,
        thc: milligrams(fields.total_mg_thc).or_else(|| lab_potency(&product.lab_results, "THC")),
        cbd: milligrams(fields.total_mg_cbd).or_else(|| lab_potency(&product.lab_results, "CBD")),
        volume_ml: net_weight
            .filter(|w| w.unit == WeightUnit::Milliliters)
            .map(|w| w.value),
        net_weight,
        flower_equivalent_grams: fields.total_flower_weight_g.filter(|g| measure(*g)),
        abv: None,
        rec_price: product
            .pricing
            .as_ref()
            .and_then(|p| p.price_sell)
            .and_then(money),
        med_price: None,
        medical_only: false,
        max_per_transaction: None,
        images,
        package_tag: None,
        active: product.product_status.eq_ignore_ascii_case(ACTIVE),
        modified_at: Some(product.last_updated_at),
    }
}

/// Checks what serde cannot on a stock row.
pub(crate) fn validate_stock(row: &StockRow) -> Result<(), String> {
    if row
        .inventory_details
        .iter()
        .any(|d| !measure(d.sellable_quantity))
    {
        return Err("negative `inventory_details.sellable_quantity`".to_owned());
    }
    Ok(())
}

/// A stock row of `dispensary` as one count: the sellable units of every in-store
/// location and inventory type, as of the latest of their changes (or `read_at`).
pub(crate) fn stock(row: &StockRow, dispensary: &str, read_at: DateTime<Utc>) -> StockRecord {
    let units: f64 = row
        .inventory_details
        .iter()
        .map(|d| d.sellable_quantity)
        .sum();
    StockRecord {
        external_product_id: row.product_id.clone(),
        external_location_id: dispensary.to_owned(),
        on_hand: units.floor() as i64,
        package_tag: None,
        observed_at: row
            .inventory_details
            .iter()
            .filter_map(|d| d.last_updated_at)
            .max()
            .unwrap_or(read_at),
    }
}

/// A dispensary as a Canopy location: its short name is its id; its name and address
/// come from its organization entity when one was found.
pub(crate) fn location(
    dispensary: &str,
    entity: Option<&OrgEntity>,
    time_zone: Option<&str>,
) -> ExternalLocation {
    let address = entity.and_then(|e| e.address.clone()).unwrap_or_default();
    let (adult_use, medical) = guesses::STORE_SERVES;
    ExternalLocation {
        external_id: dispensary.to_owned(),
        name: entity.map_or_else(|| dispensary.to_owned(), |e| e.name.clone()),
        address: address.street_address1,
        city: address.city,
        state: address.region.as_deref().and_then(vocab::state_code),
        postal_code: address.postal_code,
        licence_number: None,
        adult_use,
        medical,
        time_zone: time_zone.map(str::to_owned),
    }
}

/// The date of a `YYYY-MM-DD` field, or of a time's date part.
fn date(raw: Option<&str>) -> Option<NaiveDate> {
    let raw = raw?.trim();
    NaiveDate::parse_from_str(raw.get(..10)?, "%Y-%m-%d").ok()
}

/// A customer Treez keeps; `None` for one it merged into another (its records follow
/// the customer it was merged into).
pub(crate) fn customer(customer: &Customer) -> Option<ExternalCustomer> {
    if customer.merged_into_customer_id.is_some() {
        return None;
    }
    let address = customer
        .addresses
        .iter()
        .find(|a| a.primary == Some(true))
        .or_else(|| customer.addresses.first());
    let text = |s: &Option<String>| s.clone().filter(|s| !s.trim().is_empty());
    Some(ExternalCustomer {
        external_id: customer.customer_id.clone(),
        first_name: text(&customer.first_name),
        last_name: text(&customer.last_name),
        email: text(&customer.email),
        phone: text(&customer.phone),
        date_of_birth: date(customer.birthday.as_deref()),
        medical_id: text(&customer.state_medical_id),
        medical_id_expires: date(customer.permit_expiration.as_deref()),
        address: address.and_then(|a| text(&a.street1)),
        city: address.and_then(|a| text(&a.city)),
        state: address.and_then(|a| text(&a.state)),
        postal_code: address.and_then(|a| text(&a.zipcode)),
        marketing_opt_in: customer.opt_out.map(|out| !out),
        modified_at: customer.last_update,
    })
}

/// Checks what serde cannot on a ticket.
pub(crate) fn validate_ticket(ticket: &Ticket) -> Result<(), String> {
    if ticket.items.iter().any(|i| i.quantity < 0) {
        return Err("negative `items.quantity`".to_owned());
    }
    let amounts = ticket
        .items
        .iter()
        .flat_map(|i| [i.price_sell, i.price_total])
        .chain([ticket.total]);
    if amounts.flatten().any(|a| !a.is_finite()) {
        return Err("non-finite amount".to_owned());
    }
    Ok(())
}

/// Canopy's status for a ticket status; unknown values are logged and give `None`.
pub(crate) fn ticket_status_of(raw: &str) -> Option<OrderStatus> {
    let found = vocab::lookup(guesses::TICKET_STATUSES, raw).copied();
    if found.is_none() {
        tracing::warn!(vendor = "treez", value = raw, "unknown order_status");
    }
    found.flatten()
}

/// A ticket's status as Canopy reports it.
pub(crate) fn ticket_status(ticket: &Ticket) -> PosOrderStatus {
    let status = ticket_status_of(&ticket.order_status);
    PosOrderStatus {
        external_id: ticket.ticket_id.clone(),
        status,
        vendor_status: ticket.order_status.clone(),
        transaction_id: (status == Some(OrderStatus::Completed)).then(|| ticket.ticket_id.clone()),
        reason: ticket.refund_reason.clone(),
        updated_at: ticket.last_updated_at.or(ticket.date_created),
    }
}

/// A ticket of `dispensary` as purchase history: a completed ticket is a sale, a
/// refund a return, a voided sale a void; open and cancelled orders are none.
pub(crate) fn transaction(ticket: &Ticket, dispensary: &str) -> Option<ExternalTransaction> {
    let refund = guesses::is_refund(
        ticket.original_ticket_id.as_deref(),
        ticket.refund_reason.as_deref(),
    );
    let void = guesses::is_void(&ticket.order_status, ticket.date_closed.is_some());
    if !(void || refund || ticket.order_status == guesses::STATUS_COMPLETED) {
        return None;
    }
    let online = ticket.order_source.as_deref() == Some(guesses::ECOMMERCE_SOURCE);
    let occurred_at = ticket
        .date_closed
        .or(ticket.date_created)
        .or(ticket.last_updated_at)?;
    Some(ExternalTransaction {
        external_id: ticket.ticket_id.clone(),
        external_customer_id: ticket.customer_id.clone(),
        external_location_id: dispensary.to_owned(),
        occurred_at,
        // amounts are magnitudes; `is_return` says which way the money went
        total: money(ticket.total?.abs())?,
        lines: ticket
            .items
            .iter()
            .map(|item| {
                let amount = item
                    .price_sell
                    .map(|unit| unit * item.quantity as f64)
                    .or(item.price_total)?;
                Some(TransactionLine {
                    external_product_id: item.product_id.clone(),
                    quantity: item.quantity,
                    amount: money(amount.abs())?,
                    returned: refund,
                    package_tag: None,
                })
            })
            .collect::<Option<Vec<_>>>()?,
        is_return: refund,
        return_of: ticket.original_ticket_id.clone(),
        is_void: void,
        external_order_id: if refund {
            ticket.original_ticket_id.clone()
        } else {
            online.then(|| ticket.ticket_id.clone())
        },
        order_reference: ticket.external_order_number.clone(),
        modified_at: ticket.last_updated_at,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    fn documented_product() -> Product {
        serde_json::from_value(json!({
            "product_id": "68a10cdb-0433-46c4-8592-bf3546a43f91",
            "catalog_parent_id": "f398a4e1-0495-42e6-8d98-9bc17875b0eb",
            "product_status": "ACTIVE",
            "last_updated_at": "2025-07-29T12:47:38.557-07:00",
            "sellable_quantity": 30.0,
            "sellable_quantity_detail": [{"inventory_type": "ADULT", "location": "DISPLAY CASE 1",
                "location_id": "da5e0433", "sellable_quantity": 30.0}],
            "category_type": "FLOWER",
            "product_configurable_fields": {"name": "BISKANTÉ - 3.5 GRAMS", "uom": "GRAMS",
                "brand": "ALIEN LABS", "size": "3.5 G", "amount": 3.5, "classification": "SATIVA",
                "total_mg_thc": 0.0, "total_mg_cbd": 0.0, "subtype": "PRE-PACK",
                "total_flower_weight_g": 0.0, "external_id": "68a10cdb"},
            "pricing": {"price_type": "FLAT", "price_sell": 52.0, "discounted_price": null},
            "e_commerce": {"all_images": ["https://img/1"], "primary_image": "https://img/1",
                "menu_title": "Biskanté", "hide_from_menu": false},
            "lab_results": [],
            "above_threshold": true
        }))
        .unwrap()
    }

    #[test]
    fn the_documented_product_maps() {
        let p = product(&documented_product(), "partnersandbox3");
        assert_eq!(p.name, "BISKANTÉ - 3.5 GRAMS");
        assert_eq!(p.category, ProductCategory::Flower);
        assert_eq!(p.strain_type, StrainType::Sativa);
        assert_eq!(p.rec_price, Some(Money::usd(5200)));
        assert_eq!(p.net_weight.unwrap().grams(), Some(3.5));
        assert_eq!(p.thc, None, "a zero milligram total is no content");
        assert_eq!(p.images, ["https://img/1"]);
        assert_eq!(p.external_location_id.as_deref(), Some("partnersandbox3"));
        assert!(p.active);
    }

    #[test]
    fn merged_customers_are_left_out() {
        let c: Customer = serde_json::from_value(json!({
            "customer_id": "20", "first_name": "KATHLEEN", "last_name": "SCOTT",
            "birthday": "1989-03-07", "permit_expiration": "2024-05-31 00:00:00.000",
            "email": "SCOTT20@mail.com", "opt_out": null,
            "addresses": [{"type": "address_of_record", "street1": "18 KATHLEEN STREET",
                "city": "SCOTT", "state": "CA", "zipcode": "20555", "primary": true}],
            "last_update": "2025-10-21T07:26:36.000-07:00",
            "merged_customer_ids": [19], "merged_into_customer_id": null
        }))
        .unwrap();
        let mapped = customer(&c).unwrap();
        assert_eq!(mapped.date_of_birth, NaiveDate::from_ymd_opt(1989, 3, 7));
        assert_eq!(
            mapped.medical_id_expires,
            NaiveDate::from_ymd_opt(2024, 5, 31)
        );
        assert_eq!(mapped.state.as_deref(), Some("CA"));
        let merged = Customer {
            merged_into_customer_id: Some("21".to_owned()),
            ..c
        };
        assert!(customer(&merged).is_none());
    }

    #[test]
    fn unknown_statuses_are_kept() {
        assert_eq!(ticket_status_of("PACKED_READY"), Some(OrderStatus::Ready));
        assert_eq!(ticket_status_of("LOST_IN_SPACE"), None);
        assert_eq!(ticket_status_of("PREVIEW"), None);
    }
}
