//! Dutchie's wire types, named and typed as in its OpenAPI document
//! (`components/schemas/...`). Only the fields Canopy reads or writes are
//! modelled; every schema allows the rest to be absent.
//!
//! The same structs are read by the adapter and written by the simulator,
//! so the two cannot drift apart; a test validates both directions against
//! the vendor's schemas. Fields the schema marks non-nullable are skipped
//! when `None` instead of being written as `null`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::wire_time;
use crate::lenient;

/// `LocationIdentity`: what `GET /whoami` says about the key's location.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LocationIdentity {
    #[serde(with = "lenient::int")]
    pub location_id: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lsp_id: Option<i32>,
    #[serde(default)]
    pub location_name: Option<String>,
    #[serde(default)]
    pub lsp_name: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub address2: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub postal_code: Option<String>,
    #[serde(default)]
    pub license_number: Option<String>,
    #[serde(default)]
    pub doing_business_as: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_customer_profiles: Option<bool>,
}

/// `ProductDetail`: one catalog item from `GET /products`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ProductDetail {
    #[serde(with = "lenient::int")]
    pub product_id: i32,
    #[serde(default)]
    pub sku: Option<String>,
    #[serde(default)]
    pub product_name: Option<String>,
    #[serde(default)]
    pub master_category: Option<String>,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub image_url: Option<String>,
    #[serde(default)]
    pub image_urls: Option<Vec<String>>,
    #[serde(default)]
    pub strain_type: Option<String>,
    #[serde(default)]
    pub net_weight: Option<f64>,
    #[serde(default)]
    pub net_weight_unit: Option<String>,
    #[serde(default)]
    pub brand_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_cannabis: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_active: Option<bool>,
    #[serde(default)]
    pub thc_content: Option<f64>,
    #[serde(default)]
    pub thc_content_unit: Option<String>,
    #[serde(default)]
    pub cbd_content: Option<f64>,
    #[serde(default)]
    pub cbd_content_unit: Option<String>,
    #[serde(default)]
    pub flower_equivalent: Option<f64>,
    #[serde(default)]
    pub rec_flower_equivalent: Option<f64>,
    #[serde(default)]
    pub price: Option<f64>,
    #[serde(default)]
    pub med_price: Option<f64>,
    #[serde(default)]
    pub rec_price: Option<f64>,
    #[serde(default)]
    pub online_available: Option<bool>,
    #[serde(default)]
    pub max_purchaseable_per_transaction: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_medical_only: Option<bool>,
    #[serde(default)]
    pub regulatory_category: Option<String>,
    #[serde(default)]
    pub upc: Option<String>,
    #[serde(rename = "lastModifiedDateUTC", default, with = "wire_time::opt")]
    pub last_modified_date_utc: Option<DateTime<Utc>>,
}

/// `InventoryItem`: one package with stock from `GET /inventory`. The schema
/// requires no field; Canopy needs `productId` and `quantityAvailable` (and
/// `roomQuantities` when the connection sells from some rooms only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct InventoryItem {
    /// The package record's id: only used to spot a record listed twice.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "lenient::opt_int"
    )]
    pub inventory_id: Option<i32>,
    #[serde(with = "lenient::int")]
    pub product_id: i32,
    #[serde(default)]
    pub sku: Option<String>,
    #[serde(default)]
    pub product_name: Option<String>,
    pub quantity_available: f64,
    #[serde(default)]
    pub package_id: Option<String>,
    #[serde(default)]
    pub batch_name: Option<String>,
    #[serde(default)]
    pub package_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_price: Option<f64>,
    #[serde(default)]
    pub rec_unit_price: Option<f64>,
    #[serde(default)]
    pub med_unit_price: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flower_equivalent: Option<f64>,
    #[serde(default, with = "wire_time::opt")]
    pub last_modified_date_utc: Option<DateTime<Utc>>,
    /// The stock per room (with `includeRoomQuantities=true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room_quantities: Option<Vec<InventoryRoomQuantity>>,
}

/// `InventoryRoomQuantity`: a package's stock in one room (sales floor, vault, …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct InventoryRoomQuantity {
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "lenient::opt_int"
    )]
    pub room_id: Option<i32>,
    #[serde(default)]
    pub room: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity_available: Option<f64>,
}

/// `Customer`: a customer profile from `GET /customer/customers[-paginated]`
/// and the answer of `POST /customer/customer`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Customer {
    #[serde(with = "lenient::int")]
    pub customer_id: i32,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub address1: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub postal_code: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub cell_phone: Option<String>,
    #[serde(default)]
    pub email_address: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub mmjid_number: Option<String>,
    #[serde(default, with = "wire_time::opt")]
    pub mmjid_expiration_date: Option<DateTime<Utc>>,
    /// Typed as a plain string in the schema, not `date-time`.
    #[serde(rename = "lastModifiedDateUTC", default)]
    pub last_modified_date_utc: Option<String>,
    #[serde(default)]
    pub customer_type: Option<String>,
    #[serde(default, with = "wire_time::opt")]
    pub date_of_birth: Option<DateTime<Utc>>,
    #[serde(default)]
    pub external_customer_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_anonymous: Option<bool>,
    #[serde(default)]
    pub opted_into_marketing: Option<bool>,
}

