//! [`SimStore`]: the in-memory state every vendor simulator serves, held in
//! Canopy's model types (vendor simulators render it in their wire shapes).
//!
//! Ids are numeric strings from one counter (vendors with integer ids parse
//! them). Every mutation stamps the records it touches with a modification
//! time from the [`SimClock`] that never goes backwards, so changed-since
//! queries work. Collections are ordered maps: listings are stable for paging.
//! Every write bumps a revision that [`SimStore::changes`] lets a simulator await,
//! for vendors that push changes (webhooks) rather than wait to be asked.

mod error;
#[cfg(test)]
pub(crate) mod fixtures;
mod orders;
mod stock;
#[cfg(test)]
mod tests;
mod types;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, PoisonError, RwLock};

use chrono::{DateTime, TimeDelta, Utc};
use tokio::sync::watch;

pub use error::SimError;
pub use types::{
    Collection, NewOrder, SimOrder, SimReturn, StatusChange, StockChange, StockChangeOutcome,
    StockEntry, StockReason, StoreOffer,
};

use super::clock::SimClock;
use crate::model::{
    ExternalCustomer, ExternalLocation, ExternalProduct, ExternalTransaction, Money,
};

/// Everything a simulated POS holds. Read it through [`SimStore::read`].
#[derive(Debug, Default)]
pub struct SimState {
    /// Stores.
    pub locations: Vec<ExternalLocation>,
    /// The catalog, by product id.
    pub products: BTreeMap<String, ExternalProduct>,
    /// Stock, by (product id, location id).
    pub stock: BTreeMap<(String, String), StockEntry>,
    /// A store's own terms for a product, by (product id, location id); absent, the
    /// store offers the catalog's.
    pub store_offers: BTreeMap<(String, String), StoreOffer>,
    /// Customers, by id.
    pub customers: BTreeMap<String, ExternalCustomer>,
    /// Purchase history, by id.
    pub transactions: BTreeMap<String, ExternalTransaction>,
    /// Online orders, by POS order id.
    pub orders: BTreeMap<String, SimOrder>,
    /// Returns of online orders.
    pub returns: Vec<SimReturn>,
    /// Raw wire records a vendor simulator appends verbatim to a listing (bad-data tests).
    pub raw: HashMap<Collection, Vec<serde_json::Value>>,
    /// Order references seen, to their POS order id.
    order_refs: HashMap<String, String>,
    next_id: u64,
    last_stamp: Option<DateTime<Utc>>,
}

impl SimState {
    /// The location with this id.
    pub fn location(&self, id: &str) -> Option<&ExternalLocation> {
        self.locations.iter().find(|l| l.external_id == id)
    }

    /// Units of a product on hand at a location (zero when never stocked).
    pub fn on_hand(&self, product_id: &str, location_id: &str) -> i64 {
        self.stock
            .get(&(product_id.to_owned(), location_id.to_owned()))
            .map_or(0, |e| e.on_hand)
    }

    /// `product` as the store `location_id` offers it: at its own price and listing
    /// where it has them, else as the catalog has it.
    pub fn offered<'a>(
        &self,
        product: &'a ExternalProduct,
        location_id: &str,
    ) -> Cow<'a, ExternalProduct> {
        let key = (product.external_id.clone(), location_id.to_owned());
        let Some(offer) = self.store_offers.get(&key) else {
            return Cow::Borrowed(product);
        };
        let shift = offer.rec_price.amount - product.rec_price.as_ref().map_or(0, |m| m.amount);
        let mut offered = product.clone();
        offered.med_price = product.med_price.as_ref().map(|m| Money {
            amount: (m.amount + shift).max(0),
            currency: m.currency.clone(),
        });
        offered.rec_price = Some(offer.rec_price.clone());
        offered.active = product.active && offer.active;
        Cow::Owned(offered)
    }

    /// The stock entries of one location.
    pub fn stock_at<'a>(
        &'a self,
        location_id: &'a str,
    ) -> impl Iterator<Item = &'a StockEntry> + 'a {
        self.stock
            .values()
            .filter(move |e| e.location_id == location_id)
    }

    /// The order submitted with this reference, if any.
    pub fn order_by_reference(&self, reference: &str) -> Option<&SimOrder> {
        self.order_refs
            .get(reference)
            .and_then(|id| self.orders.get(id))
    }

    /// The raw records injected into a listing.
    pub fn raw(&self, collection: Collection) -> &[serde_json::Value] {
        self.raw.get(&collection).map_or(&[], Vec::as_slice)
    }

    /// A fresh numeric id.
    fn next_id(&mut self) -> String {
        self.next_id += 1;
        (1_000_000 + self.next_id).to_string()
    }

    /// A modification time: `now`, or just after the previous stamp if the
    /// clock went backwards (skew), so changed-since never misses a change.
    fn stamp(&mut self, now: DateTime<Utc>) -> DateTime<Utc> {
        let at = match self.last_stamp {
            Some(last) if now <= last => last + TimeDelta::milliseconds(1),
            _ => now,
        };
        self.last_stamp = Some(at);
        at
    }

    fn product(&self, id: &str) -> Result<&ExternalProduct, SimError> {
        self.products
            .get(id)
            .ok_or_else(|| SimError::UnknownProduct(id.to_owned()))
    }

    /// Whether customer `customer_id` buys as a patient at `location_id` on `now`'s date:
    /// the store sells to patients and the customer's medical card is on file, unexpired.
    fn is_patient_at(
        &self,
        location_id: &str,
        customer_id: Option<&str>,
        now: DateTime<Utc>,
    ) -> bool {
        let medical_store = self.location(location_id).is_some_and(|l| l.medical);
        let card = customer_id
            .and_then(|id| self.customers.get(id))
            .filter(|c| c.medical_id.is_some());
        medical_store
            && card.is_some_and(|c| {
                c.medical_id_expires
                    .is_none_or(|expires| expires >= now.date_naive())
            })
    }

    fn require_location(&self, id: &str) -> Result<(), SimError> {
        self.location(id)
            .map(|_| ())
            .ok_or_else(|| SimError::UnknownLocation(id.to_owned()))
    }
}

