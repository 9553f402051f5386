//! The conformance cases, one function each; `conformance_suite!` turns each
//! into a test per vendor.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, TimeDelta, Utc};
use providers::model::{
    Capabilities, ExternalProduct, Fulfillment, Money, OrderCustomer, OrderLineSubmission,
    OrderStatus, OrderSubmission, ReturnRequest,
};
use providers::simulator::seed::SeedConfig;
use providers::simulator::{BadRecord, Collection, Fault};
use providers::{ProviderErrorKind, ProviderResult};
use uuid::Uuid;

use super::compare::product_diffs;
use super::{Harness, Kit};

/// `Some(value)`, or `None` when the vendor answers `Unsupported` and `allowed`
/// says it may; anything else fails the test.
fn supported<T>(result: ProviderResult<T>, allowed: bool, what: &str) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(e) if matches!(e.kind, ProviderErrorKind::Unsupported(_)) => {
            assert!(
                allowed,
                "{what} answered Unsupported but capabilities() offers it: {e}"
            );
            println!("{what}: unsupported by this vendor, skipped");
            None
        }
        Err(e) => panic!("{what} failed: {e}"),
    }
}

/// Operations with no capability flag (customer and transaction reads): Unsupported is accepted.
const NO_FLAG: bool = true;

/// A time strictly after everything seeded and before anything the test changes.
fn cutoff(h: &Harness) -> DateTime<Utc> {
    h.store().now() - TimeDelta::seconds(1)
}

/// The locations the adapter can see (a Dutchie key sees one).
async fn visible_locations(h: &Harness) -> BTreeSet<String> {
    let locations = h
        .provider
        .locations()
        .await
        .unwrap_or_else(|e| panic!("locations failed: {e}"));
    assert!(!locations.is_empty(), "the adapter sees no location");
    locations.into_iter().map(|l| l.external_id).collect()
}

/// An active product with at least `min` units at a visible location.
async fn stocked(h: &Harness, min: i64) -> (String, String, i64) {
    let visible = visible_locations(h).await;
    h.store()
        .read(|s| {
            s.stock
                .values()
                .find(|e| {
                    e.on_hand >= min
                        && visible.contains(&e.location_id)
                        && s.products.get(&e.product_id).is_some_and(|p| p.active)
                })
                .map(|e| (e.product_id.clone(), e.location_id.clone(), e.on_hand))
        })
        .unwrap_or_else(|| panic!("no product with {min} units in stock"))
}

fn active_products(h: &Harness) -> BTreeMap<String, ExternalProduct> {
    h.store().read(|s| {
        s.products
            .values()
            .filter(|p| p.active)
            .map(|p| (p.external_id.clone(), p.clone()))
            .collect()
    })
}

/// Products by id, checking an id never appears twice for the same location.
fn by_id(items: Vec<ExternalProduct>) -> BTreeMap<String, ExternalProduct> {
    let mut seen = BTreeSet::new();
    let mut out = BTreeMap::new();
    for p in items {
        assert!(
            seen.insert((p.external_id.clone(), p.external_location_id.clone())),
            "product {} returned twice",
            p.external_id
        );
        out.insert(p.external_id.clone(), p);
    }
    out
}

fn caps(h: &Harness) -> Capabilities {
    h.provider.capabilities()
}

async fn order(h: &Harness, quantity: i64) -> OrderSubmission {
    let (product_id, location_id, _) = stocked(h, quantity).await;
    let (price, customer) = h.store().read(|s| {
        let price = s.products[&product_id]
            .rec_price
            .clone()
            .unwrap_or_else(|| Money::usd(0));
        let c = s
            .customers
            .values()
            .next()
            .cloned()
            .unwrap_or_else(|| panic!("the seed has no customers"));
        (price, c)
    });
    OrderSubmission {
        order_id: Uuid::new_v4(),
        external_location_id: location_id,
        customer: OrderCustomer {
            external_id: Some(customer.external_id),
            first_name: customer.first_name.unwrap_or_default(),
            last_name: customer.last_name.unwrap_or_default(),
            email: customer.email,
            phone: customer.phone,
            date_of_birth: customer.date_of_birth,
            medical_id: None,
        },
        lines: vec![OrderLineSubmission {
            external_product_id: product_id,
            quantity,
            unit_price: price,
        }],
        fulfillment: Fulfillment::Pickup,
        delivery_address: None,
        notes: Some("conformance".to_owned()),
    }
}

