//! Fan-out: websocket subscribers on one replica in steps, all following one product.
//! At each step the bench reads the server's resident memory (its growth since before
//! the first subscriber, divided by the subscribers) and makes one register sale of the
//! product through the Dispense simulator's control API followed by `triggerSync`, then
//! times the event's arrival at every subscriber from the moment the sale was asked for.

use std::time::{Duration, Instant};

use futures::{StreamExt, stream};
use providers::{
    dispense::{self, DispenseSimOptions},
    simulator::seed::{self, SeedConfig},
};
use serde_json::json;
use tokio::sync::mpsc;

use crate::{canopy::Api, shelves::shelves, socket::Subscriber, stats};

const STOCK_CHANGED: &str = "subscription($location: ID!, $product: ID!) { stockChanged(locationId: $location, productIds: [$product]) { product { id } onHand } }";
const TRIGGER: &str = "mutation Trigger($id: ID!) { triggerSync(id: $id) { id } }";

#[derive(clap::Args)]
pub struct Options {
    /// Subscriber counts to step through, ascending.
    #[arg(long, value_delimiter = ',', default_value = "1000,2500,5000,10000")]
    steps: Vec<usize>,
    /// Sessions opened at once while stepping up.
    #[arg(long, default_value_t = 200)]
    connect_concurrency: usize,
}

pub async fn run(api: &Api, options: &Options) {
    let store = seed::seeded(&SeedConfig {
        seed: 9,
        locations: 1,
        products: 20,
        customers: 5,
        transactions: 0,
    });
    let sim = dispense::start(store.clone(), DispenseSimOptions::default())
        .await
        .unwrap();
    let connection = api.connect(&sim, 3600).await;
    let shelf = shelves(api, &connection, &store).await.remove(0);
    let location = store.read(|s| s.locations[0].external_id.clone());
    let variables = json!({"location": connection.location, "product": shelf.product});

    tokio::time::sleep(Duration::from_secs(1)).await;
    let baseline = api.rss_kib();
    println!("baseline_rss_kib={baseline}");
    let (arrivals, mut arrived) = mpsc::unbounded_channel::<(i64, Instant)>();
    let mut open = 0_usize;
    let mut on_hand = shelf.on_hand;
    for &target in &options.steps {
        let started = Instant::now();
        let opened: Vec<Result<Subscriber, String>> = stream::iter(open..target)
            .map(|_| {
                let variables = variables.clone();
                async move {
                    let mut subscriber = Subscriber::open(api.base()).await?;
                    subscriber
                        .subscribe("stock", STOCK_CHANGED, variables)
                        .await?;
                    Ok(subscriber)
                }
            })
            .buffer_unordered(options.connect_concurrency)
            .collect()
            .await;
        for subscriber in opened {
            let mut subscriber = match subscriber {
                Ok(subscriber) => subscriber,
                Err(error) => panic!("subscriber {open} of {target}: {error}"),
            };
            let arrivals = arrivals.clone();
            tokio::spawn(async move {
                while let Some(data) = subscriber.next_data().await {
                    let on_hand = data["stockChanged"]["onHand"].as_i64().unwrap_or(-1);
                    if arrivals.send((on_hand, Instant::now())).is_err() {
                        break;
                    }
                }
            });
            open += 1;
        }
        let connect_s = started.elapsed().as_secs_f64();
        tokio::time::sleep(Duration::from_secs(2)).await;
        let rss = api.rss_kib();

        on_hand -= 1;
        let sale = Instant::now();
        let body = json!({"productId": shelf.external_id, "locationId": location, "delta": -1, "reason": "sale"});
        api.control(&sim, "stock", body).await;
        api.gql(TRIGGER, json!({"id": connection.id})).await;
        let mut latencies = Vec::with_capacity(open);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        while latencies.len() < open {
            match tokio::time::timeout_at(deadline, arrived.recv()).await {
                Ok(Some((count, at))) if count == on_hand => {
                    latencies.push((at - sale).as_secs_f64() * 1000.0);
                }
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => break,
            }
        }
        println!(
            "subscribers={open} connect_s={connect_s:.1} rss_kib={rss} kib_per_subscriber={:.1} delivered={} {}",
            rss.saturating_sub(baseline) as f64 / open as f64,
            latencies.len(),
            stats::summary(&latencies)
        );
    }
}
