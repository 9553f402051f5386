//! Treez's wire shapes as the adapter reads them and the simulator writes them, from
//! the dispensary OpenAPI document (`code.treez.io/openapi/dispensary.json`) and its
//! catalog service. Only the fields Canopy uses are named; the rest pass unread.
//! Lists arrive as raw values and are read record by record (`super::decode`), so one
//! bad record never costs the page. Fields the documentation shows as `null` in its
//! examples are optional here.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::lenient;

/// The envelope of every dispensary answer [spec]: `resultCode` `SUCCESS` or `FAIL`,
/// a failure's reason token (`TICKET_NOT_FOUND`, …) and detail, and the `data`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Envelope<T> {
    /// `SUCCESS` or `FAIL`.
    pub result_code: String,
    /// A failure's reason token.
    #[serde(default)]
    pub result_reason: Option<String>,
    /// A failure's detail, for people.
    #[serde(default)]
    pub result_detail: Option<String>,
    /// Pages of a paged list [spec: ticket history; guess for customers].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_pages: Option<u64>,
    /// Records of a paged list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_elements: Option<u64>,
    /// The answer.
    #[serde(default = "Option::default")]
    pub data: Option<T>,
}

/// `resultCode` of a success.
pub(crate) const SUCCESS: &str = "SUCCESS";
/// `resultCode` of a failure.
pub(crate) const FAIL: &str = "FAIL";

impl<T> Envelope<T> {
    /// A success carrying `data`.
    pub(crate) fn success(data: T) -> Self {
        Envelope {
            result_code: SUCCESS.to_owned(),
            result_reason: None,
            result_detail: None,
            total_pages: None,
            total_elements: None,
            data: Some(data),
        }
    }
}

/// `data` of `GET /product/product_list` [spec].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ProductPage {
    /// Records on this page.
    #[serde(default)]
    pub page_count: Option<u64>,
    /// Records in the whole list.
    #[serde(default)]
    pub total_count: Option<u64>,
    /// The products, read one by one.
    #[serde(default, with = "lenient::list")]
    pub product_list: Vec<Value>,
}

/// One product of a dispensary [spec].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Product {
    /// The product id (per dispensary).
    #[serde(with = "lenient::id")]
    pub product_id: String,
    /// `ACTIVE` or `DEACTIVATED`.
    pub product_status: String,
    /// The last change of the product's details; **not** moved by stock changes [doc].
    #[serde(with = "super::wire_time::required")]
    pub last_updated_at: DateTime<Utc>,
    /// Sellable units, capped at 30 [doc]: never read as stock.
    #[serde(default, with = "lenient::opt_amount")]
    pub sellable_quantity: Option<f64>,
    /// `FLOWER`, `CARTRIDGE`, `EXTRACT`, …
    #[serde(default)]
    pub category_type: Option<String>,
    /// Name, brand, size, potency.
    pub product_configurable_fields: ConfigurableFields,
    /// The price.
    #[serde(default)]
    pub pricing: Option<Pricing>,
    /// The online menu's view of the product.
    #[serde(default)]
    pub e_commerce: Option<ECommerce>,
    /// Lab results (shape not documented: see `guesses::lab_potency`).
    #[serde(default, with = "lenient::list")]
    pub lab_results: Vec<Value>,
}

/// `product_configurable_fields` [spec].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ConfigurableFields {
    /// The product name.
    pub name: String,
    /// The unit of `amount`: `GRAMS`, `MILLIGRAMS`, …
    #[serde(default)]
    pub uom: Option<String>,
    /// The brand.
    #[serde(default)]
    pub brand: Option<String>,
    /// The size, as text (`3.5 G`).
    #[serde(default)]
    pub size: Option<String>,
    /// The net amount, in `uom`.
    #[serde(default, with = "lenient::opt_amount")]
    pub amount: Option<f64>,
    /// `SATIVA`, `INDICA`, `HYBRID`, `CBD`, `I/S`, `S/I`, …
    #[serde(default)]
    pub classification: Option<String>,
    /// Total THC, milligrams.
    #[serde(default, with = "lenient::opt_amount")]
    pub total_mg_thc: Option<f64>,
    /// Total CBD, milligrams.
    #[serde(default, with = "lenient::opt_amount")]
    pub total_mg_cbd: Option<f64>,
    /// The subtype (`PRE-PACK`, `GUMMY`, …).
    #[serde(default)]
    pub subtype: Option<String>,
    /// Grams of flower in the product.
    #[serde(default, with = "lenient::opt_amount")]
    pub total_flower_weight_g: Option<f64>,
}