/// Submits an order, or `None` when the vendor cannot take orders.
async fn submitted(h: &Harness, quantity: i64) -> Option<(OrderSubmission, String)> {
    let order = order(h, quantity).await;
    let sub = supported(
        h.provider.submit_order(&order).await,
        !caps(h).order_submit,
        "submit_order",
    )?;
    Some((order, sub.external_id))
}

pub async fn test_connection_reaches_seeded_locations(kit: &Kit) {
    let h = kit.small().await;
    let report = h
        .provider
        .test_connection()
        .await
        .unwrap_or_else(|e| panic!("test_connection failed: {e}"));
    assert!(!report.identity.is_empty());
    assert!(
        !report.locations.is_empty(),
        "test_connection reached no location"
    );
    let seeded = h.store().read(|s| s.locations.clone());
    for l in &report.locations {
        let want = seeded
            .iter()
            .find(|s| s.external_id == l.external_id)
            .unwrap_or_else(|| panic!("unknown location {}", l.external_id));
        assert_eq!(l.name, want.name);
    }
    let visible = visible_locations(&h).await;
    assert!(
        visible
            .iter()
            .all(|id| seeded.iter().any(|s| &s.external_id == id))
    );
}

/// The demo's shape: a simulator started for one store location, and the connection
/// it gives for that location, show the adapter that store and no other.
pub async fn a_connection_at_one_location_reaches_only_it(kit: &Kit) {
    let (h, location) = kit.harness_at_last_location(SeedConfig::default()).await;
    assert_eq!(visible_locations(&h).await, BTreeSet::from([location]));
}

pub async fn full_catalog_matches_the_seed(kit: &Kit) {
    let h = kit.small().await;
    let batch = h
        .provider
        .catalog(None)
        .await
        .unwrap_or_else(|e| panic!("catalog failed: {e}"));
    assert!(batch.rejected.is_empty(), "rejected: {:?}", batch.rejected);
    let got = by_id(batch.items);
    let all = h.store().read(|s| s.products.clone());
    let mut diffs = Vec::new();
    for (id, want) in active_products(&h) {
        match got.get(&id) {
            Some(p) => diffs.extend(
                product_diffs(p, &want)
                    .into_iter()
                    .map(|d| format!("{id} ({}): {d}", want.name)),
            ),
            None => diffs.push(format!("{id} ({}) missing", want.name)),
        }
    }
    for id in got.keys() {
        assert!(all.contains_key(id), "product {id} is not in the store");
    }
    assert!(
        diffs.is_empty(),
        "{} differences, first: {:#?}",
        diffs.len(),
        &diffs[..diffs.len().min(15)]
    );
    assert!(
        batch.high_water_mark.is_some(),
        "a full read yields a high-water mark"
    );
}

