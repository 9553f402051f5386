#![allow(clippy::unwrap_used)]

use chrono::TimeDelta;

use super::*;
use crate::model::{Money, OrderLineSubmission};
use crate::simulator::seed::{SeedConfig, seeded, seeded_at};

fn store() -> SimStore {
    seeded(&SeedConfig::default())
}

fn stocked(store: &SimStore) -> (String, String, i64) {
    store.read(|s| {
        s.stock
            .values()
            .find(|e| e.on_hand >= 5)
            .map(|e| (e.product_id.clone(), e.location_id.clone(), e.on_hand))
            .unwrap()
    })
}

fn new_order(store: &SimStore, reference: &str, quantity: i64) -> NewOrder {
    let (product, location, _) = stocked(store);
    fixtures::pickup_order(reference, &location, &product, quantity, None)
}

#[test]
fn a_sale_lowers_stock_records_a_transaction_and_stamps() {
    let store = store();
    let (p, l, before) = stocked(&store);
    let outcome = store.record_sale(&p, &l, 2, None).unwrap();
    assert_eq!(outcome.stock.on_hand, before - 2);
    let tx = outcome.transaction.unwrap();
    assert_eq!(tx.lines[0].quantity, 2);
    assert!(!tx.is_return);
    assert!(outcome.stock.observed_at > seeded_at());
    assert_eq!(store.read(|s| s.on_hand(&p, &l)), before - 2);
}

#[test]
fn a_sale_beyond_stock_changes_nothing() {
    let store = store();
    let (p, l, before) = stocked(&store);
    let count = store.read(|s| s.transactions.len());
    assert!(matches!(
        store.record_sale(&p, &l, before + 1, None),
        Err(SimError::InsufficientStock { .. })
    ));
    assert_eq!(
        store.read(|s| (s.on_hand(&p, &l), s.transactions.len())),
        (before, count)
    );
}

#[test]
fn control_stock_changes_need_the_right_sign() {
    let store = store();
    let (p, l, before) = stocked(&store);
    let change = |delta, reason| StockChange {
        product_id: p.clone(),
        location_id: l.clone(),
        delta,
        reason,
    };
    assert!(
        store
            .apply_stock_change(&change(3, StockReason::Sale))
            .is_err()
    );
    assert!(
        store
            .apply_stock_change(&change(10, StockReason::Restock))
            .unwrap()
            .transaction
            .is_none()
    );
    assert!(
        store
            .apply_stock_change(&change(1, StockReason::Return))
            .unwrap()
            .transaction
            .unwrap()
            .is_return
    );
    assert_eq!(
        store
            .apply_stock_change(&change(-1, StockReason::Sale))
            .unwrap()
            .stock
            .on_hand,
        before + 10
    );
}

#[test]
fn voids_undo_the_stock_movement() {
    let store = store();
    let (p, l, before) = stocked(&store);
    let tx = store
        .record_sale(&p, &l, 3, None)
        .unwrap()
        .transaction
        .unwrap();
    let voided = store.void_transaction(&tx.external_id).unwrap();
    assert!(voided.is_void);
    assert!(voided.modified_at > tx.modified_at);
    assert_eq!(store.read(|s| s.on_hand(&p, &l)), before);
}

#[test]
fn stamps_never_go_backwards_under_clock_skew() {
    let store = store();
    let (p, l, _) = stocked(&store);
    let first = store.restock(&p, &l, 1).unwrap().stock.observed_at;
    store.clock().set_skew(TimeDelta::hours(-3));
    let second = store.restock(&p, &l, 1).unwrap().stock.observed_at;
    assert!(second > first);
}

#[test]
fn orders_are_idempotent_on_the_reference() {
    let store = store();
    let (first, created) = store
        .submit_order(new_order(&store, "ref-1", 1), "Submitted")
        .unwrap();
    assert!(created);
    let (again, created) = store
        .submit_order(new_order(&store, "ref-1", 1), "Submitted")
        .unwrap();
    assert!(!created);
    assert_eq!(first.external_id, again.external_id);
    assert_eq!(store.read(|s| s.orders.len()), 1);
    assert_eq!(
        store.read(|s| s.order_by_reference("ref-1").map(|o| o.external_id.clone())),
        Some(first.external_id)
    );
}