/// `pricing` [spec].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Pricing {
    /// `FLAT` or `TIER`.
    #[serde(default)]
    pub price_type: Option<String>,
    /// The flat unit price, dollars (`null` for tiered prices).
    #[serde(default, with = "lenient::opt_amount")]
    pub price_sell: Option<f64>,
}

/// `e_commerce` [spec].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ECommerce {
    /// Image URLs.
    #[serde(default, with = "lenient::list")]
    pub all_images: Vec<Value>,
    /// The main image URL.
    #[serde(default)]
    pub primary_image: Option<String>,
    /// Hidden from the online menu.
    #[serde(default)]
    pub hide_from_menu: Option<bool>,
}

/// `data` of `GET /stock/getStock` [spec].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct StockPage {
    /// Records on this page.
    #[serde(default)]
    pub page_elements: Option<u64>,
    /// Records in the whole list.
    #[serde(default)]
    pub total_elements: Option<u64>,
    /// The stock rows, read one by one.
    #[serde(default, with = "lenient::list")]
    pub stock: Vec<Value>,
}

/// One product's stock at a dispensary, by in-store location [spec]; also the `data`
/// of an INVENTORY webhook (see `guesses`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct StockRow {
    /// The product id.
    #[serde(with = "lenient::id")]
    pub product_id: String,
    /// `ACTIVE` or `DEACTIVATED`.
    #[serde(default)]
    pub product_status: Option<String>,
    /// The product name.
    #[serde(default)]
    pub product_name: Option<String>,
    /// Sellable units per in-store location and inventory type; a row without them says
    /// nothing of the stock, so it is refused rather than read as none.
    pub inventory_details: Vec<InventoryDetail>,
}

/// `inventory_details` [spec].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct InventoryDetail {
    /// The in-store location (`DISPLAY CASE 1`).
    #[serde(default)]
    pub location_name: Option<String>,
    /// `ADULT` or `MEDICAL`.
    #[serde(default)]
    pub inventory_type: Option<String>,
    /// Sellable units.
    #[serde(with = "lenient::amount")]
    pub sellable_quantity: f64,
    /// When this count last changed.
    #[serde(default, with = "super::wire_time::optional")]
    pub last_updated_at: Option<DateTime<Utc>>,
}

/// One store of the organization (`GET /service/catalog/v3/organization-entity`, a
/// bare array, no envelope) [spec].
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OrgEntity {
    /// The entity id.
    #[serde(with = "lenient::id")]
    pub id: String,
    /// The store's name.
    pub name: String,
    /// Its address.
    #[serde(default)]
    pub address: Option<EntityAddress>,
}

/// An entity's `address` [spec].
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct EntityAddress {
    /// City.
    #[serde(default)]
    pub city: Option<String>,
    /// State, by name (`California`).
    #[serde(default)]
    pub region: Option<String>,
    /// Postal code.
    #[serde(default)]
    pub postal_code: Option<String>,
    /// Street line.
    #[serde(default)]
    pub street_address1: Option<String>,
}

