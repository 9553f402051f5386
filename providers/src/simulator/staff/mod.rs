//! The store's staff for `serve --demo`: they work each store's online queue as a
//! budtender would, accepting, preparing, making ready and completing every online
//! order (now and then rejecting or cancelling one), an order waiting a short delay in
//! each status. They act through each vendor simulator's own [`Simulator::advance_order`],
//! in the vendor's status model ([`OrderStatuses`]), so the vendor's side effects
//! happen as at a real store: completing sells the order at the register, and Jane's
//! simulator sends its webhook on every change. Canopy learns of each step through its
//! usual paths (webhooks or polling). Which orders end how follows the seed
//! ([`plan::Fate`]). Staff stop when the handle is stopped or dropped.

pub mod plan;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio::time::Instant;

use self::plan::{Fate, next_status};
use super::control::{OrderStatuses, Simulator};

/// One store's order desk: the online orders of `location`, worked through `simulator`.
#[derive(Clone)]
pub struct Desk {
    /// The store location (external id) whose online orders are worked here.
    pub location: String,
    /// The simulator serving that store: staff move orders through its workflow.
    pub simulator: Arc<dyn Simulator>,
    /// How long an order stays in each status before staff move it on.
    pub delay: Duration,
}

/// How staff behave across the desks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaffConfig {
    /// Seed of the orders' fates.
    pub seed: u64,
    /// Percentage (0–100) of orders that are rejected or cancelled rather than completed.
    pub cancel_percent: u8,
}

/// Running staff; dropping the handle sends them home.
#[derive(Debug)]
pub struct Staff {
    task: JoinHandle<()>,
}

impl Staff {
    /// Starts working the online orders at `desks`.
    pub fn start(desks: Vec<Desk>, config: StaffConfig) -> Self {
        let shortest = desks.iter().map(|d| d.delay).min();
        // look often enough that an order never waits much more than its delay
        let tick = shortest.map_or(Duration::from_secs(1), |d| {
            (d / 4).clamp(Duration::from_millis(10), Duration::from_secs(1))
        });
        let task = tokio::spawn(async move {
            let mut seen = HashMap::new();
            let mut ticks = tokio::time::interval(tick);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                for desk in &desks {
                    work(desk, config, &mut seen).await;
                }
            }
        });
        Staff { task }
    }

    /// Sends the staff home.
    pub fn stop(self) {
        self.task.abort();
    }
}

impl Drop for Staff {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// An open order as staff last saw it: its status, and since when.
struct Seen {
    status: String,
    since: Instant,
}

/// One look at a desk's queue: each open order that has waited its delay in its status
/// moves one step on.
async fn work(desk: &Desk, config: StaffConfig, seen: &mut HashMap<String, Seen>) {
    let statuses = desk.simulator.order_statuses();
    let orders: Vec<(String, String, String)> = desk.simulator.store().read(|s| {
        s.orders
            .values()
            .filter(|o| o.location_id == desk.location)
            .map(|o| {
                let id = o.external_id.clone();
                (id, o.order_reference.clone(), o.status.clone())
            })
            .collect()
    });
    for (id, reference, status) in orders {
        let fate = Fate::of(config.seed, &reference, config.cancel_percent);
        let Some(next) = next_status(statuses, fate, &status) else {
            seen.remove(&id);
            continue;
        };
        let now = Instant::now();
        let entry = seen.entry(id.clone()).or_insert_with(|| Seen {
            status: status.clone(),
            since: now,
        });
        if entry.status != status {
            // moved by someone else (a test, the control API): its wait starts again
            *entry = Seen { status, since: now };
            continue;
        }
        if now.duration_since(entry.since) < desk.delay {
            continue;
        }
        let moved = advance(desk, statuses, &id, next).await;
        *entry = Seen {
            status: moved.unwrap_or(status),
            since: Instant::now(),
        };
    }
}

/// Moves order `id` to `next`; when that cannot be done (completing an order whose
/// stock the register has sold meanwhile), the store cancels it. Returns the status
/// the order is in afterwards, `None` when nothing changed.
async fn advance(desk: &Desk, statuses: &OrderStatuses, id: &str, next: &str) -> Option<String> {
    let simulator = desk.simulator.as_ref();
    match simulator.advance_order(id, next).await {
        Ok(order) => {
            tracing::debug!(order = id, status = %order.status, "simulated staff moved an order");
            Some(order.status)
        }
        Err(error) if next != statuses.cancelled => {
            tracing::info!(order = id, %error, "simulated staff cannot move an order on; cancelling it");
            match simulator.advance_order(id, statuses.cancelled).await {
                Ok(order) => Some(order.status),
                Err(error) => {
                    tracing::warn!(order = id, %error, "simulated staff cannot cancel an order");
                    None
                }
            }
        }
        Err(error) => {
            tracing::warn!(order = id, %error, "simulated staff cannot cancel an order");
            None
        }
    }
}
