//! Applying POS data to the database, one stream at a time, inside the caller's
//! transaction. Each function is idempotent: applying the same batch twice, or an older
//! one, changes nothing. Records that cannot be used are kept apart in the [`Effects`]
//! (the caller counts them and raises one alert per endpoint, see
//! [`super::rejections`]); the rest of the batch is applied.

mod catalog;
mod customers;
mod locations;
mod offer;
mod stock;
mod transactions;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use providers::model::{
    Batch, ExternalCustomer, ExternalProduct, ExternalTransaction, RejectedRecord,
};
use uuid::Uuid;

pub use self::{
    catalog::apply_catalog, customers::apply_customers, locations::apply_locations,
    stock::apply_stock, transactions::apply_transactions,
};
use super::discrepancy::DiscrepancyRules;
use crate::effects::Effects;

/// What every apply function needs to know about the run.
#[derive(Clone, Debug)]
pub struct ApplyContext {
    /// The POS connection the data came from.
    pub connection_id: Uuid,
    /// Whether this is a full reconciliation (the batch is the POS's whole state).
    pub full: bool,
    /// The time Canopy applies the batch.
    pub now: DateTime<Utc>,
    /// The time zone given to stores whose POS does not name one.
    pub default_time_zone: String,
    /// The connection's discrepancy thresholds.
    pub discrepancies: DiscrepancyRules,
}

impl ApplyContext {
    /// Keeps the batch's rejected records apart (counted and alerted on by whoever
    /// applies the batch); returns the watermark the batch starts from.
    pub(crate) fn begin<T>(&self, effects: &mut Effects, batch: &Batch<T>) -> Watermark {
        for rejected in &batch.rejected {
            self.reject(effects, rejected);
        }
        Watermark::new(batch.high_water_mark)
    }

    /// Keeps apart a record the POS sent that Canopy cannot use.
    pub(crate) fn reject(&self, effects: &mut Effects, rejected: &RejectedRecord) {
        effects.reject(rejected.clone());
    }

    /// A record that names something Canopy does not know (yet). In an incremental run
    /// the watermark is held before it, so the next poll reads it again once the catalog
    /// has caught up; in a full run, which read the catalog first, it is rejected.
    pub(crate) fn unresolved(
        &self,
        effects: &mut Effects,
        mark: &mut Watermark,
        endpoint: &str,
        external_id: &str,
        reason: String,
        at: Option<DateTime<Utc>>,
    ) {
        match at {
            Some(at) if !self.full => {
                mark.hold(at);
                effects.defer();
            }
            _ => self.reject(
                effects,
                &RejectedRecord {
                    endpoint: endpoint.to_owned(),
                    external_id: Some(external_id.to_owned()),
                    reason,
                },
            ),
        }
    }
}

/// The high-water mark a batch may move its cursor to: the newest POS time applied,
/// but never past a record that had to wait (the next incremental read starts there).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Watermark {
    seen: Option<DateTime<Utc>>,
    held: Option<DateTime<Utc>>,
}

impl Watermark {
    /// Starts from the batch's own high-water mark, if it reports one.
    pub fn new(batch_mark: Option<DateTime<Utc>>) -> Self {
        Self {
            seen: batch_mark,
            held: None,
        }
    }

    /// A record of this POS time was read.
    pub fn saw(&mut self, at: Option<DateTime<Utc>>) {
        self.seen = self.seen.max(at);
    }

    /// A record of this POS time could not be applied yet.
    pub fn hold(&mut self, at: DateTime<Utc>) {
        self.held = Some(self.held.map_or(at, |held| held.min(at)));
    }

    /// Where the cursor may move.
    pub fn mark(&self) -> Option<DateTime<Utc>> {
        match self.held {
            Some(held) => Some(self.seen.map_or(held, |seen| seen.min(held))),
            None => self.seen,
        }
    }
}

/// A POS record that carries its own POS id and modification time.
pub(crate) trait PosRecord {
    /// The record's id at the POS.
    fn external_id(&self) -> &str;
    /// When the POS last changed the record, if it says.
    fn modified_at(&self) -> Option<DateTime<Utc>>;
}

macro_rules! pos_record {
    ($($record:ty),+) => {$(
        impl PosRecord for $record {
            fn external_id(&self) -> &str {
                &self.external_id
            }
            fn modified_at(&self) -> Option<DateTime<Utc>> {
                self.modified_at
            }
        }
    )+};
}

pos_record!(ExternalProduct, ExternalCustomer, ExternalTransaction);

/// The records by POS id; of two records with one id, the newer (or later) wins.
pub(crate) fn newest_per_id<T: PosRecord>(items: &[T]) -> HashMap<&str, &T> {
    let mut newest: HashMap<&str, &T> = HashMap::with_capacity(items.len());
    for item in items {
        match newest.get(item.external_id()) {
            Some(seen) if seen.modified_at() > item.modified_at() => {}
            _ => {
                newest.insert(item.external_id(), item);
            }
        }
    }
    newest
}

/// `rows` split into owned batches of at most `size`, for multi-row `INSERT`s (owned,
/// so no borrow of the list is held across an `.await`).
pub(crate) fn batches<T>(rows: Vec<T>, size: usize) -> Vec<Vec<T>> {
    let mut batches = Vec::with_capacity(rows.len().div_ceil(size.max(1)));
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        batches.push(rows.by_ref().take(size.max(1)).collect());
    }
    batches
}

/// Whether a record stamped `incoming` should replace one stamped `stored`: when it is
/// newer, or when either side has no time (then the fields are compared instead).
pub(crate) fn is_newer(incoming: Option<DateTime<Utc>>, stored: Option<DateTime<Utc>>) -> bool {
    match (incoming, stored) {
        (Some(incoming), Some(stored)) => incoming > stored,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;

    use super::*;

    #[test]
    fn a_held_record_caps_the_mark() {
        let t0 = Utc::now();
        let mut mark = Watermark::new(Some(t0 + TimeDelta::seconds(10)));
        mark.saw(Some(t0 + TimeDelta::seconds(20)));
        assert_eq!(mark.mark(), Some(t0 + TimeDelta::seconds(20)));
        mark.hold(t0 + TimeDelta::seconds(5));
        mark.hold(t0 + TimeDelta::seconds(8));
        assert_eq!(mark.mark(), Some(t0 + TimeDelta::seconds(5)));
    }

    #[test]
    fn newer_means_strictly_newer() {
        let t = Utc::now();
        assert!(!is_newer(Some(t), Some(t)));
        assert!(is_newer(Some(t + TimeDelta::milliseconds(1)), Some(t)));
        assert!(is_newer(None, Some(t)));
    }
}
