//! Canopy's own view of what a POS holds: the normalised types every adapter
//! produces and consumes. Vendor wire types never leave their vendor module;
//! only these do.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
#[cfg(feature = "sea-orm")]
use sea_orm::sea_query::StringLen;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Defines one of the closed enums Canopy shares between crates: its stored string is
/// also its GraphQL name. The `sea-orm` feature derives its column type
/// (`DeriveActiveEnum`), the `graphql` feature its GraphQL enum, both from this one
/// definition.
macro_rules! closed_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[doc = $doc:literal])* $variant:ident = $value:literal, )+
        }
    ) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "sea-orm", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
        #[cfg_attr(
            feature = "sea-orm",
            sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")
        )]
        #[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
        $(#[$meta])*
        pub enum $name {
            $(
                $(#[doc = $doc])*
                #[cfg_attr(feature = "sea-orm", sea_orm(string_value = $value))]
                #[cfg_attr(feature = "graphql", graphql(name = $value))]
                $variant,
            )+
        }
    };
}

closed_enum! {
    /// The point of sale a connection speaks to.
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    pub enum PosKind {
        /// Dutchie POS.
        Dutchie = "DUTCHIE",
        /// Jane (iHeartJane).
        Jane = "JANE",
        /// Dispense.
        Dispense = "DISPENSE",
        /// Treez.
        Treez = "TREEZ",
    }
}

impl PosKind {
    /// Every kind, in a stable order.
    pub const ALL: [PosKind; 4] = [
        PosKind::Dutchie,
        PosKind::Jane,
        PosKind::Dispense,
        PosKind::Treez,
    ];

    /// The lower-case name used in URLs and CLI arguments.
    pub fn as_str(self) -> &'static str {
        match self {
            PosKind::Dutchie => "dutchie",
            PosKind::Jane => "jane",
            PosKind::Dispense => "dispense",
            PosKind::Treez => "treez",
        }
    }

    /// Parses the lower-case name produced by [`PosKind::as_str`].
    pub fn parse(name: &str) -> Option<Self> {
        PosKind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(name))
    }
}

impl fmt::Display for PosKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An amount of money in minor units (cents) with its ISO 4217 currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    /// Minor units: 1999 is 19.99.
    pub amount: i64,
    /// ISO 4217 code, e.g. `USD`.
    pub currency: String,
}

impl Money {
    /// US dollars from minor units.
    pub fn usd(amount: i64) -> Self {
        Money {
            amount,
            currency: "USD".to_owned(),
        }
    }

    /// Converts a decimal major-unit amount (as vendors send it) to minor units,
    /// rounding half away from zero. `None` for non-finite input.
    pub fn from_major(major: f64, currency: &str) -> Option<Self> {
        major.is_finite().then(|| Money {
            amount: (major * 100.0).round() as i64,
            currency: currency.to_owned(),
        })
    }
}

closed_enum! {
    /// A product category.
    pub enum ProductCategory {
        /// Dried flower.
        Flower = "FLOWER",
        /// Pre-rolled joints.
        PreRoll = "PRE_ROLL",
        /// Vaporizer cartridges and disposables.
        Vape = "VAPE",
        /// Concentrates and extracts.
        Concentrate = "CONCENTRATE",
        /// Edibles.
        Edible = "EDIBLE",
        /// Tinctures.
        Tincture = "TINCTURE",
        /// Topicals.
        Topical = "TOPICAL",
        /// Cannabis beverages.
        Beverage = "BEVERAGE",
        /// Accessories and gear.
        Accessory = "ACCESSORY",
        /// Beer.
        Beer = "BEER",
        /// Wine.
        Wine = "WINE",
        /// Spirits.
        Spirits = "SPIRITS",
        /// A vendor category Canopy does not know.
        Other = "OTHER",
    }
}

impl ProductCategory {
    /// The stable upper-case name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            ProductCategory::Flower => "FLOWER",
            ProductCategory::PreRoll => "PRE_ROLL",
            ProductCategory::Vape => "VAPE",
            ProductCategory::Concentrate => "CONCENTRATE",
            ProductCategory::Edible => "EDIBLE",
            ProductCategory::Tincture => "TINCTURE",
            ProductCategory::Topical => "TOPICAL",
            ProductCategory::Beverage => "BEVERAGE",
            ProductCategory::Accessory => "ACCESSORY",
            ProductCategory::Beer => "BEER",
            ProductCategory::Wine => "WINE",
            ProductCategory::Spirits => "SPIRITS",
            ProductCategory::Other => "OTHER",
        }
    }
}

closed_enum! {
    /// A cannabis strain type.
    pub enum StrainType {
        /// Indica.
        Indica = "INDICA",
        /// Sativa.
        Sativa = "SATIVA",
        /// Hybrid.
        Hybrid = "HYBRID",
        /// High-CBD.
        Cbd = "CBD",
        /// Not applicable (accessories, alcohol).
        None = "NONE",
        /// A vendor value Canopy does not know.
        Other = "OTHER",
    }
}

