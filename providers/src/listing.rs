//! Reads a vendor's list pages record by record, so one bad record (missing field, wrong
//! type, a value its vendor's checks refuse, an id already seen) is filed under
//! `rejected` with its endpoint while the rest of the list is kept. One decoder spans
//! every page of a listing, so duplicates across pages are caught too. Vendors whose
//! pages are plain arrays of records (Dispense, Treez) share it; each names its
//! endpoints' decoders beside its wire types.

use std::collections::HashSet;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::model::RejectedRecord;

/// Decodes the records of one listing (all its pages) as `T`, checking each with
/// `check` and rejecting ids already seen earlier in the listing.
pub(crate) struct RecordDecoder<T> {
    vendor: &'static str,
    endpoint: &'static str,
    /// The wire field naming a record that cannot be read.
    id_field: &'static str,
    check: fn(&T) -> Result<(), String>,
    id_of: fn(&T) -> &str,
    seen: HashSet<String>,
    /// Records accepted so far.
    pub items: Vec<T>,
    /// Records kept apart so far.
    pub rejected: Vec<RejectedRecord>,
}

/// Where a listing's records come from and how each is named.
pub(crate) struct Listing {
    /// The vendor, for the logs.
    pub vendor: &'static str,
    /// The endpoint, as rejections name it.
    pub endpoint: &'static str,
    /// The wire field holding a record's id.
    pub id_field: &'static str,
}

impl<T: DeserializeOwned> RecordDecoder<T> {
    /// A decoder for the records of `listing`, each accepted when `check` passes and
    /// named by `id_of`.
    pub(crate) fn new(
        listing: Listing,
        check: fn(&T) -> Result<(), String>,
        id_of: fn(&T) -> &str,
    ) -> Self {
        RecordDecoder {
            vendor: listing.vendor,
            endpoint: listing.endpoint,
            id_field: listing.id_field,
            check,
            id_of,
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
            vendor = self.vendor,
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use serde::Deserialize;
    use serde_json::json;

    use super::*;

    #[derive(Deserialize)]
    struct Rec {
        id: String,
        qty: i64,
    }

    fn decoder() -> RecordDecoder<Rec> {
        let listing = Listing {
            vendor: "test",
            endpoint: "GET /things",
            id_field: "id",
        };
        RecordDecoder::new(
            listing,
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
            json!({"qty": 4}),
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
            .map(|r| (r.external_id.as_deref(), r.endpoint.as_str()))
            .collect();
        assert_eq!(
            rejected,
            [
                (Some("b"), "GET /things"),
                (Some("c"), "GET /things"),
                (Some("d"), "GET /things"),
                (None, "GET /things"),
                (Some("a"), "GET /things"),
            ]
        );
        assert_eq!(d.rejected[4].reason, "duplicate id");
    }
}