/// A customer [spec].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Customer {
    /// The customer id.
    #[serde(with = "lenient::id")]
    pub customer_id: String,
    /// `ACTIVE`, `MERGED`, …
    #[serde(default)]
    pub status: Option<String>,
    /// First name.
    #[serde(default)]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default)]
    pub last_name: Option<String>,
    /// Date of birth, `YYYY-MM-DD`.
    #[serde(default)]
    pub birthday: Option<String>,
    /// E-mail address.
    #[serde(default)]
    pub email: Option<String>,
    /// Phone number.
    #[serde(default)]
    pub phone: Option<String>,
    /// Medical card id.
    #[serde(default)]
    pub state_medical_id: Option<String>,
    /// Medical card expiry, `YYYY-MM-DD HH:mm:ss.SSS`.
    #[serde(default)]
    pub permit_expiration: Option<String>,
    /// Opted out of marketing (`null` when never asked).
    #[serde(default)]
    pub opt_out: Option<bool>,
    /// Addresses.
    #[serde(default, with = "lenient::list")]
    pub addresses: Vec<CustomerAddress>,
    /// The last change.
    #[serde(default, with = "super::wire_time::optional")]
    pub last_update: Option<DateTime<Utc>>,
    /// The customer this one was merged into, when Treez merged it away.
    #[serde(default, with = "lenient::opt_id")]
    pub merged_into_customer_id: Option<String>,
    /// Customers merged into this one.
    #[serde(default, with = "lenient::list")]
    pub merged_customer_ids: Vec<Value>,
}

/// A customer's address [spec].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct CustomerAddress {
    /// `address_of_record`, …
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// Street line.
    #[serde(default)]
    pub street1: Option<String>,
    /// City.
    #[serde(default)]
    pub city: Option<String>,
    /// State code.
    #[serde(default)]
    pub state: Option<String>,
    /// Postal code.
    #[serde(default)]
    pub zipcode: Option<String>,
    /// The primary address.
    #[serde(default)]
    pub primary: Option<bool>,
}

/// `POST /customer/detailcustomer` [spec]: `first_name` is required
/// (`CUSTOMER_FIRST_NAME_BLANK` otherwise).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct NewCustomer {
    /// First name.
    pub first_name: String,
    /// Last name.
    #[serde(default)]
    pub last_name: Option<String>,
    /// Date of birth, `YYYY-MM-DD`.
    #[serde(default)]
    pub birthday: Option<String>,
    /// E-mail address.
    #[serde(default)]
    pub email: Option<String>,
    /// Phone number.
    #[serde(default)]
    pub phone: Option<String>,
    /// Medical card id.
    #[serde(default)]
    pub state_medical_id: Option<String>,
    /// The integrator's own id for the customer [doc].
    #[serde(default)]
    pub external_id: Option<String>,
}

/// A ticket list (`ticketList` beside the envelope fields, not under `data`) [spec].
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TicketList {
    /// `SUCCESS` or `FAIL`.
    pub result_code: String,
    /// Tickets on this page.
    #[serde(default)]
    pub page_elements: Option<u64>,
    /// Tickets in the whole list.
    #[serde(default)]
    pub total_elements: Option<u64>,
    /// The tickets, read one by one.
    #[serde(default, with = "lenient::list")]
    pub ticket_list: Vec<Value>,
}