closed_enum! {
    /// The unit of a cannabinoid content.
    pub enum PotencyUnit {
        /// Percent by weight.
        Percent = "PERCENT",
        /// Milligrams per package.
        Milligrams = "MG",
        /// Milligrams per gram.
        MilligramsPerGram = "MG_PER_G",
        /// A vendor unit Canopy does not know: the value is kept, not comparable.
        Other = "OTHER",
    }
}

/// A cannabinoid content (THC, CBD) with its unit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Potency {
    /// The amount, in `unit`.
    pub value: f64,
    /// The unit of `value`.
    pub unit: PotencyUnit,
}

closed_enum! {
    /// A unit of net weight or volume.
    pub enum WeightUnit {
        /// Grams.
        Grams = "G",
        /// Milligrams.
        Milligrams = "MG",
        /// Avoirdupois ounces.
        Ounces = "OZ",
        /// Pounds.
        Pounds = "LB",
        /// Millilitres.
        Milliliters = "ML",
        /// Fluid ounces.
        FluidOunces = "FL_OZ",
        /// Counted units.
        Each = "EACH",
        /// A vendor unit Canopy does not know: the value is kept, not convertible.
        Other = "OTHER",
    }
}

/// A net weight or volume as the vendor states it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Weight {
    /// The amount, in `unit`.
    pub value: f64,
    /// The unit of `value`.
    pub unit: WeightUnit,
}

impl Weight {
    /// Grams per avoirdupois ounce.
    pub const GRAMS_PER_OUNCE: f64 = 28.349_523_125;

    /// The weight in grams, when it is a mass.
    pub fn grams(&self) -> Option<f64> {
        match self.unit {
            WeightUnit::Grams => Some(self.value),
            WeightUnit::Milligrams => Some(self.value / 1000.0),
            WeightUnit::Ounces => Some(self.value * Self::GRAMS_PER_OUNCE),
            WeightUnit::Pounds => Some(self.value * 16.0 * Self::GRAMS_PER_OUNCE),
            WeightUnit::Milliliters
            | WeightUnit::FluidOunces
            | WeightUnit::Each
            | WeightUnit::Other => None,
        }
    }
}

/// A store as the POS describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExternalLocation {
    /// The POS's id for this location.
    pub external_id: String,
    /// Display name.
    pub name: String,
    /// Street address, if known.
    pub address: Option<String>,
    /// City, if known.
    pub city: Option<String>,
    /// Two-letter state or province code (the jurisdiction), if known.
    pub state: Option<String>,
    /// Postal code, if known.
    pub postal_code: Option<String>,
    /// State licence number, if known.
    pub licence_number: Option<String>,
    /// Whether the store sells adult-use (recreational).
    pub adult_use: bool,
    /// Whether the store sells to medical patients.
    pub medical: bool,
    /// IANA time zone, if known.
    pub time_zone: Option<String>,
}

/// A catalog item as normalised from the POS.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExternalProduct {
    /// The POS's product id (unique per connection).
    pub external_id: String,
    /// The POS location the record came from, when the vendor scopes catalogs by location.
    pub external_location_id: Option<String>,
    /// Stock-keeping unit, if any.
    pub sku: Option<String>,
    /// The barcode (UPC-A, EAN-13 or GTIN-14) as the POS gives it; Canopy checks its
    /// check digit (see [`crate::gtin`]) and keeps a record whose code fails apart.
    #[serde(default)]
    pub upc: Option<String>,
    /// Display name.
    pub name: String,
    /// Brand name, if any.
    pub brand: Option<String>,
    /// Normalised category.
    pub category: ProductCategory,
    /// The vendor's own category text, when `category` is [`ProductCategory::Other`].
    pub category_raw: Option<String>,
    /// Normalised strain type.
    pub strain_type: StrainType,
    /// The vendor's own strain text, when `strain_type` is [`StrainType::Other`].
    pub strain_type_raw: Option<String>,
    /// THC content.
    pub thc: Option<Potency>,
    /// CBD content.
    pub cbd: Option<Potency>,
    /// Net weight or volume as sold.
    pub net_weight: Option<Weight>,
    /// Grams counted toward purchase limits per unit sold.
    pub flower_equivalent_grams: Option<f64>,
    /// Alcohol by volume, percent (alcohol products).
    pub abv: Option<f64>,
    /// Volume in millilitres (beverages).
    pub volume_ml: Option<f64>,
    /// Adult-use (recreational) unit price.
    pub rec_price: Option<Money>,
    /// Medical unit price.
    pub med_price: Option<Money>,
    /// Sold to medical patients only.
    pub medical_only: bool,
    /// The POS's maximum units per transaction, if any.
    pub max_per_transaction: Option<i32>,
    /// Image URLs.
    pub images: Vec<String>,
    /// Metrc package tag, where the POS gives one.
    pub package_tag: Option<String>,
    /// Whether the product is active and sellable online.
    pub active: bool,
    /// The POS's last-modified time for this record.
    pub modified_at: Option<DateTime<Utc>>,
}

