//! Jane's wire shapes, exactly as `POS_APIS.md` describes them: the menu API
//! envelope, menu products, the webhook `cart` payload, the OAuth2 token
//! response, and the partner order API that is our own guess [guess].
//!
//! These types are private to the `jane` module; only `crate::model` types
//! leave it. They are `Serialize` as well as `Deserialize` because the Jane
//! simulator serves the same shapes. Jane sends ids as numbers and prices
//! sometimes as strings, so ids and amounts are read leniently (see
//! [`crate::lenient`]); anything else of the wrong type fails the record.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub(crate) use crate::lenient;

/// The paging envelope every Jane list endpoint answers with:
/// `{data: {...}, metadata: {count, total, pagination_id}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Page<T> {
    /// The list itself, under its own key (`menu_products`, `carts`).
    pub data: T,
    /// Paging metadata.
    pub metadata: PageMetadata,
}

/// Paging metadata of a [`Page`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct PageMetadata {
    /// Records on this page.
    pub count: u64,
    /// Records in the whole listing.
    pub total: u64,
    /// The cursor for the next page; absent or null on the last page.
    #[serde(default, with = "lenient::opt_id")]
    pub pagination_id: Option<String>,
}

/// `data` of a menu page. Products stay raw JSON so that one bad record is
/// rejected on its own instead of failing the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct MenuProducts<P> {
    /// The products on this page.
    pub menu_products: Vec<P>,
}

/// `data` of a cart listing of the partner API [guess].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Carts<C> {
    /// The carts on this page.
    pub carts: Vec<C>,
}

/// One product on a store's menu.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct MenuProduct {
    /// The menu product id (per store); not the same id as `product_id` [doc].
    /// Canopy does not need it.
    #[serde(default, with = "lenient::opt_id")]
    pub id: Option<String>,
    /// Jane's product id, shared across stores; what carts and orders reference.
    #[serde(with = "lenient::id")]
    pub product_id: String,
    /// Display name.
    pub name: String,
    /// Brand name.
    #[serde(default)]
    pub brand: Option<String>,
    /// Jane's product kind: `flower`, `pre-roll`, `vape`, `extract`, `edible`, …;
    /// absent or unknown: category OTHER.
    #[serde(default)]
    pub kind: Option<String>,
    /// Finer kind, e.g. `Cartridges`, `Gummies`.
    #[serde(default)]
    pub kind_subtype: Option<String>,
    /// The root of the subtype tree.
    #[serde(default)]
    pub root_subtype: Option<String>,
    /// The lineage: `indica`, `sativa`, `hybrid`, `cbd`.
    #[serde(default)]
    pub category: Option<String>,
    /// THC, percent.
    #[serde(default, with = "lenient::opt_amount")]
    pub percent_thc: Option<f64>,
    /// CBD, percent.
    #[serde(default, with = "lenient::opt_amount")]
    pub percent_cbd: Option<f64>,
    /// The weights this product is sold in: `each`, `half gram`, `gram`, `eighth ounce`, …
    #[serde(default, with = "lenient::list")]
    pub available_weights: Vec<String>,
    /// The most units of one weight a cart may hold.
    #[serde(default, with = "lenient::opt_int")]
    pub max_cart_quantity: Option<i32>,
    /// Price per weight, in dollars.
    #[serde(flatten)]
    pub prices: WeightPrices,
    /// Image URLs.
    #[serde(default, with = "lenient::list")]
    pub image_urls: Vec<String>,
    /// Units on hand per weight, keyed like `available_weights` [guess].
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub inventory: BTreeMap<String, i64>,
    /// Net content in grams, for products sold `each` [guess].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub net_weight_grams: Option<f64>,
    /// Whether the product shows on the menu [guess]; absent means visible.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visible: Option<bool>,
    /// Last change, `YYYY-MM-DD HH:MM:SS` UTC [guess].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
}

/// The per-weight prices of a menu product, in dollars.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct WeightPrices {
    /// Price of one unit, for products sold `each`.
    #[serde(default, with = "lenient::opt_amount")]
    pub price_each: Option<f64>,
    /// Price of half a gram.
    #[serde(default, with = "lenient::opt_amount")]
    pub price_half_gram: Option<f64>,
    /// Price of a gram.
    #[serde(default, with = "lenient::opt_amount")]
    pub price_gram: Option<f64>,
    /// Price of two grams.
    #[serde(default, with = "lenient::opt_amount")]
    pub price_two_gram: Option<f64>,
    /// Price of an eighth ounce.
    #[serde(default, with = "lenient::opt_amount")]
    pub price_eighth_ounce: Option<f64>,
    /// Price of a quarter ounce.
    #[serde(default, with = "lenient::opt_amount")]
    pub price_quarter_ounce: Option<f64>,
    /// Price of half an ounce.
    #[serde(default, with = "lenient::opt_amount")]
    pub price_half_ounce: Option<f64>,
    /// Price of an ounce.
    #[serde(default, with = "lenient::opt_amount")]
    pub price_ounce: Option<f64>,
}

/// The body of a Jane webhook: `{cart: {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct CartEnvelope {
    /// The cart that changed.
    pub cart: Cart,
}

