//! What an adapter's response decoders make of one response body, without a network:
//! each vendor's `decode_responses` runs every decoder of its adapter on the same
//! bytes and collects the Canopy records they accept and the ones they keep apart.
//!
//! The fuzz targets (`fuzz/`) and their regression tests drive the decoders through
//! it, and [`DecodedResponses::violations`] states what the sync engine assumes of
//! every accepted record.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::model::{
    ExternalCustomer, ExternalLocation, ExternalProduct, ExternalTransaction, Money,
    PosOrderStatus, RejectedRecord, StockRecord,
};

/// Every record the decoders accepted from one body, and every one they rejected.
#[derive(Debug, Default)]
pub struct DecodedResponses {
    /// Catalog items.
    pub products: Vec<ExternalProduct>,
    /// Stock counts.
    pub stock: Vec<StockRecord>,
    /// Customer profiles.
    pub customers: Vec<ExternalCustomer>,
    /// Purchase history.
    pub transactions: Vec<ExternalTransaction>,
    /// Stores.
    pub locations: Vec<ExternalLocation>,
    /// Order statuses.
    pub order_statuses: Vec<PosOrderStatus>,
    /// Records kept apart, with their reasons.
    pub rejected: Vec<RejectedRecord>,
}

impl DecodedResponses {
    /// The broken assumptions among the accepted records, one line each: counts,
    /// quantities and amounts are never negative, measures are finite and never negative.
    pub fn violations(&self) -> Vec<String> {
        let mut found = Vec::new();
        let mut check = |ok: bool, what: String| {
            if !ok {
                found.push(what);
            }
        };
        for s in &self.stock {
            check(
                s.on_hand >= 0,
                format!("stock {}: on_hand {}", s.external_product_id, s.on_hand),
            );
        }
        for p in &self.products {
            let id = &p.external_id;
            for (field, price) in [("rec_price", &p.rec_price), ("med_price", &p.med_price)] {
                check(
                    price.as_ref().is_none_or(non_negative),
                    format!("product {id}: {field} {price:?}"),
                );
            }
            let measures = [
                ("thc", p.thc.as_ref().map(|v| v.value)),
                ("cbd", p.cbd.as_ref().map(|v| v.value)),
                ("net_weight", p.net_weight.as_ref().map(|v| v.value)),
                ("flower_equivalent_grams", p.flower_equivalent_grams),
                ("abv", p.abv),
                ("volume_ml", p.volume_ml),
            ];
            for (field, value) in measures {
                check(
                    value.is_none_or(|v| v.is_finite() && v >= 0.0),
                    format!("product {id}: {field} {value:?}"),
                );
            }
            check(
                p.max_per_transaction.is_none_or(|m| m >= 0),
                format!(
                    "product {id}: max_per_transaction {:?}",
                    p.max_per_transaction
                ),
            );
        }
        for t in &self.transactions {
            let id = &t.external_id;
            check(
                non_negative(&t.total),
                format!("transaction {id}: total {:?}", t.total),
            );
            for line in &t.lines {
                check(
                    line.quantity >= 0 && non_negative(&line.amount),
                    format!(
                        "transaction {id}: line {} quantity {} amount {:?}",
                        line.external_product_id, line.quantity, line.amount
                    ),
                );
            }
        }
        found
    }
}

fn non_negative(money: &Money) -> bool {
    money.amount >= 0
}

/// `value` as one answer of type `T`, when it has that shape.
pub(crate) fn read_as<T: DeserializeOwned>(value: &Value) -> Option<T> {
    serde_json::from_value(value.clone()).ok()
}
