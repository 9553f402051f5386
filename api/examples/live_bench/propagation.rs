//! Propagation latency: from the moment a simulator's control API is asked for a stock
//! change to the moment the matching `stockChanged` event reaches a subscriber.
//!
//! - Webhook path (Jane): the bench places orders in the Jane simulator beforehand
//!   (pickup carts, as Jane's own checkout would); each change is the staff completing
//!   one (`POST /_sim/orders/{id}/status`), which sells its unit at the register and
//!   makes the simulator POST the cart webhook to Canopy. Canopy stores the delivery,
//!   applies it and syncs the connection at once, so the new count arrives without
//!   waiting for a poll (Jane's connection polls hourly here).
//! - Poll path (Dispense): each change is a register sale (`POST /_sim/stock`), which
//!   Canopy sees at its next poll (`--poll-seconds`).
//!
//! Changes are sent one after another at a fixed rate, each to the next of the stocked
//! products in turn; a change's latency ends with the first event for its product whose
//! on-hand count is at or below the count after that change (a later sync may carry
//! several changes of one product at once).

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use providers::{
    dispense::{self, DispenseSimOptions},
    jane::{self, simulator::JaneSimOptions},
    model::{Fulfillment, Money, OrderCustomer, OrderLineSubmission},
    simulator::{
        SimStore,
        seed::{self, SeedConfig},
        store::NewOrder,
    },
};
use serde_json::json;

use crate::{
    canopy::{Api, Connection},
    shelves::{Shelf, shelves},
    socket::Subscriber,
    stats,
};

const STOCK_CHANGED: &str = "subscription($location: ID!) { stockChanged(locationId: $location) { product { id } onHand } }";

#[derive(clap::Args)]
pub struct Options {
    /// Stock changes per path.
    #[arg(long, default_value_t = 1000)]
    changes: usize,
    /// Catalog size of each simulator.
    #[arg(long, default_value_t = 250)]
    products: usize,
    /// Poll interval of the Dispense connection, seconds (the API accepts 5 and more).
    #[arg(long, default_value_t = 5)]
    poll_seconds: u32,
    /// Changes per second on the webhook path.
    #[arg(long, default_value_t = 20.0)]
    webhook_rate: f64,
    /// Changes per second on the poll path.
    #[arg(long, default_value_t = 100.0)]
    poll_rate: f64,
}

/// One change sent: the Canopy product, the count after it, and when it was asked for.
struct Sent {
    product: String,
    on_hand: i64,
    at: Instant,
}

/// One event received: the Canopy product, its count, and when it arrived.
struct Received {
    product: String,
    on_hand: i64,
    at: Instant,
}

pub async fn run(api: &Api, options: &Options) {
    let store = |seed| {
        seed::seeded(&SeedConfig {
            seed,
            locations: 1,
            products: options.products,
            customers: 5,
            transactions: 0,
        })
    };
    let jane_store = store(7);
    let jane = jane::simulator::start(jane_store.clone(), JaneSimOptions::default())
        .await
        .unwrap();
    let dispense_store = store(8);
    let dispense = dispense::start(dispense_store.clone(), DispenseSimOptions::default())
        .await
        .unwrap();

    let jane_connection = api.connect(&jane, 3600).await;
    let hook = format!("{}/webhooks/{}", api.base(), jane_connection.id);
    api.control(&jane, "webhooks", json!({"url": hook})).await;
    let dispense_connection = api.connect(&dispense, options.poll_seconds).await;

    // Jane: one open pickup order per change, placed before the clock starts
    let jane_shelves = shelves(api, &jane_connection, &jane_store).await;
    let jane_plan = plan(&jane_shelves, options.changes);
    let orders: Vec<String> = jane_plan
        .iter()
        .enumerate()
        .map(|(n, (shelf, _))| place_order(&jane_store, jane.store_id(), shelf, n))
        .collect();
    let completed = jane::simulator::ORDER_STATUSES.completed;
    let webhook = measure(
        api,
        &jane_connection,
        &jane_plan,
        options.webhook_rate,
        Duration::from_secs(30),
        |n| {
            let path = format!("orders/{}/status", orders[n]);
            let jane = &jane;
            async move { api.control(jane, &path, json!({"status": completed})).await }
        },
    )
    .await;
    print_path("webhook", "jane", &webhook, options.changes);

    let dispense_shelves = shelves(api, &dispense_connection, &dispense_store).await;
    let dispense_plan = plan(&dispense_shelves, options.changes);
    let location = dispense_store.read(|s| s.locations[0].external_id.clone());
    let poll = measure(
        api,
        &dispense_connection,
        &dispense_plan,
        options.poll_rate,
        Duration::from_secs(u64::from(options.poll_seconds) * 3 + 30),
        |n| {
            let body = json!({"productId": dispense_plan[n].0.external_id, "locationId": location, "delta": -1, "reason": "sale"});
            let dispense = &dispense;
            async move { api.control(dispense, "stock", body).await }
        },
    )
    .await;
    print_path("poll", "dispense", &poll, options.changes);
    println!(
        "poll_interval_ms={}",
        u64::from(options.poll_seconds) * 1000
    );
}

