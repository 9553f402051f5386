//! Reads a vendor's list pages record by record, so one bad record (missing field,
//! wrong type, negative quantity, duplicate id) is filed under `rejected` with its
//! endpoint while the rest of the list is kept. Each vendor names its records' id field
//! and its own checks.

use std::collections::HashSet;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::model::RejectedRecord;

/// Decodes the records of one listing (all its pages) as `T`, checking each with
/// `check` and rejecting ids already seen earlier in the listing.
pub(crate) struct RecordDecoder<T> {
    vendor: &'static str,
    endpoint: &'static str,
    id_field: &'static str,
    check: fn(&T) -> Result<(), String>,
    id_of: fn(&T) -> &str,
    seen: HashSet<String>,
    /// Records accepted so far.
    pub items: Vec<T>,
    /// Records kept apart so far.
    pub rejected: Vec<RejectedRecord>,
}

impl<T: DeserializeOwned> RecordDecoder<T> {
    /// A decoder for `vendor`'s records of `endpoint`, whose id is `id_field` in the
    /// raw record and `id_of` in the decoded one.
    pub(crate) fn new(
        vendor: &'static str,
        endpoint: &'static str,
        id_field: &'static str,
        check: fn(&T) -> Result<(), String>,
        id_of: fn(&T) -> &str,
    ) -> Self {
        RecordDecoder {
            vendor,
            endpoint,
            id_field,
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
