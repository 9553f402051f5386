//! The simulator's own records beside the model types: stock entries,
//! orders with their history, stock changes and raw (bad) wire records.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::{
    ExternalTransaction, Fulfillment, Money, OrderCustomer, OrderLineSubmission, OrderSubmission,
    StockRecord,
};

/// Units of one product at one location.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StockEntry {
    /// The product.
    pub product_id: String,
    /// The location.
    pub location_id: String,
    /// Units on hand (zero entries are kept: vendors that list only stocked items skip them).
    pub on_hand: i64,
    /// Metrc package tag.
    pub package_tag: Option<String>,
    /// When this count last changed.
    pub modified_at: DateTime<Utc>,
}

/// A store's own terms for a catalog product, where they differ from the catalog's (a
/// retailer's stores price and list one catalog apart).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreOffer {
    /// The store's adult-use price; its medical price moves by as much.
    pub rec_price: Money,
    /// Whether the store lists the product online.
    pub active: bool,
}

impl StockEntry {
    /// The count as a model record.
    pub fn to_record(&self) -> StockRecord {
        StockRecord {
            external_product_id: self.product_id.clone(),
            external_location_id: self.location_id.clone(),
            on_hand: self.on_hand,
            package_tag: self.package_tag.clone(),
            observed_at: self.modified_at,
        }
    }
}

/// Why stock changed, as at the register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StockReason {
    /// A walk-in sale: stock goes down and a sale transaction is recorded.
    Sale,
    /// A walk-in return: stock goes up and a return transaction is recorded.
    Return,
    /// A delivery from a supplier: stock goes up, no sales transaction.
    Restock,
}

/// A stock change requested through the control API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StockChange {
    /// The product.
    pub product_id: String,
    /// The location.
    pub location_id: String,
    /// Signed units: negative for a sale, positive for a return or restock.
    pub delta: i64,
    /// Why.
    pub reason: StockReason,
}

/// What a stock change did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StockChangeOutcome {
    /// The count after the change.
    pub stock: StockRecord,
    /// The sale or return recorded, if any.
    pub transaction: Option<ExternalTransaction>,
}

/// One status an order passed through.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusChange {
    /// The vendor's status string.
    pub status: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// An online order as the simulated POS holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimOrder {
    /// The POS's order id.
    pub external_id: String,
    /// The caller's reference (Canopy's order id): the idempotency key.
    pub order_reference: String,
    /// The location filling it.
    pub location_id: String,
    /// The POS customer id, when matched or given.
    pub customer_id: Option<String>,
    /// Who ordered.
    pub customer: OrderCustomer,
    /// What was ordered.
    pub lines: Vec<OrderLineSubmission>,
    /// Pickup or delivery.
    pub fulfillment: Fulfillment,
    /// Delivery address.
    pub delivery_address: Option<String>,
    /// Notes for staff.
    pub notes: Option<String>,
    /// The vendor's current status string.
    pub status: String,
    /// Every status, oldest first (the first is the status at submission).
    pub history: Vec<StatusChange>,
    /// The sale that filled the order, once filled.
    pub transaction_id: Option<String>,
    /// Why it was cancelled or rejected.
    pub reason: Option<String>,
    /// Sum of the lines.
    pub total: Money,
    /// When it was submitted.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub modified_at: DateTime<Utc>,
}

/// An order to create in the store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewOrder {
    /// The caller's reference: submitting the same reference twice returns the first order.
    pub order_reference: String,
    /// The location filling it.
    pub location_id: String,
    /// The POS customer id, if known.
    pub customer_id: Option<String>,
    /// Who ordered.
    pub customer: OrderCustomer,
    /// What was ordered.
    pub lines: Vec<OrderLineSubmission>,
    /// Pickup or delivery.
    pub fulfillment: Fulfillment,
    /// Delivery address.
    pub delivery_address: Option<String>,
    /// Notes for staff.
    pub notes: Option<String>,
}

impl From<&OrderSubmission> for NewOrder {
    fn from(o: &OrderSubmission) -> Self {
        NewOrder {
            order_reference: o.order_id.to_string(),
            location_id: o.external_location_id.clone(),
            customer_id: o.customer.external_id.clone(),
            customer: o.customer.clone(),
            lines: o.lines.clone(),
            fulfillment: o.fulfillment,
            delivery_address: o.delivery_address.clone(),
            notes: o.notes.clone(),
        }
    }
}

/// A return of order lines recorded at the POS.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimReturn {
    /// The POS's id for the return (the return transaction's id).
    pub external_id: String,
    /// The order returned against.
    pub order_id: String,
    /// The return transaction.
    pub transaction: ExternalTransaction,
    /// Amount refunded.
    pub refund: Money,
    /// Why, if given.
    pub reason: Option<String>,
}

/// The lists a vendor simulator serves, for raw records injected into them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Collection {
    /// The catalog.
    Products,
    /// Stock counts (where the vendor lists them apart from products).
    Stock,
    /// Customers.
    Customers,
    /// Purchase history.
    Transactions,
}
