//! Shared set-up of the live stock tests (subscriptions, replicas, the widget): the demo
//! store with fast pollers running on a test server, shelves of its first store known
//! by both their Canopy ids and their POS ids, and sales made through the simulator's
//! HTTP control API.
#![allow(dead_code, clippy::unwrap_used)]

use std::time::Duration;

use api::{
    demo::{Demo, DemoConfig, DemoSimulator},
    sync::{SyncWorkers, Synchronizer, workers::WorkerConfig},
};
use entities::{location, product_external_ref};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use tokio_util::{sync::CancellationToken, task::TaskTracker};
use uuid::Uuid;

use crate::common::{TestApp, WAIT};

/// How often the demo pollers ask the simulators for changes.
pub const POLL_INTERVAL: Duration = Duration::from_millis(200);

/// The demo store, without its own traffic, polled by the server's workers.
pub struct LiveDemo {
    /// The demo (simulators and connections).
    pub demo: Demo,
    tracker: TaskTracker,
    shutdown: CancellationToken,
}

impl LiveDemo {
    /// Starts the demo on `app` with pollers running (`workers`) or without them.
    pub async fn start(app: &TestApp, workers: bool) -> Self {
        let sync = Synchronizer::for_state(&app.state);
        let config = DemoConfig {
            poll_interval: POLL_INTERVAL,
            traffic_interval: None,
            ..DemoConfig::default()
        };
        let demo = Demo::start(&sync, &config).await.unwrap();
        let tracker = TaskTracker::new();
        let shutdown = CancellationToken::new();
        if workers {
            SyncWorkers::start(
                sync,
                &app.state.sync,
                WorkerConfig::default(),
                &tracker,
                shutdown.clone(),
            );
        }
        Self {
            demo,
            tracker,
            shutdown,
        }
    }

    /// The demo's first simulator (the first registered kind), whose shelves
    /// [`LiveDemo::shelves`] lists.
    fn first(&self) -> &DemoSimulator {
        &self.demo.simulators().all()[0]
    }

    /// The first simulator's base URL.
    pub fn sim_url(&self) -> String {
        self.first().simulator().base_url().to_string()
    }

    /// `count` shelves of the first simulator's store holding at least three units, at
    /// the location its connection serves.
    pub async fn shelves(&self, app: &TestApp, count: usize) -> Vec<Shelf> {
        let first = self.first();
        let connection = self.demo.connections()[0];
        let store_location = first.location().to_owned();
        let stocked: Vec<(String, i64)> = first.simulator().store().read(|s| {
            let mut stocked: Vec<(String, i64)> = s
                .stock
                .values()
                .filter(|e| e.on_hand >= 3 && e.location_id == store_location)
                .map(|e| (e.product_id.clone(), e.on_hand))
                .collect();
            stocked.sort();
            stocked
        });
        let location = location::Entity::find()
            .filter(location::Column::ConnectionId.eq(connection))
            .filter(location::Column::ExternalId.eq(store_location.as_str()))
            .one(&app.state.db)
            .await
            .unwrap()
            .unwrap();
        let mut shelves = Vec::new();
        for (external_product, on_hand) in stocked {
            let reference = product_external_ref::Entity::find()
                .filter(product_external_ref::Column::ConnectionId.eq(connection))
                .filter(product_external_ref::Column::ExternalId.eq(external_product.as_str()))
                .one(&app.state.db)
                .await
                .unwrap();
            if let Some(reference) = reference {
                shelves.push(Shelf {
                    product: reference.product_id,
                    location: location.id,
                    external_product,
                    external_location: store_location.clone(),
                    on_hand,
                });
            }
            if shelves.len() == count {
                return shelves;
            }
        }
        panic!("the demo store has fewer than {count} stocked shelves");
    }

    /// Stops the pollers and the demo.
    pub async fn stop(self) {
        self.shutdown.cancel();
        self.tracker.close();
        self.tracker.wait().await;
        drop(self.demo);
    }
}

/// One product at one store, by Canopy id and POS id.
#[derive(Clone, Debug)]
pub struct Shelf {
    /// Canopy's product id.
    pub product: Uuid,
    /// Canopy's location id.
    pub location: Uuid,
    /// The POS's product id.
    pub external_product: String,
    /// The POS's location id.
    pub external_location: String,
    /// Units on hand at the POS when the shelf was picked.
    pub on_hand: i64,
}

/// Sells one unit of `shelf` at the register of the simulator at `sim_url`, through its
/// control API; returns the simulator's answer.
pub async fn sell_one(sim_url: &str, shelf: &Shelf) -> Value {
    let url = format!("{}/_sim/stock", sim_url.trim_end_matches('/'));
    let response = reqwest::Client::new()
        .post(url)
        .timeout(WAIT)
        .json(&json!({
            "productId": shelf.external_product,
            "locationId": shelf.external_location,
            "delta": -1,
            "reason": "sale",
        }))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    response.json().await.unwrap()
}
