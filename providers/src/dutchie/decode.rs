//! Reads Dutchie list responses record by record, so one bad record
//! (missing field, wrong type, negative quantity, duplicate id) is filed
//! under `rejected` with its endpoint and the rest of the list is kept.
//! One decoder spans all pages of a pull, so duplicates across pages are caught too.

use std::collections::HashSet;

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::endpoints as ep;
use crate::http::Endpoint;
use crate::model::{
    ExternalCustomer, ExternalProduct, ExternalTransaction, RejectedRecord, StockRecord,
};

/// Accumulates the records of one list pull.
#[derive(Debug)]
pub(crate) struct ListDecoder<T> {
    endpoint: &'static str,
    id_field: &'static str,
    /// Names a rejected record that has no `id_field` (stock: its product).
    fallback_id_field: Option<&'static str>,
    seen: HashSet<String>,
    /// Records read and mapped.
    pub items: Vec<T>,
    /// Records kept apart.
    pub rejected: Vec<RejectedRecord>,
}

/// What one page held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PageCount {
    /// Elements in the page.
    pub len: usize,
    /// Elements with an id not seen on an earlier page (or without an id).
    pub new: usize,
}

impl<T> ListDecoder<T> {
    /// A decoder for `endpoint` whose elements are identified by `id_field`.
    pub(crate) fn new(endpoint: &'static str, id_field: &'static str) -> Self {
        ListDecoder {
            endpoint,
            id_field,
            fallback_id_field: None,
            seen: HashSet::new(),
            items: Vec::new(),
            rejected: Vec::new(),
        }
    }

    /// Decodes each element of `body` as `W` and maps it with `map`; the first
    /// occurrence of an id wins. `None` when `body` is not a JSON array.
    pub(crate) fn page<W: DeserializeOwned>(
        &mut self,
        body: Value,
        mut map: impl FnMut(W) -> Result<T, String>,
    ) -> Option<PageCount> {
        let Value::Array(elements) = body else {
            return None;
        };
        let mut count = PageCount {
            len: elements.len(),
            new: 0,
        };
        self.items.reserve(elements.len());
        for element in elements {
            let id = element.get(self.id_field).and_then(id_text);
            if let Some(id) = &id
                && !self.seen.insert(id.clone())
            {
                let reason = format!("duplicate `{}`", self.id_field);
                self.reject(id.clone().into(), reason);
                continue;
            }
            count.new += 1;
            let id = id.or_else(|| {
                self.fallback_id_field
                    .and_then(|field| element.get(field))
                    .and_then(id_text)
            });
            match crate::record::read::<W>(element).and_then(&mut map) {
                Ok(item) => self.items.push(item),
                Err(reason) => self.reject(id, reason),
            }
        }
        Some(count)
    }

    fn reject(&mut self, external_id: Option<String>, reason: String) {
        // The reason may quote field values (personal data): it is kept, not logged.
        tracing::warn!(vendor = "dutchie", endpoint = self.endpoint, id = ?external_id, "record rejected");
        self.rejected.push(RejectedRecord {
            endpoint: self.endpoint.to_owned(),
            external_id,
            reason,
        });
    }
}

impl ListDecoder<ExternalProduct> {
    /// The decoder of `GET /products`.
    pub(crate) fn products() -> Self {
        Self::new(ep::PRODUCTS.name, "productId")
    }
}

impl ListDecoder<StockRecord> {
    /// The decoder of `GET /inventory` (one record per package). A package listed
    /// twice is spotted by its `inventoryId` when it has one; a rejected record
    /// without one is named by its `productId`.
    pub(crate) fn inventory() -> Self {
        ListDecoder {
            fallback_id_field: Some("productId"),
            ..Self::new(ep::INVENTORY.name, "inventoryId")
        }
    }
}

impl ListDecoder<ExternalCustomer> {
    /// The decoder of a customer list (`GET /customer/customers`, or its paginated twin).
    pub(crate) fn customers(endpoint: &Endpoint) -> Self {
        Self::new(endpoint.name, "customerId")
    }
}

impl ListDecoder<ExternalTransaction> {
    /// The decoder of `GET /reporting/transactions`.
    pub(crate) fn transactions() -> Self {
        Self::new(ep::TRANSACTIONS.name, "transactionId")
    }
}

fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::Number(n) => Some(
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map_or_else(|| n.to_string(), |f| (f as i64).to_string()),
        ),
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[derive(serde::Deserialize)]
    struct W {
        id: i32,
        qty: f64,
    }

    fn checked(w: W) -> Result<i32, String> {
        if w.qty < 0.0 {
            Err("negative".into())
        } else {
            Ok(w.id)
        }
    }

    #[test]
    fn bad_records_are_rejected_and_the_rest_kept() {
        let body = serde_json::json!([
            {"id": 1, "qty": 2.0},
            {"id": 2},
            {"id": "x", "qty": 1.0},
            {"id": 1, "qty": 5.0},
            {"id": 3, "qty": -1.0},
            {"id": 4, "qty": 1.0}
        ]);
        let mut d = ListDecoder::new("GET /things", "id");
        let count = d.page(body, checked).unwrap();
        assert_eq!(count, PageCount { len: 6, new: 5 });
        assert_eq!(d.items, vec![1, 4]);
        let ids: Vec<_> = d.rejected.iter().map(|r| r.external_id.clone()).collect();
        assert_eq!(
            ids,
            vec![
                Some("2".into()),
                Some("x".into()),
                Some("1".into()),
                Some("3".into())
            ]
        );
        assert!(d.rejected.iter().all(|r| r.endpoint == "GET /things"));
        assert!(d.rejected[2].reason.contains("duplicate"));
    }

    #[test]
    fn duplicates_across_pages_and_non_arrays() {
        let mut d = ListDecoder::new("GET /things", "id");
        d.page(serde_json::json!([{"id": 1, "qty": 1.0}]), checked)
            .unwrap();
        let second = d
            .page(serde_json::json!([{"id": 1, "qty": 1.0}]), checked)
            .unwrap();
        assert_eq!(second, PageCount { len: 1, new: 0 });
        assert_eq!(d.items, vec![1]);
        assert!(d.page(serde_json::json!({"id": 1}), checked).is_none());
    }
}