/// A cloneable handle to one simulated POS's state; clones share it.
#[derive(Debug, Clone)]
pub struct SimStore {
    state: Arc<RwLock<SimState>>,
    clock: SimClock,
    revision: Arc<watch::Sender<u64>>,
}

impl Default for SimStore {
    fn default() -> Self {
        Self::new(SimClock::default())
    }
}

impl SimStore {
    /// An empty store on `clock`.
    pub fn new(clock: SimClock) -> Self {
        SimStore {
            state: Arc::default(),
            clock,
            revision: Arc::new(watch::channel(0).0),
        }
    }

    /// The store's revision, bumped after every write: await `changed()` on it to
    /// learn that something changed (then read what), without polling.
    pub fn changes(&self) -> watch::Receiver<u64> {
        self.revision.subscribe()
    }

    /// The store's clock (skew it for the clock-skew fault).
    pub fn clock(&self) -> &SimClock {
        &self.clock
    }

    /// The simulator's current time.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Reads the state.
    pub fn read<R>(&self, f: impl FnOnce(&SimState) -> R) -> R {
        f(&self.state.read().unwrap_or_else(PoisonError::into_inner))
    }

    fn write<R>(&self, f: impl FnOnce(&mut SimState) -> R) -> R {
        let result = f(&mut self.state.write().unwrap_or_else(PoisonError::into_inner));
        self.revision.send_modify(|revision| *revision += 1);
        result
    }

    /// Reserves a fresh id (for records a vendor simulator creates itself).
    pub fn next_id(&self) -> String {
        self.write(SimState::next_id)
    }

    /// Adds or replaces a location.
    pub fn upsert_location(&self, location: ExternalLocation) {
        self.write(|s| {
            match s
                .locations
                .iter_mut()
                .find(|l| l.external_id == location.external_id)
            {
                Some(existing) => *existing = location,
                None => s.locations.push(location),
            }
        });
    }

    /// Adds or replaces a product, stamping it (a new id when `external_id` is empty).
    /// Returns the product as stored.
    pub fn upsert_product(&self, mut product: ExternalProduct) -> ExternalProduct {
        let now = self.now();
        self.write(|s| {
            if product.external_id.is_empty() {
                product.external_id = s.next_id();
            }
            product.modified_at = Some(s.stamp(now));
            s.products
                .insert(product.external_id.clone(), product.clone());
            product
        })
    }

    /// Changes a product as staff would in the back office, stamping it.
    pub fn update_product(
        &self,
        id: &str,
        change: impl FnOnce(&mut ExternalProduct),
    ) -> Result<ExternalProduct, SimError> {
        let now = self.now();
        self.write(|s| {
            let at = s.stamp(now);
            let product = s
                .products
                .get_mut(id)
                .ok_or_else(|| SimError::UnknownProduct(id.to_owned()))?;
            change(product);
            product.modified_at = Some(at);
            Ok(product.clone())
        })
    }

    /// Creates or updates a customer, stamping it (a new id when `external_id`
    /// is empty). Returns the customer's id.
    pub fn upsert_customer(&self, mut customer: ExternalCustomer) -> String {
        let now = self.now();
        self.write(|s| {
            if customer.external_id.is_empty() {
                customer.external_id = s.next_id();
            }
            customer.modified_at = Some(s.stamp(now));
            let id = customer.external_id.clone();
            s.customers.insert(id.clone(), customer);
            id
        })
    }

    /// Appends a raw wire record to a listing (bad-data tests).
    pub fn push_raw(&self, collection: Collection, record: serde_json::Value) {
        self.write(|s| s.raw.entry(collection).or_default().push(record));
    }

    /// Removes every raw record.
    pub fn clear_raw(&self) {
        self.write(|s| s.raw.clear());
    }

    /// Loads seeded records without stamping them (they keep their own times).
    pub(crate) fn load(&self, f: impl FnOnce(&mut SimState, &mut dyn FnMut() -> String)) {
        self.write(|s| {
            let mut next = s.next_id;
            let mut ids = || {
                next += 1;
                (1_000_000 + next).to_string()
            };
            f(s, &mut ids);
            s.next_id = next;
        });
    }
}
