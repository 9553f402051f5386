//! Register activity on the store: walk-in sales, returns, restocks and
//! voids. Each changes stock and (except restocks) records a transaction.

use chrono::{DateTime, Utc};

use super::{
    SimError, SimState, SimStore, StockChange, StockChangeOutcome, StockEntry, StockReason,
};
use crate::model::{ExternalTransaction, Money, StockRecord, TransactionLine};

/// One line of a transaction to record.
pub(super) struct Line<'a> {
    pub product_id: &'a str,
    pub quantity: i64,
    pub unit_price: Option<Money>,
}

impl SimState {
    /// Adds `delta` units, stamping the stock entry; fails rather than go negative.
    pub(super) fn adjust_stock(
        &mut self,
        product_id: &str,
        location_id: &str,
        delta: i64,
        at: DateTime<Utc>,
    ) -> Result<StockRecord, SimError> {
        self.product(product_id)?;
        self.require_location(location_id)?;
        let entry = self
            .stock
            .entry((product_id.to_owned(), location_id.to_owned()))
            .or_insert_with(|| StockEntry {
                product_id: product_id.to_owned(),
                location_id: location_id.to_owned(),
                on_hand: 0,
                package_tag: None,
                modified_at: at,
            });
        if entry.on_hand + delta < 0 {
            return Err(SimError::InsufficientStock {
                product_id: product_id.to_owned(),
                location_id: location_id.to_owned(),
                on_hand: entry.on_hand,
                requested: -delta,
            });
        }
        entry.on_hand += delta;
        entry.modified_at = at;
        Ok(entry.to_record())
    }

    /// Adds each `(product, delta)` at one location, all or none.
    pub(super) fn adjust_many(
        &mut self,
        location_id: &str,
        moves: &[(&str, i64)],
        at: DateTime<Utc>,
    ) -> Result<Vec<StockRecord>, SimError> {
        for (product_id, delta) in moves {
            self.product(product_id)?;
            let on_hand = self.on_hand(product_id, location_id);
            if on_hand + delta < 0 {
                return Err(SimError::InsufficientStock {
                    product_id: (*product_id).to_owned(),
                    location_id: location_id.to_owned(),
                    on_hand,
                    requested: -delta,
                });
            }
        }
        moves
            .iter()
            .map(|(product_id, delta)| self.adjust_stock(product_id, location_id, *delta, at))
            .collect()
    }

    /// Records a sale (or, with `return_of`/`is_return`, a return) of `lines`.
    pub(super) fn record_transaction(
        &mut self,
        location_id: &str,
        customer_id: Option<&str>,
        lines: &[Line<'_>],
        is_return: bool,
        return_of: Option<String>,
        at: DateTime<Utc>,
    ) -> Result<ExternalTransaction, SimError> {
        let mut tx_lines = Vec::with_capacity(lines.len());
        for line in lines {
            let product = self.offered(self.product(line.product_id)?, location_id);
            let unit = line
                .unit_price
                .clone()
                .or_else(|| product.rec_price.clone())
                .unwrap_or_else(|| Money::usd(0));
            tx_lines.push(TransactionLine {
                external_product_id: line.product_id.to_owned(),
                quantity: line.quantity,
                amount: Money {
                    amount: unit.amount * line.quantity,
                    currency: unit.currency,
                },
                returned: is_return,
                package_tag: product.package_tag.clone(),
            });
        }
        let total = Money::usd(tx_lines.iter().map(|l| l.amount.amount).sum());
        let tx = ExternalTransaction {
            external_id: self.next_id(),
            external_customer_id: customer_id.map(str::to_owned),
            external_location_id: location_id.to_owned(),
            occurred_at: at,
            total,
            lines: tx_lines,
            is_return,
            return_of,
            is_void: false,
            external_order_id: None,
            order_reference: None,
            modified_at: Some(at),
        };
        self.transactions.insert(tx.external_id.clone(), tx.clone());
        Ok(tx)
    }
}

impl SimStore {
    /// A walk-in sale of `quantity` units: stock goes down, a sale is recorded.
    pub fn record_sale(
        &self,
        product_id: &str,
        location_id: &str,
        quantity: i64,
        customer_id: Option<&str>,
    ) -> Result<StockChangeOutcome, SimError> {
        positive(quantity)?;
        let now = self.now();
        self.write(|s| {
            let at = s.stamp(now);
            let stock = s.adjust_stock(product_id, location_id, -quantity, at)?;
            let line = Line {
                product_id,
                quantity,
                unit_price: None,
            };
            let tx = s.record_transaction(location_id, customer_id, &[line], false, None, at)?;
            Ok(StockChangeOutcome {
                stock,
                transaction: Some(tx),
            })
        })
    }

