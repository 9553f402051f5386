//! Online orders in the store: submission (idempotent on the caller's
//! reference), status changes with history, filling (a sale), cancelling
//! and returns.

use super::stock::Line;
use super::{NewOrder, SimError, SimOrder, SimReturn, SimState, SimStore, StatusChange};
use crate::model::{Money, OrderLineSubmission};

impl SimStore {
    /// Submits an order in `status`. Idempotent on `order.order_reference`:
    /// a second submission returns the first order and `false`.
    ///
    /// The register prices each line from its own menu, whatever the order carried: the
    /// store's offer, at the medical price for a patient with a valid card at a store
    /// that sells to patients.
    pub fn submit_order(
        &self,
        mut order: NewOrder,
        status: &str,
    ) -> Result<(SimOrder, bool), SimError> {
        let now = self.now();
        self.write(|s| {
            if let Some(existing) = s.order_by_reference(&order.order_reference) {
                return Ok((existing.clone(), false));
            }
            s.require_location(&order.location_id)?;
            if order.lines.is_empty() {
                return Err(SimError::Invalid("an order needs at least one line".into()));
            }
            let patient = s.is_patient_at(&order.location_id, order.customer_id.as_deref(), now);
            for line in &mut order.lines {
                if line.quantity <= 0 {
                    return Err(SimError::Invalid(format!(
                        "quantity {} for product {}",
                        line.quantity, line.external_product_id
                    )));
                }
                let product = s.offered(s.product(&line.external_product_id)?, &order.location_id);
                let menu_price = if patient {
                    product.med_price.as_ref().or(product.rec_price.as_ref())
                } else {
                    product.rec_price.as_ref()
                };
                if let Some(price) = menu_price {
                    line.unit_price = price.clone();
                }
            }
            let at = s.stamp(now);
            let sim = SimOrder {
                external_id: s.next_id(),
                order_reference: order.order_reference,
                location_id: order.location_id,
                customer_id: order.customer_id,
                customer: order.customer,
                total: Money::usd(
                    order
                        .lines
                        .iter()
                        .map(|l| l.unit_price.amount * l.quantity)
                        .sum(),
                ),
                lines: order.lines,
                fulfillment: order.fulfillment,
                delivery_address: order.delivery_address,
                notes: order.notes,
                status: status.to_owned(),
                history: vec![StatusChange {
                    status: status.to_owned(),
                    at,
                }],
                transaction_id: None,
                reason: None,
                created_at: at,
                modified_at: at,
            };
            s.order_refs
                .insert(sim.order_reference.clone(), sim.external_id.clone());
            s.orders.insert(sim.external_id.clone(), sim.clone());
            Ok((sim, true))
        })
    }

    /// Moves an order to a vendor status with no other effect (e.g. "Processing").
    pub fn set_order_status(&self, order_id: &str, status: &str) -> Result<SimOrder, SimError> {
        let now = self.now();
        self.write(|s| {
            let at = s.stamp(now);
            let order = s.order_mut(order_id)?;
            order.set_status(status, at);
            Ok(order.clone())
        })
    }

    /// Fills an order as the register would: its lines are sold (stock goes
    /// down, a sale linked to the order is recorded) and it moves to `status`.
    pub fn fill_order(&self, order_id: &str, status: &str) -> Result<SimOrder, SimError> {
        let now = self.now();
        self.write(|s| {
            let order = s.order_mut(order_id)?.clone();
            if order.transaction_id.is_some() {
                return Err(SimError::WrongOrderState {
                    order_id: order_id.to_owned(),
                    status: order.status,
                    action: "filling",
                });
            }
            let at = s.stamp(now);
            let moves: Vec<_> = order
                .lines
                .iter()
                .map(|l| (l.external_product_id.as_str(), -l.quantity))
                .collect();
            s.adjust_many(&order.location_id, &moves, at)?;
            let lines = sale_lines(&order.lines);
            let mut tx = s.record_transaction(
                &order.location_id,
                order.customer_id.as_deref(),
                &lines,
                false,
                None,
                at,
            )?;
            tx.external_order_id = Some(order.external_id.clone());
            tx.order_reference = Some(order.order_reference.clone());
            s.transactions.insert(tx.external_id.clone(), tx.clone());
            let stored = s.order_mut(order_id)?;
            stored.transaction_id = Some(tx.external_id);
            stored.set_status(status, at);
            Ok(stored.clone())
        })
    }

