//! Reads Dispense list pages record by record, so one bad record (missing
//! field, wrong type, negative quantity, duplicate id) is filed under
//! `rejected` with its endpoint while the rest of the list is kept.

use std::collections::HashSet;

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::api;
use super::mapping;
use super::models::{Order, Product};
use crate::model::RejectedRecord;

/// Decodes the elements of one listing (all its pages) as `T`, checking each
/// with `check` and rejecting ids already seen earlier in the listing.
pub(crate) struct RecordDecoder<T> {
    endpoint: &'static str,
    check: fn(&T) -> Result<(), String>,
    id_of: fn(&T) -> &str,
    seen: HashSet<String>,
    /// Records accepted so far.
    pub items: Vec<T>,
    /// Records kept apart so far.
    pub rejected: Vec<RejectedRecord>,
}

impl<T: DeserializeOwned> RecordDecoder<T> {
    /// A decoder for records of `endpoint`.
    pub(crate) fn new(
        endpoint: &'static str,
        check: fn(&T) -> Result<(), String>,
        id_of: fn(&T) -> &str,
    ) -> Self {
        RecordDecoder {
            endpoint,
            check,
            id_of,
            seen: HashSet::new(),
            items: Vec::new(),
            rejected: Vec::new(),
        }
    }

    /// Decodes one page's `data`.
    pub(crate) fn push_page(&mut self, data: Vec<Value>) {
        self.items.reserve(data.len());
        for value in data {
            self.push(value);
        }
    }

    fn push(&mut self, value: Value) {
        let raw_id = raw_id(&value);
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
            vendor = "dispense",
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
    /// The decoder of `GET /products` rows.
    pub(crate) fn products() -> Self {
        Self::new(api::PRODUCTS.name, mapping::validate_product, |p| &p.id)
    }
}

impl RecordDecoder<Order> {
    /// The decoder of `GET /orders` rows.
    pub(crate) fn orders() -> Self {
        Self::new(api::ORDERS.name, mapping::validate_order, |o| &o.id)
    }
}

/// The `id` of a raw record, when it has a readable one.
fn raw_id(value: &Value) -> Option<String> {
    match value.get("id")? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Deserialize)]
    struct Rec {
        id: String,
        qty: i64,
    }

    fn decoder() -> RecordDecoder<Rec> {
        RecordDecoder::new(
            "GET /things",
            |r: &Rec| {
                if r.qty < 0 {
                    Err("negative".into())
                } else {
                    Ok(())
                }
            },
            |r: &Rec| &r.id,
        )
    }

    #[test]
    fn bad_records_are_rejected_and_the_rest_kept() {
        let mut d = decoder();
        d.push_page(vec![
            json!({"id": "a", "qty": 1}),
            json!({"id": "b"}),
            json!({"id": "c", "qty": "many"}),
            json!({"id": "d", "qty": -1}),
        ]);
        d.push_page(vec![
            json!({"id": "a", "qty": 2}),
            json!({"id": "e", "qty": 0}),
        ]);
        let ids: Vec<_> = d.items.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["a", "e"]);
        let rejected: Vec<_> = d
            .rejected
            .iter()
            .map(|r| (r.external_id.clone().unwrap(), r.endpoint.as_str()))
            .collect();
        assert_eq!(
            rejected,
            [
                ("b".to_owned(), "GET /things"),
                ("c".to_owned(), "GET /things"),
                ("d".to_owned(), "GET /things"),
                ("a".to_owned(), "GET /things"),
            ]
        );
        assert_eq!(d.rejected[3].reason, "duplicate id");
    }
}
