//! Dispense's wire shapes, exactly as the API sends and takes them.
//!
//! Shared by the adapter (which decodes them) and the simulator (which
//! encodes them), so the two cannot drift apart. Field names are Dispense's
//! camelCase; optional fields are `null` on the wire, as Dispense sends them.
//! Shapes tagged **[guess]** in `POS_APIS.md` (orders) are marked here and
//! their values live in [`super::guesses`].

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::lenient;

/// The envelope of every list: `count` is the total number of matching
/// records, `pageCount` the number on this page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ListEnvelope<T> {
    /// Records matching the query, over all pages.
    pub count: u64,
    /// Records on this page (not the number of pages).
    pub page_count: u64,
    /// Offset of this page.
    pub skip: u64,
    /// Page size asked for.
    pub limit: u64,
    /// The records.
    pub data: Vec<T>,
}

/// A product's brand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Brand {
    /// Brand name (`null` for unbranded goods).
    pub name: Option<String>,
}

/// Lab results.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Labs {
    /// THC content in `thcContentUnit`.
    pub thc: Option<f64>,
    /// CBD content in `cbdContentUnit` (or `thcContentUnit` when absent).
    pub cbd: Option<f64>,
    /// `%` or `mg`.
    pub thc_content_unit: Option<String>,
    /// `%` or `mg`.
    #[serde(default)]
    pub cbd_content_unit: Option<String>,
}

/// A product image.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Image {
    /// Image URL.
    pub file_url: String,
}

/// A size or weight of a grouped product (`group=true`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Variant {
    /// The variant's own product id.
    #[serde(with = "lenient::id")]
    pub id: String,
    /// Display name of the variant (e.g. `3.5g`).
    #[serde(default)]
    pub name: Option<String>,
    /// Units in stock.
    #[serde(with = "lenient::count")]
    pub quantity: i64,
    /// Unit price, major units.
    #[serde(default)]
    pub price: Option<f64>,
    /// Sellable online; absent: not offered.
    #[serde(default)]
    pub enable: bool,
    /// Removed from the menu.
    #[serde(default)]
    pub deleted: bool,
    /// Net weight.
    #[serde(default)]
    pub weight: Option<f64>,
    /// Unit of `weight`.
    #[serde(default)]
    pub weight_unit: Option<String>,
}

/// A product at one venue (`group=false`: one row per SKU).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Product {
    /// Product id.
    #[serde(with = "lenient::id")]
    pub id: String,
    /// Display name.
    pub name: String,
    /// The POS's SKU.
    pub sku: Option<String>,
    /// The venue this row belongs to.
    pub venue: String,
    /// Regulatory class: `FLOWER`, `PRE_ROLLS`, `VAPORIZERS`, ….
    pub cannabis_compliance_type: Option<String>,
    /// `SATIVA`, `INDICA`, `HYBRID`, `HYBRID_INDICA`, `HYBRID_SATIVA`, `CBD`, `NA`.
    pub cannabis_type: Option<String>,
    /// Brand.
    pub brand: Option<Brand>,
    /// Net weight.
    pub weight: Option<f64>,
    /// `GRAMS`, `MILLIGRAMS`, `OUNCES`, `POUNDS`, `KILOGRAMS`.
    pub weight_unit: Option<String>,
    /// Grams counted toward purchase limits.
    pub flower_equivalent_in_grams: Option<f64>,
    /// Menu price, major units (USD).
    pub price: Option<f64>,
    /// Units in stock now.
    #[serde(with = "lenient::count")]
    pub quantity: i64,
    /// Units received in total.
    pub quantity_total: Option<i64>,
    /// Units sold.
    pub quantity_sold: Option<i64>,
    /// Low-stock threshold.
    pub quantity_threshold: Option<i64>,
    /// Enabled (visible and sellable on the menu); absent: not offered.
    #[serde(default)]
    pub enable: bool,
    /// Other sizes of the same product, when grouped; `null` is none.
    #[serde(default, with = "lenient::list")]
    pub variants: Vec<Variant>,
    /// Lab results.
    pub labs: Option<Labs>,
    /// Primary image URL.
    #[serde(default)]
    pub image: Option<String>,
    /// All images; `null` is none.
    #[serde(default, with = "lenient::list")]
    pub images: Vec<Image>,
    /// Created.
    #[serde(default, with = "lenient::opt_time")]
    pub created: Option<DateTime<Utc>>,
    /// Last modified (stock changes included). A time without an offset is UTC,
    /// as Dispense's `modifiedStart` filter is [guess].
    #[serde(with = "lenient::time")]
    pub modified: DateTime<Utc>,
}

/// A venue's postal address.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct VenueAddress {
    /// Street number.
    pub number: Option<String>,
    /// Street.
    pub street: Option<String>,
    /// City.
    pub city: Option<String>,
    /// State code, e.g. `CA`.
    pub administrative_area: Option<String>,
    /// ISO country code.
    pub country: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
}