    /// A walk-in return of `quantity` units: stock goes up, a return is recorded.
    pub fn record_return(
        &self,
        product_id: &str,
        location_id: &str,
        quantity: i64,
    ) -> Result<StockChangeOutcome, SimError> {
        positive(quantity)?;
        let now = self.now();
        self.write(|s| {
            let at = s.stamp(now);
            let stock = s.adjust_stock(product_id, location_id, quantity, at)?;
            let line = Line {
                product_id,
                quantity,
                unit_price: None,
            };
            let tx = s.record_transaction(location_id, None, &[line], true, None, at)?;
            Ok(StockChangeOutcome {
                stock,
                transaction: Some(tx),
            })
        })
    }

    /// A delivery of `quantity` units: stock goes up; no sales transaction.
    pub fn restock(
        &self,
        product_id: &str,
        location_id: &str,
        quantity: i64,
    ) -> Result<StockChangeOutcome, SimError> {
        positive(quantity)?;
        let now = self.now();
        self.write(|s| {
            let at = s.stamp(now);
            let stock = s.adjust_stock(product_id, location_id, quantity, at)?;
            Ok(StockChangeOutcome {
                stock,
                transaction: None,
            })
        })
    }

    /// Applies a control-API stock change: a sale takes a negative delta,
    /// a return or restock a positive one.
    pub fn apply_stock_change(&self, change: &StockChange) -> Result<StockChangeOutcome, SimError> {
        let (p, l, d) = (
            change.product_id.as_str(),
            change.location_id.as_str(),
            change.delta,
        );
        match change.reason {
            StockReason::Sale if d < 0 => self.record_sale(p, l, -d, None),
            StockReason::Return if d > 0 => self.record_return(p, l, d),
            StockReason::Restock if d > 0 => self.restock(p, l, d),
            reason => Err(SimError::Invalid(format!(
                "a {reason:?} cannot change stock by {d}"
            ))),
        }
    }

    /// Voids a transaction: it is marked void and its stock movement undone.
    pub fn void_transaction(&self, id: &str) -> Result<ExternalTransaction, SimError> {
        let now = self.now();
        self.write(|s| {
            let at = s.stamp(now);
            let tx = s
                .transactions
                .get(id)
                .cloned()
                .ok_or_else(|| SimError::UnknownTransaction(id.to_owned()))?;
            if tx.is_void {
                return Ok(tx);
            }
            let sign = if tx.is_return { -1 } else { 1 };
            let moves: Vec<_> = tx
                .lines
                .iter()
                .map(|l| (l.external_product_id.as_str(), sign * l.quantity))
                .collect();
            s.adjust_many(&tx.external_location_id, &moves, at)?;
            let stored = s
                .transactions
                .get_mut(id)
                .ok_or_else(|| SimError::UnknownTransaction(id.to_owned()))?;
            stored.is_void = true;
            stored.modified_at = Some(at);
            Ok(stored.clone())
        })
    }
}

fn positive(quantity: i64) -> Result<(), SimError> {
    if quantity > 0 {
        Ok(())
    } else {
        Err(SimError::Invalid(format!(
            "quantity must be positive, got {quantity}"
        )))
    }
}