    /// Cancels an order not yet filled, moving it to `status`.
    pub fn cancel_order(
        &self,
        order_id: &str,
        status: &str,
        reason: Option<&str>,
    ) -> Result<SimOrder, SimError> {
        let now = self.now();
        self.write(|s| {
            let at = s.stamp(now);
            let order = s.order_mut(order_id)?;
            if order.transaction_id.is_some() {
                return Err(SimError::WrongOrderState {
                    order_id: order_id.to_owned(),
                    status: order.status.clone(),
                    action: "cancelling",
                });
            }
            order.reason = reason.map(str::to_owned);
            order.set_status(status, at);
            Ok(order.clone())
        })
    }

    /// Returns lines of a filled order: stock goes back up and a return
    /// transaction referring to the order's sale is recorded.
    pub fn return_order_lines(
        &self,
        order_id: &str,
        lines: &[OrderLineSubmission],
        reason: Option<&str>,
    ) -> Result<SimReturn, SimError> {
        let now = self.now();
        self.write(|s| {
            let order = s.order_mut(order_id)?.clone();
            let Some(sale_id) = order.transaction_id.clone() else {
                return Err(SimError::WrongOrderState { order_id: order_id.to_owned(), status: order.status, action: "returning" });
            };
            for line in lines {
                let product = line.external_product_id.as_str();
                let ordered: i64 = order.lines.iter().filter(|l| l.external_product_id == product).map(|l| l.quantity).sum();
                let returned: i64 = s
                    .returns
                    .iter()
                    .filter(|r| r.order_id == order.external_id)
                    .flat_map(|r| &r.transaction.lines)
                    .filter(|l| l.external_product_id == product)
                    .map(|l| l.quantity)
                    .sum();
                if line.quantity <= 0 || line.quantity > ordered - returned {
                    return Err(SimError::Invalid(format!(
                        "cannot return {} of product {product} ({ordered} ordered, {returned} returned)",
                        line.quantity
                    )));
                }
            }
            let at = s.stamp(now);
            let moves: Vec<_> = lines.iter().map(|l| (l.external_product_id.as_str(), l.quantity)).collect();
            s.adjust_many(&order.location_id, &moves, at)?;
            let mut tx = s.record_transaction(&order.location_id, order.customer_id.as_deref(), &sale_lines(lines), true, Some(sale_id), at)?;
            tx.external_order_id = Some(order.external_id.clone());
            tx.order_reference = Some(order.order_reference.clone());
            s.transactions.insert(tx.external_id.clone(), tx.clone());
            let ret = SimReturn {
                external_id: tx.external_id.clone(),
                order_id: order.external_id,
                refund: tx.total.clone(),
                reason: reason.map(str::to_owned),
                transaction: tx,
            };
            s.returns.push(ret.clone());
            Ok(ret)
        })
    }
}

impl SimState {
    fn order_mut(&mut self, id: &str) -> Result<&mut SimOrder, SimError> {
        self.orders
            .get_mut(id)
            .ok_or_else(|| SimError::UnknownOrder(id.to_owned()))
    }
}

impl SimOrder {
    fn set_status(&mut self, status: &str, at: chrono::DateTime<chrono::Utc>) {
        self.status = status.to_owned();
        self.modified_at = at;
        self.history.push(StatusChange {
            status: status.to_owned(),
            at,
        });
    }
}

fn sale_lines(lines: &[OrderLineSubmission]) -> Vec<Line<'_>> {
    lines
        .iter()
        .map(|l| Line {
            product_id: &l.external_product_id,
            quantity: l.quantity,
            unit_price: Some(l.unit_price.clone()),
        })
        .collect()
}