#[test]
fn filling_sells_and_returning_restores() {
    let store = store();
    let order = new_order(&store, "ref-2", 2);
    let (p, l) = (
        order.lines[0].external_product_id.clone(),
        order.location_id.clone(),
    );
    let before = store.read(|s| s.on_hand(&p, &l));
    let (o, _) = store.submit_order(order, "Submitted").unwrap();
    store
        .set_order_status(&o.external_id, "Processing")
        .unwrap();
    let filled = store.fill_order(&o.external_id, "Complete").unwrap();
    assert_eq!(
        filled
            .history
            .iter()
            .map(|h| h.status.as_str())
            .collect::<Vec<_>>(),
        ["Submitted", "Processing", "Complete"]
    );
    let sale = store.read(|s| s.transactions[filled.transaction_id.as_deref().unwrap()].clone());
    assert_eq!(sale.order_reference.as_deref(), Some("ref-2"));
    // the register charged its own menu price, not the $25 the order carried
    let menu = store.read(|s| s.offered(&s.products[&p], &l).rec_price.clone().unwrap());
    assert_eq!(sale.total, Money::usd(menu.amount * 2));
    assert_eq!(o.total, sale.total);
    assert_eq!(store.read(|s| s.on_hand(&p, &l)), before - 2);
    assert!(
        store
            .cancel_order(&o.external_id, "Cancelled", None)
            .is_err(),
        "a filled order cannot be cancelled"
    );

    let line = OrderLineSubmission {
        external_product_id: p.clone(),
        quantity: 1,
        unit_price: Money::usd(2500),
    };
    let ret = store
        .return_order_lines(&o.external_id, std::slice::from_ref(&line), Some("damaged"))
        .unwrap();
    assert_eq!(ret.refund, Money::usd(2500));
    assert_eq!(ret.transaction.return_of, filled.transaction_id);
    assert_eq!(store.read(|s| s.on_hand(&p, &l)), before - 1);
    let too_many = OrderLineSubmission {
        quantity: 2,
        ..line
    };
    assert!(matches!(
        store.return_order_lines(&o.external_id, &[too_many], None),
        Err(SimError::Invalid(_))
    ));
}

#[test]
fn unfilled_orders_cannot_be_returned_but_can_be_cancelled() {
    let store = store();
    let (o, _) = store
        .submit_order(new_order(&store, "ref-3", 1), "Submitted")
        .unwrap();
    assert!(matches!(
        store.return_order_lines(&o.external_id, &o.lines, None),
        Err(SimError::WrongOrderState { .. })
    ));
    let cancelled = store
        .cancel_order(&o.external_id, "Cancelled", Some("no show"))
        .unwrap();
    assert_eq!(cancelled.reason.as_deref(), Some("no show"));
}

#[test]
fn product_and_customer_changes_are_stamped() {
    let store = store();
    let id = store.read(|s| s.products.keys().next().cloned().unwrap());
    let p = store
        .update_product(&id, |p| p.name = "Renamed".into())
        .unwrap();
    assert!(p.modified_at.unwrap() > seeded_at());
    let c = store.read(|s| s.customers.values().next().cloned().unwrap());
    let cid = store.upsert_customer(ExternalCustomer {
        external_id: String::new(),
        ..c
    });
    assert!(store.read(|s| s.customers[&cid].modified_at.unwrap() > seeded_at()));
}

#[test]
fn every_write_is_announced_to_subscribers() {
    let store = store();
    let mut changes = store.changes();
    changes.mark_unchanged();
    store.read(|s| s.products.len());
    assert!(!changes.has_changed().unwrap(), "a read changes nothing");
    let (p, l, _) = stocked(&store);
    store.record_sale(&p, &l, 1, None).unwrap();
    assert!(changes.has_changed().unwrap(), "a sale is announced");
}

#[test]
fn a_patient_pays_the_medical_price_at_a_medical_store() {
    let store = store();
    let (product, location, customer) = store.read(|s| {
        let location = s
            .locations
            .iter()
            .find(|l| l.medical)
            .unwrap()
            .external_id
            .clone();
        let product = s
            .stock
            .values()
            .find(|e| {
                e.location_id == location
                    && e.on_hand > 0
                    && s.products[&e.product_id].med_price.is_some()
            })
            .unwrap()
            .product_id
            .clone();
        let customer = s
            .customers
            .values()
            .find(|c| {
                c.medical_id.is_some()
                    && c.medical_id_expires
                        .is_none_or(|d| d > seeded_at().date_naive())
            })
            .unwrap()
            .external_id
            .clone();
        (product, location, customer)
    });
    let prices = store.read(|s| {
        let offered = s.offered(&s.products[&product], &location);
        (
            offered.med_price.clone().unwrap(),
            offered.rec_price.clone().unwrap(),
        )
    });
    assert_ne!(prices.0, prices.1);
    let order =
        |reference, customer| fixtures::pickup_order(reference, &location, &product, 1, customer);
    let (patient, _) = store
        .submit_order(order("ref-med", Some(&customer)), "Submitted")
        .unwrap();
    assert_eq!(patient.total, prices.0);
    let (walk_in, _) = store
        .submit_order(order("ref-rec", None), "Submitted")
        .unwrap();
    assert_eq!(walk_in.total, prices.1);
}
