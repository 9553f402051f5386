//! Reads Treez list pages record by record, so one bad record (missing field, wrong
//! type, negative quantity, duplicate id) is filed under `rejected` with its endpoint
//! while the rest of the list is kept.

use std::collections::HashSet;

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::api;
use super::mapping;
use super::models::{Customer, Product, StockRow, Ticket};
use crate::model::RejectedRecord;

/// Decodes the records of one listing (all its pages) as `T`.
pub(crate) struct RecordDecoder<T> {
    endpoint: &'static str,
    check: fn(&T) -> Result<(), String>,
    id_of: fn(&T) -> &str,
    id_field: &'static str,
    seen: HashSet<String>,
    /// Records accepted so far.
    pub items: Vec<T>,
    /// Records kept apart so far.
    pub rejected: Vec<RejectedRecord>,
}

impl<T: DeserializeOwned> RecordDecoder<T> {
    fn new(
        endpoint: &'static str,
        id_field: &'static str,
        check: fn(&T) -> Result<(), String>,
        id_of: fn(&T) -> &str,
    ) -> Self {
        RecordDecoder {
            endpoint,
            check,
            id_of,
            id_field,
            seen: HashSet::new(),
            items: Vec::new(),
            rejected: Vec::new(),
        }
    }

    /// Decodes one page's records.
    pub(crate) fn push_page(&mut self, records: Vec<Value>) {
        self.items.reserve(records.len());
        for value in records {
            self.push(value);
        }
    }

    fn push(&mut self, value: Value) {
        let raw_id = match value.get(self.id_field) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let record = match crate::record::read::<T>(value) {
            Ok(record) => record,
            Err(reason) => return self.reject(raw_id, reason),
        };
        let id = (self.id_of)(&record).to_owned();
        if let Err(reason) = (self.check)(&record) {
            return self.reject(Some(id), reason);
        }
        if !self.seen.insert(id.clone()) {
            return self.reject(Some(id), "duplicate id".to_owned());
        }
        self.items.push(record);
    }

    fn reject(&mut self, external_id: Option<String>, reason: String) {
        tracing::warn!(
            vendor = "treez",
            endpoint = self.endpoint,
            external_id = external_id.as_deref(),
            reason = %reason,
            "rejected a record"
        );
        self.rejected.push(RejectedRecord {
            endpoint: self.endpoint.to_owned(),
            external_id,
            reason,
        });
    }
}

impl RecordDecoder<Product> {
    /// Products of `product_list`.
    pub(crate) fn products() -> Self {
        Self::new(
            api::PRODUCTS.name,
            "product_id",
            mapping::validate_product,
            |p| &p.product_id,
        )
    }
}

impl RecordDecoder<StockRow> {
    /// Rows of `getStock`.
    pub(crate) fn stock() -> Self {
        Self::new(
            api::STOCK.name,
            "product_id",
            mapping::validate_stock,
            |s| &s.product_id,
        )
    }
}

impl RecordDecoder<Customer> {
    /// Customers changed since a time.
    pub(crate) fn customers() -> Self {
        Self::new(
            api::CUSTOMERS.name,
            "customer_id",
            |_| Ok(()),
            |c| &c.customer_id,
        )
    }
}

impl RecordDecoder<Ticket> {
    /// Tickets changed since a time.
    pub(crate) fn tickets() -> Self {
        Self::new(
            api::TICKETS.name,
            "ticket_id",
            mapping::validate_ticket,
            |t| &t.ticket_id,
        )
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn bad_rows_are_rejected_and_the_rest_kept() {
        let mut d = RecordDecoder::stock();
        let row = |id: &str, qty: Value| json!({"product_id": id, "inventory_details": [{"sellable_quantity": qty}]});
        d.push_page(vec![
            row("a", json!(3)),
            row("b", json!(-1)),
            json!({"inventory_details": []}),
            row("c", json!("many")),
        ]);
        d.push_page(vec![row("a", json!(1)), row("d", json!(0))]);
        let ids: Vec<_> = d.items.iter().map(|r| r.product_id.as_str()).collect();
        assert_eq!(ids, ["a", "d"]);
        let rejected: Vec<_> = d.rejected.iter().map(|r| r.external_id.clone()).collect();
        assert_eq!(
            rejected,
            [Some("b".into()), None, Some("c".into()), Some("a".into())]
        );
        assert!(d.rejected.iter().all(|r| r.endpoint == api::STOCK.name));
    }
}
