//! Store traffic for `serve --demo`: every `interval` a random sale, return
//! or restock at a random store, through the [`SimStore`] as the register
//! would record it, so stock visibly moves. Some sales are rung up for a
//! known walk-in customer (any customer the store holds, including those
//! Canopy pushed to it, and often one who has ordered online), so their
//! purchase history gains in-store sales.
//! Stops when the handle is stopped or dropped.

use std::time::Duration;

use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use tokio::task::JoinHandle;

use super::store::{SimError, SimStore, StockChangeOutcome};

/// How the generator behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrafficConfig {
    /// Time between two events.
    pub interval: Duration,
    /// Random seed for the choice of events.
    pub seed: u64,
}

impl Default for TrafficConfig {
    fn default() -> Self {
        TrafficConfig {
            interval: Duration::from_secs(3),
            seed: 7,
        }
    }
}

/// A running traffic generator; dropping it stops the traffic.
#[derive(Debug)]
pub struct Traffic {
    task: JoinHandle<()>,
}

impl Traffic {
    /// Starts generating traffic on `store`.
    pub fn start(store: SimStore, config: TrafficConfig) -> Self {
        let task = tokio::spawn(async move {
            let mut rng = StdRng::seed_from_u64(config.seed);
            let mut ticks = tokio::time::interval(config.interval);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            ticks.tick().await;
            loop {
                ticks.tick().await;
                match step(&store, &mut rng) {
                    Ok(Some(outcome)) => tracing::debug!(
                        product = %outcome.stock.external_product_id,
                        location = %outcome.stock.external_location_id,
                        on_hand = outcome.stock.on_hand,
                        "simulated store traffic"
                    ),
                    Ok(None) => {}
                    Err(e) => tracing::debug!(error = %e, "simulated store traffic skipped"),
                }
            }
        });
        Traffic { task }
    }

    /// Stops the traffic.
    pub fn stop(self) {
        self.task.abort();
    }
}

impl Drop for Traffic {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// One event: a sale (60%), a return (15%) or a restock (25%) of a random
/// stock entry; `None` when the store has no stock entries. Half the sales
/// are for a known customer, chosen at random.
pub fn step(store: &SimStore, rng: &mut StdRng) -> Result<Option<StockChangeOutcome>, SimError> {
    let entries = store.read(|s| s.stock.keys().cloned().collect::<Vec<_>>());
    let Some((product, location)) = entries.choose(rng) else {
        return Ok(None);
    };
    let on_hand = store.read(|s| s.on_hand(product, location));
    let roll = rng.random_range(0..100);
    let outcome = if roll < 60 && on_hand > 0 {
        let quantity = rng.random_range(1..=on_hand.min(3));
        let customer = walk_in(store, rng);
        store.record_sale(product, location, quantity, customer.as_deref())?
    } else if roll < 75 {
        store.record_return(product, location, 1)?
    } else {
        store.restock(product, location, rng.random_range(5..=25))?
    };
    Ok(Some(outcome))
}

/// The known customer at the counter for half the sales; `None` for an
/// anonymous walk-in (or a store without customers). Half the known ones are
/// regulars who also order online (when anyone has), so their history mixes
/// both.
fn walk_in(store: &SimStore, rng: &mut StdRng) -> Option<String> {
    if !rng.random_bool(0.5) {
        return None;
    }
    let regular = rng.random_bool(0.5);
    store.read(|s| {
        let online: Vec<&String> = s
            .orders
            .values()
            .filter_map(|o| o.customer_id.as_ref())
            .filter(|id| s.customers.contains_key(*id))
            .collect();
        if regular && let Some(id) = online.choose(rng) {
            return Some((*id).clone());
        }
        let count = s.customers.len();
        (count > 0)
            .then(|| rng.random_range(0..count))
            .and_then(|i| s.customers.keys().nth(i).cloned())
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::simulator::seed::{SeedConfig, seeded};

    #[test]
    fn each_step_changes_stock() {
        let store = seeded(&SeedConfig::default());
        let mut rng = StdRng::seed_from_u64(1);
        let before = store.read(|s| s.stock.values().map(|e| e.on_hand).collect::<Vec<_>>());
        for _ in 0..20 {
            step(&store, &mut rng).unwrap();
        }
        let after = store.read(|s| s.stock.values().map(|e| e.on_hand).collect::<Vec<_>>());
        assert_ne!(before, after);
    }

    #[test]
    fn some_sales_are_for_known_customers() {
        let store = seeded(&SeedConfig::default());
        let mut rng = StdRng::seed_from_u64(5);
        let sales: Vec<_> = (0..200)
            .filter_map(|_| step(&store, &mut rng).unwrap()?.transaction)
            .filter(|t| !t.is_return)
            .collect();
        let known = sales
            .iter()
            .filter_map(|t| t.external_customer_id.as_deref())
            .filter(|id| store.read(|s| s.customers.contains_key(*id)))
            .count();
        let anonymous = sales
            .iter()
            .filter(|t| t.external_customer_id.is_none())
            .count();
        assert!(
            known > 10 && anonymous > 10,
            "{known} known, {anonymous} anonymous of {}",
            sales.len()
        );
        assert_eq!(
            known + anonymous,
            sales.len(),
            "only customers the store holds"
        );
    }

    #[test]
    fn customers_who_order_online_also_walk_in() {
        use crate::simulator::store::fixtures::pickup_order;
        let store = seeded(&SeedConfig::default());
        let (customer, product, location) = store.read(|s| {
            let stock = s.stock.values().next().unwrap();
            let customer = s.customers.keys().next().unwrap();
            (
                customer.clone(),
                stock.product_id.clone(),
                stock.location_id.clone(),
            )
        });
        let order = pickup_order("online", &location, &product, 1, Some(&customer));
        store.submit_order(order, "Submitted").unwrap();
        let mut rng = StdRng::seed_from_u64(9);
        let visits = (0..200)
            .filter_map(|_| step(&store, &mut rng).unwrap()?.transaction)
            .filter(|t| t.external_customer_id.as_deref() == Some(customer.as_str()))
            .count();
        // a quarter of the sales (60% of the events) are the regular's
        assert!(visits >= 15, "the online customer walked in {visits} times");
    }

    #[tokio::test(start_paused = true)]
    async fn runs_until_stopped() {
        let store = seeded(&SeedConfig::default());
        let before = store.read(|s| {
            s.transactions.len() + s.stock.values().map(|e| e.on_hand as usize).sum::<usize>()
        });
        let traffic = Traffic::start(
            store.clone(),
            TrafficConfig {
                interval: Duration::from_secs(1),
                seed: 3,
            },
        );
        tokio::time::sleep(Duration::from_millis(10_500)).await;
        traffic.stop();
        let after = store.read(|s| {
            s.transactions.len() + s.stock.values().map(|e| e.on_hand as usize).sum::<usize>()
        });
        assert_ne!(before, after);
    }
}