/// One stock count for a product at a location.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StockRecord {
    /// The POS's product id.
    pub external_product_id: String,
    /// The POS's location id.
    pub external_location_id: String,
    /// Units on hand at the register; never negative once normalised.
    pub on_hand: i64,
    /// Metrc package tag of the stock, if known.
    pub package_tag: Option<String>,
    /// The POS's time for this count (its last-modified time, or when the snapshot was read).
    pub observed_at: DateTime<Utc>,
}

/// Stock counts read from a POS.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StockSnapshot {
    /// The counts read.
    pub records: Vec<StockRecord>,
    /// `true` when this is a full snapshot of the listed locations, so a
    /// product absent from it has zero on hand (Dutchie lists only items with stock).
    pub complete: bool,
    /// Records that could not be read, kept apart.
    pub rejected: Vec<RejectedRecord>,
}

/// A customer as the POS holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExternalCustomer {
    /// The POS's customer id.
    pub external_id: String,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// E-mail address as the POS holds it.
    pub email: Option<String>,
    /// Phone number as the POS holds it.
    pub phone: Option<String>,
    /// Date of birth.
    pub date_of_birth: Option<NaiveDate>,
    /// Medical card or recommendation id.
    pub medical_id: Option<String>,
    /// Medical card expiry.
    pub medical_id_expires: Option<NaiveDate>,
    /// Street address.
    pub address: Option<String>,
    /// City.
    pub city: Option<String>,
    /// State or province.
    pub state: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// Opted in to marketing messages.
    pub marketing_opt_in: Option<bool>,
    /// The POS's last-modified time for this record.
    pub modified_at: Option<DateTime<Utc>>,
}

/// One line of a POS transaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransactionLine {
    /// The POS's product id.
    pub external_product_id: String,
    /// Units sold (positive) on this line.
    pub quantity: i64,
    /// Line total after discounts.
    pub amount: Money,
    /// The line was returned.
    pub returned: bool,
    /// Metrc package tag, where known.
    pub package_tag: Option<String>,
}

/// A completed sale (or return, or void) at the POS: purchase history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExternalTransaction {
    /// The POS's transaction id.
    pub external_id: String,
    /// The POS's customer id, if the sale was to a known customer.
    pub external_customer_id: Option<String>,
    /// The POS's location id.
    pub external_location_id: String,
    /// When the sale happened.
    pub occurred_at: DateTime<Utc>,
    /// Transaction total.
    pub total: Money,
    /// Lines.
    pub lines: Vec<TransactionLine>,
    /// This transaction returns goods.
    pub is_return: bool,
    /// The transaction this one returns, for returns.
    pub return_of: Option<String>,
    /// The transaction was voided.
    pub is_void: bool,
    /// The POS's id of the online order this sale fulfilled, if any.
    pub external_order_id: Option<String>,
    /// Canopy's order id, when the POS echoes our reference.
    pub order_reference: Option<String>,
    /// The POS's last-modified time for this record.
    pub modified_at: Option<DateTime<Utc>>,
}

closed_enum! {
    /// How an order reaches the customer.
    #[cfg_attr(feature = "graphql", graphql(name = "FulfillmentType"))]
    pub enum Fulfillment {
        /// The customer picks up in store.
        Pickup = "PICKUP",
        /// The store delivers.
        Delivery = "DELIVERY",
    }
}

/// The customer on an order sent to the POS.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderCustomer {
    /// The POS's customer id, when Canopy knows it for this connection.
    pub external_id: Option<String>,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// E-mail address.
    pub email: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// Date of birth.
    pub date_of_birth: Option<NaiveDate>,
    /// Medical card id, if any.
    pub medical_id: Option<String>,
}

/// One line of an order sent to the POS.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderLineSubmission {
    /// The POS's product id.
    pub external_product_id: String,
    /// Units.
    pub quantity: i64,
    /// Unit price Canopy quoted.
    pub unit_price: Money,
}

/// An online order handed to the POS.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderSubmission {
    /// Canopy's order id: also the idempotency key at the POS.
    pub order_id: Uuid,
    /// The POS location that fills it.
    pub external_location_id: String,
    /// Who ordered.
    pub customer: OrderCustomer,
    /// What was ordered.
    pub lines: Vec<OrderLineSubmission>,
    /// Pickup or delivery.
    pub fulfillment: Fulfillment,
    /// Delivery address, for deliveries.
    pub delivery_address: Option<String>,
    /// Free-text notes for staff.
    pub notes: Option<String>,
}