/// Prints one path's figures on one line.
fn print_path(path: &str, vendor: &str, latencies: &[f64], changes: usize) {
    println!(
        "path={path} vendor={vendor} changes={changes} delivered={} {}",
        latencies.len(),
        stats::summary(latencies)
    );
}

/// Change `n` sells one unit of shelf `n % len`: each shelf with the count after it.
fn plan(shelves: &[Shelf], changes: usize) -> Vec<(Shelf, i64)> {
    let mut counts: HashMap<&str, i64> = HashMap::new();
    let plan: Vec<(Shelf, i64)> = (0..changes)
        .map(|n| {
            let shelf = &shelves[n % shelves.len()];
            let count = counts.entry(&shelf.product).or_insert(shelf.on_hand);
            *count -= 1;
            (shelf.clone(), *count)
        })
        .collect();
    assert!(
        plan.iter().all(|(_, after)| *after >= 0),
        "too few units on hand for {changes} changes over {} products: raise --products",
        shelves.len()
    );
    plan
}

/// Places an open pickup order for one unit of `shelf` in the Jane simulator.
fn place_order(store: &SimStore, location: &str, shelf: &Shelf, n: usize) -> String {
    let order = NewOrder {
        order_reference: format!("bench-{n}"),
        location_id: location.to_owned(),
        customer_id: None,
        customer: OrderCustomer {
            external_id: None,
            first_name: "Bench".to_owned(),
            last_name: format!("Customer {n}"),
            email: None,
            phone: None,
            date_of_birth: None,
            medical_id: None,
        },
        lines: vec![OrderLineSubmission {
            external_product_id: shelf.external_id.clone(),
            quantity: 1,
            unit_price: Money::usd(1000),
        }],
        fulfillment: Fulfillment::Pickup,
        delivery_address: None,
        notes: None,
    };
    let status = jane::simulator::ORDER_STATUSES.submitted;
    store.submit_order(order, status).unwrap().0.external_id
}

/// Subscribes to the connection's location, sends `plan.len()` changes at `rate` per
/// second through `change(n)`, and waits (at most `grace` after the last) until every
/// change has arrived; the latencies in milliseconds of those that did.
async fn measure<F, Fut>(
    api: &Api,
    connection: &Connection,
    plan: &[(Shelf, i64)],
    rate: f64,
    grace: Duration,
    change: F,
) -> Vec<f64>
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut subscriber = Subscriber::open(api.base()).await.unwrap();
    subscriber
        .subscribe(
            "stock",
            STOCK_CHANGED,
            json!({"location": connection.location}),
        )
        .await
        .unwrap();
    let received = Arc::new(Mutex::new(Vec::<Received>::new()));
    let sink = received.clone();
    let listener = tokio::spawn(async move {
        while let Some(data) = subscriber.next_data().await {
            let event = &data["stockChanged"];
            sink.lock().unwrap().push(Received {
                product: event["product"]["id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                on_hand: event["onHand"].as_i64().unwrap_or(i64::MAX),
                at: Instant::now(),
            });
        }
    });

    let mut sent = Vec::with_capacity(plan.len());
    let started = Instant::now();
    for (n, (shelf, on_hand)) in plan.iter().enumerate() {
        tokio::time::sleep_until((started + Duration::from_secs_f64(n as f64 / rate)).into()).await;
        let at = Instant::now();
        change(n).await;
        sent.push(Sent {
            product: shelf.product.clone(),
            on_hand: *on_hand,
            at,
        });
    }
    let deadline = Instant::now() + grace;
    let latencies = loop {
        let latencies = latencies(&sent, &received.lock().unwrap());
        if latencies.len() == sent.len() || Instant::now() > deadline {
            break latencies;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    listener.abort();
    latencies
}

/// For each change, the time until the first event of its product, received after it
/// was sent, with a count at or below the one it left.
fn latencies(sent: &[Sent], received: &[Received]) -> Vec<f64> {
    let mut by_product: HashMap<&str, Vec<&Received>> = HashMap::new();
    for event in received {
        by_product.entry(&event.product).or_default().push(event);
    }
    sent.iter()
        .filter_map(|change| {
            by_product
                .get(change.product.as_str())?
                .iter()
                .find(|e| e.at >= change.at && e.on_hand <= change.on_hand)
                .map(|e| (e.at - change.at).as_secs_f64() * 1000.0)
        })
        .collect()
}
