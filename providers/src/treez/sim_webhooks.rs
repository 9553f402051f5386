//! The simulator's webhooks [doc]: `{event_type, dispensary_short_name, data}` POSTed
//! with the static bearer token to the URL registered through `POST /_sim/webhooks`.
//! A TICKET event follows every ticket change staff or the API make, except a
//! cancellation (Treez sends none for cancelled or abandoned tickets); INVENTORY,
//! PRODUCT and CUSTOMER events follow every change in the store, however made (the
//! register, a restock, an order filled), learned from the store's revision rather
//! than by polling.

use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::Value;
use tokio::task::JoinHandle;
use url::Url;

use super::guesses;
use super::models::WebhookBody;
use super::sim_wire;
use super::webhook::{CUSTOMER, INVENTORY, PRODUCT, TICKET};
use crate::simulator::control::{OrderWorkflow, StandardWorkflow};
use crate::simulator::store::{SimError, SimOrder, SimState, SimStore};

/// Treez's order workflow: the standard one, plus a TICKET webhook on every change but
/// a cancellation; and the sender of every webhook.
pub(crate) struct TreezWorkflow {
    standard: StandardWorkflow,
    store: SimStore,
    token: String,
    dispensaries: Vec<String>,
    target: Mutex<Option<Url>>,
    client: reqwest::Client,
}

impl TreezWorkflow {
    /// The workflow over `store`, for the `dispensaries` the simulator serves.
    pub(crate) fn new(
        standard: StandardWorkflow,
        store: SimStore,
        token: String,
        dispensaries: Vec<String>,
    ) -> std::io::Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(5))
            .build()
            .map_err(std::io::Error::other)?;
        Ok(TreezWorkflow {
            standard,
            store,
            token,
            dispensaries,
            target: Mutex::new(None),
            client,
        })
    }

    /// POSTs one event to the registered URL, in the background; nothing when none is.
    pub(crate) fn emit(&self, event_type: &str, dispensary: &str, data: Value) {
        let Some(url) = self
            .target
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
        else {
            return;
        };
        let body = WebhookBody {
            event_type: event_type.to_owned(),
            dispensary_short_name: dispensary.to_owned(),
            data,
        };
        let request = self.client.post(url).bearer_auth(&self.token).json(&body);
        let event = event_type.to_owned();
        tokio::spawn(async move {
            match request.send().await {
                Ok(response) if response.status().is_success() => {}
                Ok(response) => {
                    tracing::warn!(%event, status = %response.status(), "Treez sim webhook refused")
                }
                Err(e) => tracing::warn!(%event, error = %e, "Treez sim webhook failed"),
            }
        });
    }

    /// The TICKET event of an order, unless it was cancelled.
    pub(crate) fn ticket_changed(&self, order: &SimOrder) {
        if order.status == guesses::STATUS_CANCELED {
            return;
        }
        let ticket = self.store.read(|s| sim_wire::order_ticket(s, order));
        self.emit(
            TICKET,
            &order.location_id,
            serde_json::to_value(ticket).unwrap_or(Value::Null),
        );
    }

    /// Starts sending INVENTORY, PRODUCT and CUSTOMER events for every change made to
    /// the store from now on; the task ends when aborted.
    pub(crate) fn watch(self: &Arc<Self>) -> JoinHandle<()> {
        let workflow = self.clone();
        let mut changes = self.store.changes();
        changes.mark_unchanged();
        let mut mark = self.store.read(latest_change);
        tokio::spawn(async move {
            while changes.changed().await.is_ok() {
                mark = workflow.store.read(|s| workflow.changes_since(s, mark));
            }
        })
    }

    /// Emits the events of everything changed after `mark`; returns the new mark.
    fn changes_since(&self, state: &SimState, mark: DateTime<Utc>) -> DateTime<Utc> {
        for entry in state.stock.values().filter(|e| e.modified_at > mark) {
            if self.dispensaries.contains(&entry.location_id) {
                let row = sim_wire::stock_row(state.products.get(&entry.product_id), entry);
                self.emit(
                    INVENTORY,
                    &entry.location_id,
                    serde_json::to_value(row).unwrap_or(Value::Null),
                );
            }
        }
        let changed = |at: Option<DateTime<Utc>>| at.is_some_and(|at| at > mark);
        for product in state.products.values().filter(|p| changed(p.modified_at)) {
            for dispensary in &self.dispensaries {
                let stock = state
                    .stock
                    .get(&(product.external_id.clone(), dispensary.clone()));
                let data = serde_json::to_value(sim_wire::product(product, stock));
                self.emit(PRODUCT, dispensary, data.unwrap_or(Value::Null));
            }
        }
        for customer in state.customers.values().filter(|c| changed(c.modified_at)) {
            if let Some(dispensary) = self.dispensaries.first() {
                let data = serde_json::to_value(sim_wire::customer(customer));
                self.emit(CUSTOMER, dispensary, data.unwrap_or(Value::Null));
            }
        }
        latest_change(state).max(mark)
    }
}

/// The latest change to stock, products or customers.
fn latest_change(state: &SimState) -> DateTime<Utc> {
    let stock = state.stock.values().map(|e| e.modified_at);
    let products = state.products.values().filter_map(|p| p.modified_at);
    let customers = state.customers.values().filter_map(|c| c.modified_at);
    stock
        .chain(products)
        .chain(customers)
        .max()
        .unwrap_or(DateTime::<Utc>::UNIX_EPOCH)
}

#[async_trait]
impl OrderWorkflow for TreezWorkflow {
    async fn advance_order(&self, id: &str, status: &str) -> Result<SimOrder, SimError> {
        let order = self.standard.advance_order(id, status).await?;
        self.ticket_changed(&order);
        Ok(order)
    }

    async fn register_webhook(&self, url: Url) -> Result<(), SimError> {
        *self.target.lock().unwrap_or_else(PoisonError::into_inner) = Some(url);
        Ok(())
    }
}