/// A Jane cart (an order), as webhooks carry it and the partner API [guess]
/// returns it. Times are `YYYY-MM-DD HH:MM:SS` strings, parsed in `mapping`
/// so that an odd time never loses the whole event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Cart {
    /// Jane's cart id.
    #[serde(with = "lenient::id")]
    pub id: String,
    /// Jane's status string (`verification` documented; the others a guess).
    pub status: String,
    /// `pickup`, `delivery` or `kiosk`.
    #[serde(default)]
    pub reservation_mode: Option<String>,
    /// Start of the reserved pickup/delivery window.
    #[serde(default)]
    pub reservation_start_window: Option<String>,
    /// When the customer checked out.
    #[serde(default)]
    pub checked_out_time: Option<String>,
    /// When the cart was created.
    #[serde(default)]
    pub created_at: Option<String>,
    /// When the cart last changed.
    #[serde(default)]
    pub updated_at_time: Option<String>,
    /// Cart total, dollars.
    #[serde(default, with = "lenient::opt_amount")]
    pub amount: Option<f64>,
    /// The store.
    #[serde(default, with = "lenient::opt_id")]
    pub store_id: Option<String>,
    /// The store's name.
    #[serde(default)]
    pub store_name: Option<String>,
    /// The store POS's order id, once the cart reached the register.
    #[serde(default, with = "lenient::opt_id")]
    pub pos_order_id: Option<String>,
    /// The pickup queue number.
    #[serde(default, with = "lenient::opt_id")]
    pub queue_number: Option<String>,
    /// The customer's full name.
    #[serde(default)]
    pub customer_name: Option<String>,
    /// The customer's e-mail address.
    #[serde(default)]
    pub customer_email_address: Option<String>,
    /// The customer's phone number.
    #[serde(default)]
    pub customer_phone_number: Option<String>,
    /// Jane's user id of the customer.
    #[serde(default, with = "lenient::opt_id")]
    pub user_id: Option<String>,
    /// The customer's id in a partner's system.
    #[serde(default, with = "lenient::opt_id")]
    pub external_user_id: Option<String>,
    /// Which partner `external_user_id` belongs to.
    #[serde(default)]
    pub external_user_source: Option<String>,
    /// Promo code applied.
    #[serde(default)]
    pub promo_code: Option<String>,
    /// Free-form tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Canopy's order id for carts created through the partner order API [guess].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_order_id: Option<String>,
    /// The cart's lines; partner API only [guess].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub products: Vec<CartProduct>,
    /// When the sale completed at the register (the cart reached `finished`),
    /// kept if it is later voided; partner API only [guess].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_time: Option<String>,
    /// The cart refunds goods (a return at the register); partner API only [guess].
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub refund: bool,
    /// For a refund cart, the `pos_order_id` of the sale it refunds, when
    /// known; partner API only [guess].
    #[serde(
        default,
        with = "lenient::opt_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub refund_of: Option<String>,
    /// Why the cart was cancelled; partner API only [guess].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancellation_reason: Option<String>,
}

/// One line of a cart [guess].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct CartProduct {
    /// Jane's product id.
    #[serde(with = "lenient::id")]
    pub product_id: String,
    /// The weight sold (an `available_weights` entry); absent for single-weight products.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_id: Option<String>,
    /// Units.
    pub count: i64,
    /// Unit price, dollars.
    #[serde(with = "lenient::amount")]
    pub unit_price: f64,
}

/// `{data: {cart}}`: the answer of the partner order API [guess].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct CartResponse {
    /// The wrapped cart.
    pub data: CartEnvelope,
}

/// The body of `POST /partner/v1/stores/{id}/orders` [guess].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct CreateOrder {
    /// Canopy's order id: the idempotency key.
    pub external_order_id: String,
    /// `pickup` or `delivery`.
    pub reservation_mode: String,
    /// The customer's full name.
    pub customer_name: String,
    /// The customer's e-mail address.
    pub customer_email_address: Option<String>,
    /// The customer's phone number.
    pub customer_phone_number: Option<String>,
    /// Jane's user id, when Canopy knows it.
    pub user_id: Option<String>,
    /// Delivery address, for deliveries.
    pub delivery_address: Option<String>,
    /// Notes for staff.
    pub notes: Option<String>,
    /// The lines.
    pub products: Vec<CartProduct>,
}

/// The body of `POST /partner/v1/stores/{id}/orders/{cart}/cancel` [guess].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct CancelOrder {
    /// Why.
    pub reason: String,
}

/// The body of `POST /partner/v1/stores/{id}/orders/{cart}/returns` [guess];
/// answered with the refund cart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct CreateReturn {
    /// The lines returned.
    pub products: Vec<CartProduct>,
    /// Why.
    pub reason: Option<String>,
}

/// `{data: {store}}`: a store's description [guess].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct StoreResponse {
    /// The wrapped store.
    pub data: StoreEnvelope,
}

/// `{store: {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct StoreEnvelope {
    /// The store.
    pub store: Store,
}

/// A Jane store [guess: the field names follow Jane's public store pages].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Store {
    /// Jane's store id.
    #[serde(with = "lenient::id")]
    pub id: String,
    /// Display name.
    pub name: String,
    /// Street address.
    #[serde(default)]
    pub address: Option<String>,
    /// City.
    #[serde(default)]
    pub city: Option<String>,
    /// Two-letter state code.
    #[serde(default)]
    pub state: Option<String>,
    /// Postal code.
    #[serde(default)]
    pub zip: Option<String>,
    /// Sells adult-use.
    #[serde(default)]
    pub recreational: bool,
    /// Sells to medical patients.
    #[serde(default)]
    pub medical: bool,
    /// IANA time zone.
    #[serde(default)]
    pub time_zone: Option<String>,
}

/// The OAuth2 token endpoint's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct TokenResponse {
    /// The bearer token.
    pub access_token: String,
    /// `Bearer`.
    pub token_type: String,
    /// Lifetime in seconds (about an hour).
    pub expires_in: u64,
}
