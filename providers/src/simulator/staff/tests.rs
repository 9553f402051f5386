#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use super::{Desk, Staff, StaffConfig};
use crate::registry::{KINDS, SimulatorOptions};
use crate::simulator::seed::{SeedConfig, seeded};
use crate::simulator::store::fixtures::pickup_order;
use crate::simulator::{SimOrder, SimStore, Simulator};

const DELAY: Duration = Duration::from_millis(20);
const WAIT: Duration = Duration::from_secs(10);

/// One simulator of each registered kind over one store, the n-th kind serving the
/// store's n-th location.
async fn desks(store: &SimStore) -> Vec<Desk> {
    let locations: Vec<String> =
        store.read(|s| s.locations.iter().map(|l| l.external_id.clone()).collect());
    let mut desks = Vec::new();
    for (kind, location) in KINDS.iter().zip(locations) {
        let options = SimulatorOptions {
            location: Some(location.clone()),
            ..SimulatorOptions::default()
        };
        let simulator: Arc<dyn Simulator> =
            Arc::from((kind.simulator)(store.clone(), options).await.unwrap());
        desks.push(Desk {
            location,
            simulator,
            delay: DELAY,
        });
    }
    desks
}

fn store() -> SimStore {
    seeded(&SeedConfig {
        locations: KINDS.len() + 1,
        ..SeedConfig::default()
    })
}

/// Submits an order for `quantity` of the best-stocked product at `desk`'s store.
fn submit(desk: &Desk, reference: &str, extra: i64) -> String {
    let store = desk.simulator.store();
    let (product, on_hand) = store.read(|s| {
        s.stock_at(&desk.location)
            .max_by_key(|e| e.on_hand)
            .map(|e| (e.product_id.clone(), e.on_hand))
            .unwrap()
    });
    let quantity = if extra > 0 { on_hand + extra } else { 1 };
    let order = pickup_order(reference, &desk.location, &product, quantity, None);
    let submitted = desk.simulator.order_statuses().submitted;
    store.submit_order(order, submitted).unwrap().0.external_id
}

/// Waits until order `id` is in the vendor status `status`.
async fn reaches(desk: &Desk, id: &str, status: &str) -> SimOrder {
    tokio::time::timeout(WAIT, async {
        loop {
            let order = desk.simulator.store().read(|s| s.orders[id].clone());
            if order.status == status {
                return order;
            }
            tokio::time::sleep(DELAY / 2).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("order {id} never reached {status}"))
}

fn history(order: &SimOrder) -> Vec<&str> {
    order.history.iter().map(|h| h.status.as_str()).collect()
}

#[tokio::test]
async fn staff_complete_every_vendors_orders_step_by_step() {
    let store = store();
    let desks = desks(&store).await;
    let ids: Vec<String> = desks
        .iter()
        .map(|d| submit(d, &format!("ref-{}", d.location), 0))
        .collect();
    let _staff = Staff::start(
        desks.clone(),
        StaffConfig {
            seed: 1,
            cancel_percent: 0,
        },
    );
    for (desk, id) in desks.iter().zip(&ids) {
        let s = desk.simulator.order_statuses();
        let order = reaches(desk, id, s.completed).await;
        assert_eq!(
            history(&order),
            [s.submitted, s.confirmed, s.ready, s.completed],
            "{}",
            desk.simulator.kind()
        );
        let sale = order.transaction_id.as_deref().unwrap();
        assert!(store.read(|st| st.transactions.contains_key(sale)));
    }
}

#[tokio::test]
async fn some_orders_are_rejected_or_cancelled_and_none_left_open() {
    let store = store();
    let desks = desks(&store).await;
    let desk = &desks[0];
    let ids: Vec<String> = (0..6).map(|i| submit(desk, &format!("c-{i}"), 0)).collect();
    let _staff = Staff::start(
        desks.clone(),
        StaffConfig {
            seed: 3,
            cancel_percent: 100,
        },
    );
    let s = desk.simulator.order_statuses();
    let mut paths = Vec::new();
    for id in &ids {
        let order = reaches(desk, id, s.cancelled).await;
        assert!(
            order.transaction_id.is_none(),
            "a cancelled order is not sold"
        );
        paths.push(history(&order).len());
    }
    // rejected straight from submission, or cancelled once ready
    assert!(paths.iter().all(|n| *n == 2 || *n == 4), "{paths:?}");
}

#[tokio::test]
async fn an_order_the_store_cannot_fill_is_cancelled_and_other_stores_are_left_alone() {
    let store = store();
    let mut desks = desks(&store).await;
    let spare = desks.pop().unwrap();
    let short = submit(&desks[0], "short", 5);
    let elsewhere = submit(&spare, "elsewhere", 0);
    let _staff = Staff::start(
        desks.clone(),
        StaffConfig {
            seed: 1,
            cancel_percent: 0,
        },
    );
    let s = desks[0].simulator.order_statuses();
    let order = reaches(&desks[0], &short, s.cancelled).await;
    assert_eq!(
        history(&order),
        [s.submitted, s.confirmed, s.ready, s.cancelled]
    );
    let untouched = store.read(|st| st.orders[&elsewhere].history.len());
    assert_eq!(untouched, 1, "no desk works the spare store's queue");
}