/// `EcomCustomerEdit`: the body of `POST /customer/customer` (create or update).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct EcomCustomerEdit {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<i32>,
    pub first_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    pub address1: String,
    pub city: String,
    pub state: String,
    pub postal_code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_address: Option<String>,
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mmjid_number: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "wire_time::opt"
    )]
    pub mmjid_expiration_date: Option<DateTime<Utc>>,
    pub customer_type: String,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "wire_time::opt"
    )]
    pub date_of_birth: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_customer_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<String>,
}

/// `CustomerSearchRequest`: the body of `POST /customer/search`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CustomerSearchRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "wire_time::opt"
    )]
    pub date_of_birth: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mmjid_number: Option<String>,
}

/// `CustomerSearchResult`: one match from `POST /customer/search`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CustomerSearchResult {
    #[serde(default)]
    pub match_type: Option<String>,
    pub customer_id: i32,
}

/// `Transaction`: one sale, return or void from `GET /reporting/transactions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Transaction {
    #[serde(with = "lenient::int")]
    pub transaction_id: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<i32>,
    #[serde(with = "wire_time::required")]
    pub transaction_date: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_void: Option<bool>,
    /// Absent: the sum of the items' `totalPrice`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<f64>,
    #[serde(default)]
    pub items: Option<Vec<TransactionItem>>,
    #[serde(
        rename = "lastModifiedDateUTC",
        default,
        skip_serializing_if = "Option::is_none",
        with = "wire_time::opt"
    )]
    pub last_modified_date_utc: Option<DateTime<Utc>>,
    #[serde(default)]
    pub return_on_transaction_id: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_return: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub was_pre_ordered: Option<bool>,
    #[serde(default)]
    pub order_ids: Option<Vec<i32>>,
    /// [guess] Carries the pre-order's `transactionReference` when the sale filled one.
    #[serde(default)]
    pub reference_id: Option<String>,
    #[serde(default)]
    pub transaction_type: Option<String>,
}

/// `TransactionItem`: one line of a [`Transaction`] (with `IncludeDetail=true`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TransactionItem {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<i32>,
    #[serde(with = "lenient::int")]
    pub product_id: i32,
    pub total_price: f64,
    pub quantity: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_price: Option<f64>,
    #[serde(default)]
    pub package_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_returned: Option<bool>,
    #[serde(default)]
    pub return_reason: Option<String>,
}

/// `CreatePreOrderRequest`: the body of `POST /preorder/submit`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreatePreOrderRequest {
    pub customer_id: i32,
    #[serde(default)]
    pub items: Option<Vec<PreOrderItem>>,
    #[serde(default)]
    pub is_delivery: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_street: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_reference: Option<String>,
}

/// `PreOrderItem`: one line of a [`CreatePreOrderRequest`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PreOrderItem {
    pub product_id: i32,
    pub quantity: f64,
}

/// `PreOrderStatus`: the answer of `GET /preorder/Status?PreOrderId=…`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PreOrderStatus {
    #[serde(with = "lenient::int")]
    pub pre_order_id: i32,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub transaction_id: Option<i32>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "wire_time::opt"
    )]
    pub order_date: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<i32>,
    #[serde(default)]
    pub rejected_reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_cancellable: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_updateable: Option<bool>,
    #[serde(default)]
    pub total: Option<f64>,
}

/// `CancelPreorderRequest`: the body of `POST /preorder/cancel`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CancelPreorderRequest {
    pub order_id: i32,
    #[serde(default)]
    pub cancellation_reason: Option<String>,
}

/// `BadRequestResponse`: most endpoints' 400 body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BadRequestResponse {
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub property_errors: Option<Vec<BadRequestPropertyError>>,
}

/// `BadRequestPropertyError`: one field's complaint in a [`BadRequestResponse`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BadRequestPropertyError {
    #[serde(default)]
    pub property_name: Option<String>,
    #[serde(default)]
    pub property_error: Option<String>,
}

/// `ValidationResult`: the 400 body of `GET /reporting/transactions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ValidationResult {
    pub is_valid: bool,
    #[serde(default)]
    pub errors: Option<Vec<ValidationFailure>>,
    #[serde(default)]
    pub rule_sets_executed: Option<Vec<String>>,
}

/// `ValidationFailure`: one rule broken in a [`ValidationResult`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ValidationFailure {
    #[serde(default)]
    pub property_name: Option<String>,
    #[serde(default)]
    pub error_message: Option<String>,
}

/// Dutchie's 429 body (documented, not in the OpenAPI document).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct TooManyRequests {
    #[serde(rename = "Message")]
    pub message: String,
    #[serde(rename = "TraceId")]
    pub trace_id: String,
}