pub async fn catalog_changed_since_returns_only_changed_products(kit: &Kit) {
    let h = kit.small().await;
    let since = cutoff(&h);
    let changed: Vec<String> = active_products(&h).into_keys().take(3).collect();
    for id in &changed {
        h.store()
            .update_product(id, |p| {
                p.rec_price = p.rec_price.as_ref().map(|m| Money::usd(m.amount + 100))
            })
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let batch = h
        .provider
        .catalog(Some(since))
        .await
        .unwrap_or_else(|e| panic!("catalog(since) failed: {e}"));
    let got = by_id(batch.items);
    assert_eq!(
        got.keys().cloned().collect::<BTreeSet<_>>(),
        changed.iter().cloned().collect(),
        "only the changed products"
    );
    for id in &changed {
        let want = h.store().read(|s| s.products[id].rec_price.clone());
        assert_eq!(got[id].rec_price, want, "new price of {id}");
    }
    assert!(batch.high_water_mark.is_some_and(|hw| hw >= since));
}

pub async fn stock_snapshot_matches_the_store(kit: &Kit) {
    let h = kit.small().await;
    let visible = visible_locations(&h).await;
    let snapshot = h
        .provider
        .stock(None)
        .await
        .unwrap_or_else(|e| panic!("stock failed: {e}"));
    assert!(
        snapshot.rejected.is_empty(),
        "rejected: {:?}",
        snapshot.rejected
    );
    let mut got: BTreeMap<(String, String), i64> = BTreeMap::new();
    for r in &snapshot.records {
        assert!(
            r.on_hand >= 0,
            "negative stock for {}",
            r.external_product_id
        );
        *got.entry((
            r.external_product_id.clone(),
            r.external_location_id.clone(),
        ))
        .or_default() += r.on_hand;
    }
    let active = active_products(&h);
    let want: Vec<_> = h.store().read(|s| {
        s.stock
            .values()
            .filter(|e| visible.contains(&e.location_id) && active.contains_key(&e.product_id))
            .cloned()
            .collect()
    });
    let mut diffs = Vec::new();
    for e in want {
        let key = (e.product_id.clone(), e.location_id.clone());
        match got.get(&key) {
            Some(n) if *n == e.on_hand => {}
            None if snapshot.complete && e.on_hand == 0 => {}
            other => diffs.push(format!("{key:?}: got {other:?}, want {}", e.on_hand)),
        }
    }
    assert!(
        diffs.is_empty(),
        "{} differences, first: {:#?}",
        diffs.len(),
        &diffs[..diffs.len().min(15)]
    );
}

pub async fn a_sale_shows_up_in_the_next_stock_read(kit: &Kit) {
    let h = kit.small().await;
    let (product, location, before) = stocked(&h, 3).await;
    let since = cutoff(&h);
    h.store()
        .record_sale(&product, &location, 2, None)
        .unwrap_or_else(|e| panic!("{e}"));
    let on_hand = |snapshot: &providers::model::StockSnapshot| -> i64 {
        snapshot
            .records
            .iter()
            .filter(|r| r.external_product_id == product && r.external_location_id == location)
            .map(|r| r.on_hand)
            .sum()
    };
    let snapshot = h
        .provider
        .stock(None)
        .await
        .unwrap_or_else(|e| panic!("stock failed: {e}"));
    assert_eq!(on_hand(&snapshot), before - 2);
    if caps(&h).stock_changed_since {
        let changes = h
            .provider
            .stock(Some(since))
            .await
            .unwrap_or_else(|e| panic!("stock(since) failed: {e}"));
        assert_eq!(
            on_hand(&changes),
            before - 2,
            "the change is in stock(since)"
        );
    }
}

pub async fn customers_full_and_changed_since(kit: &Kit) {
    let h = kit.small().await;
    let Some(all) = supported(h.provider.customers(None).await, NO_FLAG, "customers") else {
        return;
    };
    let seeded = h.store().read(|s| s.customers.clone());
    let got: BTreeMap<_, _> = all
        .items
        .into_iter()
        .map(|c| (c.external_id.clone(), c))
        .collect();
    for (id, want) in &seeded {
        let c = got
            .get(id)
            .unwrap_or_else(|| panic!("customer {id} missing"));
        assert_eq!(c.last_name, want.last_name, "customer {id}");
        assert_eq!(c.date_of_birth, want.date_of_birth, "customer {id}");
    }
    let since = cutoff(&h);
    let (id, mut changed) = seeded
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no customers seeded"));
    changed.phone = Some("+14155550000".to_owned());
    h.store().upsert_customer(changed);
    let recent = h
        .provider
        .customers(Some(since))
        .await
        .unwrap_or_else(|e| panic!("customers(since) failed: {e}"));
    let ids: Vec<_> = recent.items.iter().map(|c| c.external_id.clone()).collect();
    assert_eq!(ids, vec![id], "only the changed customer");
}

pub async fn transactions_sale_return_and_void(kit: &Kit) {
    let h = kit.small().await;
    let Some(all) = supported(h.provider.transactions(None).await, NO_FLAG, "transactions") else {
        return;
    };
    let visible = visible_locations(&h).await;
    let seeded: BTreeSet<_> = h.store().read(|s| {
        s.transactions
            .values()
            .filter(|t| visible.contains(&t.external_location_id))
            .map(|t| t.external_id.clone())
            .collect()
    });
    let got: BTreeSet<_> = all.items.iter().map(|t| t.external_id.clone()).collect();
    assert!(
        seeded.is_subset(&got),
        "missing past sales: {:?}",
        seeded.difference(&got).collect::<Vec<_>>()
    );

    let since = cutoff(&h);
    let (product, location, _) = stocked(&h, 4).await;
    let sale = h
        .store()
        .record_sale(&product, &location, 2, None)
        .unwrap_or_else(|e| panic!("{e}"))
        .transaction;
    let ret = h
        .store()
        .record_return(&product, &location, 1)
        .unwrap_or_else(|e| panic!("{e}"))
        .transaction;
    let voided = h
        .store()
        .record_sale(&product, &location, 1, None)
        .unwrap_or_else(|e| panic!("{e}"))
        .transaction;
    let (Some(sale), Some(ret), Some(voided)) = (sale, ret, voided) else {
        panic!("sales and returns record transactions")
    };
    h.store()
        .void_transaction(&voided.external_id)
        .unwrap_or_else(|e| panic!("{e}"));

    let recent = h
        .provider
        .transactions(Some(since))
        .await
        .unwrap_or_else(|e| panic!("transactions(since) failed: {e}"));
    let find = |id: &str| {
        recent
            .items
            .iter()
            .find(|t| t.external_id == id)
            .unwrap_or_else(|| panic!("transaction {id} missing"))
    };
    let s = find(&sale.external_id);
    assert!(!s.is_return && !s.is_void);
    assert_eq!(s.total, sale.total);
    assert_eq!(s.lines.iter().map(|l| l.quantity).sum::<i64>(), 2);
    assert!(find(&ret.external_id).is_return);
    assert!(find(&voided.external_id).is_void);
    assert_eq!(recent.items.len(), 3, "only the new transactions");
}

pub async fn submit_order_is_idempotent(kit: &Kit) {
    let h = kit.small().await;
    let order = order(&h, 1).await;
    let Some(first) = supported(
        h.provider.submit_order(&order).await,
        !caps(&h).order_submit,
        "submit_order",
    ) else {
        return;
    };
    let second = h
        .provider
        .submit_order(&order)
        .await
        .unwrap_or_else(|e| panic!("second submit failed: {e}"));
    assert_eq!(first.external_id, second.external_id);
    let stored = h.store().read(|s| {
        s.orders
            .values()
            .filter(|o| o.order_reference == order.order_id.to_string())
            .cloned()
            .collect::<Vec<_>>()
    });
    assert_eq!(stored.len(), 1, "one order in the POS");
    assert_eq!(stored[0].external_id, first.external_id);
    assert_eq!(first.status.vendor_status, h.sim.order_statuses().submitted);
}

pub async fn order_status_follows_staff(kit: &Kit) {
    let h = kit.small().await;
    let Some((_, id)) = submitted(&h, 1).await else {
        return;
    };
    let statuses = *h.sim.order_statuses();
    for vendor in [statuses.confirmed, statuses.ready, statuses.completed] {
        h.sim
            .advance_order(&id, vendor)
            .await
            .unwrap_or_else(|e| panic!("advance to {vendor}: {e}"));
        let status = h
            .provider
            .order_status(&id)
            .await
            .unwrap_or_else(|e| panic!("order_status failed: {e}"));
        assert_eq!(status.external_id, id);
        assert_eq!(status.vendor_status, vendor);
        assert_eq!(status.status, statuses.canonical(vendor), "{vendor}");
    }
    let completed = h
        .provider
        .order_status(&id)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(completed.status, Some(OrderStatus::Completed));
}

pub async fn cancel_order_cancels(kit: &Kit) {
    let h = kit.small().await;
    let Some((_, id)) = submitted(&h, 1).await else {
        return;
    };
    let status = h
        .provider
        .cancel_order(&id, "customer changed their mind")
        .await
        .unwrap_or_else(|e| panic!("cancel_order failed: {e}"));
    assert_eq!(status.status, Some(OrderStatus::Cancelled));
    let cancelled = h.sim.order_statuses().cancelled;
    assert_eq!(h.store().read(|s| s.orders[&id].status.clone()), cancelled);
    let read = h
        .provider
        .order_status(&id)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(read.status, Some(OrderStatus::Cancelled));
}

pub async fn submit_return_records_a_return(kit: &Kit) {
    let h = kit.small().await;
    let Some((order, id)) = submitted(&h, 2).await else {
        return;
    };
    let completed = h.sim.order_statuses().completed;
    h.sim
        .advance_order(&id, completed)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let line = &order.lines[0];
    let request = ReturnRequest {
        order_id: order.order_id,
        external_order_id: id.clone(),
        lines: vec![OrderLineSubmission {
            quantity: 1,
            ..line.clone()
        }],
        reason: Some("damaged".to_owned()),
    };
    let Some(receipt) = supported(
        h.provider.submit_return(&request).await,
        !caps(&h).returns,
        "submit_return",
    ) else {
        return;
    };
    assert_eq!(receipt.refund, line.unit_price);
    let returns = h.store().read(|s| s.returns.clone());
    assert_eq!(returns.len(), 1);
    assert_eq!(returns[0].order_id, id);
}

pub async fn paging_reads_every_page(kit: &Kit) {
    let h = kit
        .harness(SeedConfig {
            products: 600,
            customers: 300,
            ..SeedConfig::default()
        })
        .await;
    let batch = h
        .provider
        .catalog(None)
        .await
        .unwrap_or_else(|e| panic!("catalog failed: {e}"));
    let got = by_id(batch.items);
    let want = active_products(&h);
    assert!(
        want.keys().all(|id| got.contains_key(id)),
        "{} of {} active products read",
        got.len(),
        want.len()
    );
    if let Some(customers) = supported(h.provider.customers(None).await, NO_FLAG, "customers") {
        assert_eq!(customers.items.len(), 300);
    }
}

pub async fn transient_faults_are_retried(kit: &Kit) {
    let h = kit.small().await;
    h.provider
        .test_connection()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let expected = active_products(&h).len();
    for (fault, times) in [
        (
            Fault::RateLimited {
                retry_after_secs: 1,
            },
            1,
        ),
        (Fault::Status { status: 500 }, 2),
        (Fault::Status { status: 503 }, 1),
        (Fault::DropConnection, 1),
        (Fault::Delay { millis: 50 }, 1),
    ] {
        let before = h.sim.faults().total_requests();
        h.sim.faults().push(fault.clone(), times);
        let batch = h
            .provider
            .catalog(None)
            .await
            .unwrap_or_else(|e| panic!("catalog after {fault:?} failed: {e}"));
        assert!(by_id(batch.items).len() >= expected, "{fault:?}");
        assert_eq!(h.sim.faults().pending(), 0, "{fault:?} was consumed");
        assert!(
            h.sim.faults().total_requests() > before + u64::from(times) - 1,
            "{fault:?} was retried"
        );
    }
}

pub async fn bad_records_are_rejected_and_the_rest_returned(kit: &Kit) {
    for kind in [
        BadRecord::MissingField,
        BadRecord::WrongType,
        BadRecord::NegativeQuantity,
        BadRecord::DuplicateId,
    ] {
        let h = kit.small().await;
        let (collection, record) = h.sim.bad_record(kind);
        h.store().push_raw(collection, record);
        match collection {
            Collection::Products => {
                let batch = h
                    .provider
                    .catalog(None)
                    .await
                    .unwrap_or_else(|e| panic!("{kind:?}: catalog failed: {e}"));
                assert!(!batch.rejected.is_empty(), "{kind:?}: nothing rejected");
                let got = by_id(batch.items);
                let want = active_products(&h);
                assert!(
                    want.keys().all(|id| got.contains_key(id)),
                    "{kind:?}: good products were dropped"
                );
                if kind == BadRecord::DuplicateId {
                    let seeded = h.store().read(|s| s.products.clone());
                    for (id, p) in &got {
                        assert!(
                            product_diffs(p, &seeded[id]).is_empty(),
                            "{kind:?}: the duplicate replaced {id}"
                        );
                    }
                }
            }
            Collection::Stock => {
                let snapshot = h
                    .provider
                    .stock(None)
                    .await
                    .unwrap_or_else(|e| panic!("{kind:?}: stock failed: {e}"));
                assert!(!snapshot.rejected.is_empty(), "{kind:?}: nothing rejected");
                assert!(snapshot.records.iter().all(|r| r.on_hand >= 0));
                assert!(
                    !snapshot.records.is_empty(),
                    "{kind:?}: good records were dropped"
                );
            }
            Collection::Customers => {
                let batch = h
                    .provider
                    .customers(None)
                    .await
                    .unwrap_or_else(|e| panic!("{kind:?}: customers failed: {e}"));
                assert!(!batch.rejected.is_empty(), "{kind:?}: nothing rejected");
                assert_eq!(batch.items.len(), h.store().read(|s| s.customers.len()));
            }
            Collection::Transactions => {
                let batch = h
                    .provider
                    .transactions(None)
                    .await
                    .unwrap_or_else(|e| panic!("{kind:?}: transactions failed: {e}"));
                assert!(!batch.rejected.is_empty(), "{kind:?}: nothing rejected");
                assert!(!batch.items.is_empty());
            }
        }
    }
}

pub async fn an_html_page_is_malformed(kit: &Kit) {
    let h = kit.small().await;
    h.provider
        .test_connection()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    h.sim.faults().push(Fault::HtmlBody, 1);
    let err = h
        .provider
        .catalog(None)
        .await
        .expect_err("an HTML page cannot be a catalog");
    assert!(matches!(err.kind, ProviderErrorKind::Malformed(_)), "{err}");
    assert!(!err.endpoint.is_empty());
    assert_eq!(h.sim.faults().pending(), 0);
}