/// A ticket: an order, a sale or a refund [spec].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Ticket {
    /// The ticket id (a GUID at Treez).
    #[serde(with = "lenient::id")]
    pub ticket_id: String,
    /// The six-character code people quote; not interchangeable with `ticket_id`.
    #[serde(default)]
    pub order_number: Option<String>,
    /// The integrator's order id: Canopy's order id.
    #[serde(default)]
    pub external_order_number: Option<String>,
    /// `PICKUP`, `DELIVERY`, `POS`, …
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// `ECOMMERCE`, `IN_STORE`, …
    #[serde(default)]
    pub order_source: Option<String>,
    /// The customer (an integer on tickets [spec]).
    #[serde(default, with = "customer_number")]
    pub customer_id: Option<String>,
    /// `AWAITING_PROCESSING`, …, `COMPLETED`, `CANCELED`.
    pub order_status: String,
    /// `UNPAID`, `PAID`, …: moves apart from `order_status`.
    #[serde(default)]
    pub payment_status: Option<String>,
    /// Created.
    #[serde(default, with = "super::wire_time::optional")]
    pub date_created: Option<DateTime<Utc>>,
    /// Last changed.
    #[serde(default, with = "super::wire_time::optional")]
    pub last_updated_at: Option<DateTime<Utc>>,
    /// Closed (paid).
    #[serde(default, with = "super::wire_time::optional")]
    pub date_closed: Option<DateTime<Utc>>,
    /// Total, dollars.
    #[serde(default, with = "lenient::opt_amount")]
    pub total: Option<f64>,
    /// Notes.
    #[serde(default)]
    pub ticket_note: Option<String>,
    /// Why a refund was made.
    #[serde(default)]
    pub refund_reason: Option<String>,
    /// The ticket a refund refunds.
    #[serde(default, with = "lenient::opt_id")]
    pub original_ticket_id: Option<String>,
    /// The lines.
    #[serde(default, with = "lenient::list")]
    pub items: Vec<TicketItem>,
}

/// A ticket line [spec].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct TicketItem {
    /// The product.
    #[serde(with = "lenient::id")]
    pub product_id: String,
    /// Units.
    #[serde(with = "lenient::count")]
    pub quantity: i64,
    /// Unit price before tax, dollars.
    #[serde(default, with = "lenient::opt_amount")]
    pub price_sell: Option<f64>,
    /// The line's total after discounts and tax, dollars.
    #[serde(default, with = "lenient::opt_amount")]
    pub price_total: Option<f64>,
}

/// `POST /ticket/previewticket` and `/ticket/detailticket` [spec].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct NewTicket {
    /// `PICKUP` or `DELIVERY`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `ECOMMERCE`.
    pub order_source: String,
    /// The status to create it in.
    pub order_status: String,
    /// The customer.
    pub customer_id: String,
    /// Canopy's order id.
    #[serde(default)]
    pub external_order_number: Option<String>,
    /// Notes for staff.
    #[serde(default)]
    pub ticket_note: Option<String>,
    /// Where to deliver.
    #[serde(default)]
    pub delivery_address: Option<DeliveryAddress>,
    /// The lines.
    pub items: Vec<NewTicketItem>,
    /// The integrator's name.
    pub revenue_source: String,
}

/// A delivery address (the object's fields are not documented for requests; these are
/// those tickets show) [spec].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct DeliveryAddress {
    /// The street line.
    pub street: String,
}

/// A line of a new ticket [spec].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct NewTicketItem {
    /// The product (`size_id` is the product id).
    pub size_id: String,
    /// Units.
    pub quantity: i64,
    /// `ADULT` or `MEDICAL`.
    pub inventory_type: String,
    /// Apply the store's automatic discounts.
    pub apply_automatic_discounts: bool,
}

/// `PUT /ticket/update/{ticket_id}`: the status change (see `guesses`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct TicketUpdate {
    /// The new status.
    pub order_status: String,
}

/// A webhook delivery [doc]: no id, no signature, only the bearer token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct WebhookBody {
    /// `TICKET`, `INVENTORY`, `PRODUCT` or `CUSTOMER`.
    pub event_type: String,
    /// The dispensary it happened at.
    pub dispensary_short_name: String,
    /// The changed record.
    pub data: Value,
}

/// A ticket's `customer_id`: an integer at Treez [spec], read as any id is.
mod customer_number {
    use serde::{Deserializer, Serializer};

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        crate::lenient::opt_id::deserialize(d)
    }

    pub(crate) fn serialize<S: Serializer>(
        value: &Option<String>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match value.as_deref().map(|id| (id, id.parse::<i64>())) {
            Some((_, Ok(number))) => s.serialize_i64(number),
            Some((id, Err(_))) => s.serialize_str(id),
            None => s.serialize_none(),
        }
    }
}