/// Opening hours of one span of a day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Hours {
    /// Opening time (the date part is a placeholder).
    pub start: DateTime<Utc>,
    /// Closing time (the date part is a placeholder).
    pub end: DateTime<Utc>,
}

/// Opening hours of one day of the week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct ScheduleDay {
    /// 0 = Sunday … 6 = Saturday.
    pub day: u8,
    /// Closed all day.
    pub closed: bool,
    /// Opening spans.
    #[serde(default)]
    pub hours: Vec<Hours>,
}

/// A store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Venue {
    /// Venue id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Serves medical patients.
    #[serde(default)]
    pub medical_dispensary: bool,
    /// The organisation owning the venue.
    pub organization: Option<String>,
    /// Postal address.
    pub address: Option<VenueAddress>,
    /// Single-line address.
    #[serde(default)]
    pub address_formatted: Option<String>,
    /// Weekly opening hours.
    #[serde(default)]
    pub schedule: Vec<ScheduleDay>,
}

/// One entry of an error body's `errors`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct ErrorDetail {
    /// Error class, e.g. `UnauthenticatedError`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Human-readable detail.
    pub message: String,
}

/// An error body: `{"name", "message", "errors": [{type, message}]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct ErrorBody {
    /// Error class, e.g. `UnauthenticatedError`.
    pub name: String,
    /// Summary.
    pub message: String,
    /// Details.
    #[serde(default)]
    pub errors: Vec<ErrorDetail>,
}

/// The 404 body of `GET /venues/{id}`: `{"message": "venue not found"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct MessageBody {
    /// Summary.
    pub message: String,
}

/// A line of a cart to create.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct NewCartItem {
    /// Product id.
    pub product_id: String,
    /// Units.
    pub quantity: i64,
    /// Weight bought, for products sold by weight.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purchase_weight: Option<f64>,
}

/// `POST /carts` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct NewCart {
    /// Venue filling the order.
    pub venue_id: String,
    /// Lines.
    pub items: Vec<NewCartItem>,
    /// Dispense user id, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// `orderPickUpType` wanted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pick_up_type: Option<String>,
    /// Customer first name.
    pub first_name: String,
    /// Customer last name.
    pub last_name: String,
    /// Customer e-mail.
    pub email: Option<String>,
    /// Customer phone.
    pub phone: Option<String>,
}

/// A line of a created cart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct CartItem {
    /// Line id.
    pub id: String,
    /// Product id.
    pub product: String,
    /// Units.
    pub quantity: i64,
    /// `SOLD_OUT`, `QUANTITY_NOT_AVAILABLE`, `QUANTITY_OVER_PURCHASE_MAX`, … when the line cannot be had.
    #[serde(default)]
    pub status: Option<String>,
    /// Unit price, major units.
    pub price: f64,
}

/// `POST /carts` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Cart {
    /// Cart id.
    pub id: String,
    /// Lines.
    pub items: Vec<CartItem>,
    /// Sum of lines, major units.
    pub subtotal: f64,
    /// Hosted checkout page.
    #[serde(default)]
    pub checkout_url: Option<String>,
}

/// **[guess]** `POST /orders` body: turns a cart into an order, idempotent on `externalOrderId`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct NewOrder {
    /// The cart to order.
    pub cart_id: String,
    /// Canopy's order id.
    pub external_order_id: String,
    /// Notes for staff.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// **[guess]** `POST /orders/{id}/cancel` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct CancelOrder {
    /// Why.
    pub reason: String,
}

/// **[guess]** The customer on an order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct User {
    /// Dispense user id.
    pub id: String,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Date of birth, `YYYY-MM-DD`.
    pub birthday: Option<String>,
}

/// **[guess]** A line of an order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct OrderItem {
    /// Product id.
    pub product: String,
    /// Units.
    pub quantity: i64,
    /// Unit price, major units.
    pub price: f64,
}

/// **[guess]** An order (the fields are not public).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Order {
    /// Order id.
    pub id: String,
    /// Status, see [`super::guesses::ORDER_STATUSES`].
    pub status: String,
    /// The venue filling it.
    pub venue: String,
    /// The customer.
    pub user: Option<User>,
    /// Lines.
    pub items: Vec<OrderItem>,
    /// Total, major units.
    pub total: f64,
    /// `IN_STORE`, `CURBSIDE`, `DELIVERY`.
    pub order_pick_up_type: Option<String>,
    /// Canopy's order id, when the order came from Canopy.
    #[serde(default)]
    pub external_order_id: Option<String>,
    /// Why the order was cancelled, if it was.
    #[serde(default)]
    pub cancel_reason: Option<String>,
    /// For a `RETURNED` record, the order (or walk-in sale) whose goods came back.
    #[serde(default)]
    pub return_of: Option<String>,
    /// Placed.
    pub created: DateTime<Utc>,
    /// Last modified.
    pub modified: DateTime<Utc>,
}