closed_enum! {
    /// The status of an online order.
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    pub enum OrderStatus {
        /// Placed in Canopy, not yet delivered to the POS.
        Pending = "PENDING",
        /// Accepted by the POS, not yet confirmed by staff.
        Submitted = "SUBMITTED",
        /// Confirmed by the store.
        Confirmed = "CONFIRMED",
        /// Ready for pickup.
        Ready = "READY",
        /// Out for delivery.
        Shipped = "SHIPPED",
        /// Delivered to the customer.
        Delivered = "DELIVERED",
        /// Completed (paid and handed over).
        Completed = "COMPLETED",
        /// Cancelled by either side.
        Cancelled = "CANCELLED",
        /// Returned after completion (wholly or in part).
        Returned = "RETURNED",
        /// Could not be delivered to the POS, or rejected by it.
        Failed = "FAILED",
    }
}

/// An order's status as the POS reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PosOrderStatus {
    /// The POS's order id.
    pub external_id: String,
    /// The status mapped onto Canopy's model; `None` when the vendor's value is unknown.
    pub status: Option<OrderStatus>,
    /// The vendor's own status string, always kept.
    pub vendor_status: String,
    /// The POS transaction that completed the order, if any.
    pub transaction_id: Option<String>,
    /// The POS's reason for a rejection or cancellation, if given.
    pub reason: Option<String>,
    /// When the POS says the status last changed.
    pub updated_at: Option<DateTime<Utc>>,
}

/// The POS's answer to a submitted order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubmittedOrder {
    /// The POS's order id.
    pub external_id: String,
    /// The status right after submission.
    pub status: PosOrderStatus,
}

/// A return of some lines of an order, sent to the POS.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReturnRequest {
    /// Canopy's order id.
    pub order_id: Uuid,
    /// The POS's order id.
    pub external_order_id: String,
    /// The lines and units returned.
    pub lines: Vec<OrderLineSubmission>,
    /// Why.
    pub reason: Option<String>,
}

/// The POS's record of a return.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReturnReceipt {
    /// The POS's id for the return.
    pub external_id: String,
    /// Amount refunded.
    pub refund: Money,
}

/// What "test connection" reached at the POS.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectionReport {
    /// Who the credentials belong to, as the POS names it.
    pub identity: String,
    /// The locations the credentials can see.
    pub locations: Vec<ExternalLocation>,
    /// The permissions or scopes the POS reports for the credentials.
    pub permissions: Vec<String>,
}

/// A record from the POS that could not be used, kept apart instead of failing the batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RejectedRecord {
    /// The endpoint it came from, e.g. `GET /products`.
    pub endpoint: String,
    /// The record's id, when one could be read.
    pub external_id: Option<String>,
    /// Why it was rejected.
    pub reason: String,
}

/// A page-complete list of records read from a POS, plus what was rejected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Batch<T> {
    /// Records read and normalised.
    pub items: Vec<T>,
    /// Records kept apart.
    pub rejected: Vec<RejectedRecord>,
    /// The newest modification time seen: the next incremental cursor.
    pub high_water_mark: Option<DateTime<Utc>>,
}

impl<T> Default for Batch<T> {
    fn default() -> Self {
        Batch {
            items: Vec::new(),
            rejected: Vec::new(),
            high_water_mark: None,
        }
    }
}

/// Something a POS told Canopy by webhook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum WebhookEvent {
    /// An order (cart) changed status.
    OrderStatus {
        /// The vendor's delivery or event id, for de-duplication, when it has one.
        delivery_id: Option<String>,
        /// The new status.
        status: PosOrderStatus,
        /// The customer on the order, as the POS describes them (boxed: it is large).
        customer: Option<Box<ExternalCustomer>>,
        /// Canopy's order id, when the POS echoes our reference.
        order_reference: Option<String>,
    },
    /// Stock changed for some products.
    Stock {
        /// The vendor's delivery or event id, when it has one.
        delivery_id: Option<String>,
        /// The new counts.
        records: Vec<StockRecord>,
    },
}

/// What an adapter's vendor offers beyond the common trait.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[cfg_attr(feature = "graphql", graphql(name = "PosCapabilities"))]
pub struct Capabilities {
    /// The vendor pushes webhooks.
    pub webhooks: bool,
    /// Its order webhooks report every status change, cancellations included, so open
    /// orders need no status polling (otherwise polling stays on as a safety net).
    pub order_webhooks_complete: bool,
    /// Stock can be read incrementally (otherwise snapshots are diffed).
    pub stock_changed_since: bool,
    /// Customer profiles can be written to the POS.
    pub customer_write: bool,
    /// Orders placed in Canopy can be submitted to the POS.
    pub order_submit: bool,
    /// Returns can be submitted to the POS.
    pub returns: bool,
}
