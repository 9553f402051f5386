//! The 4/20 mix against the production topology (`bench/peak_day.sh`): for a fixed time,
//! at once, shoppers read menus (every location × category × page size × a few
//! searches, over GET as a storefront would), registers move stock at every simulator,
//! customers place online orders (some cancelled), thousands of `stockChanged`
//! subscribers listen, and halfway one API replica is killed and restarted (the script's
//! `--kill` command). Then the same readers load the bare handler for comparison.
//!
//! Prints `key=value` figures and writes `timeline.csv` (one row per second: menu
//! requests and p99, orders and p99, errors; the fault's second marked) for the plot.

use std::{
    collections::{BTreeMap, HashMap},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use api::auth::{JwtKeys, Role};
use providers::{
    registry::{KINDS, SimulatorOptions},
    simulator::{
        Simulator,
        seed::{self, SeedConfig},
    },
};
use rand::{Rng, SeedableRng, rngs::StdRng, seq::IndexedRandom};
use serde_json::{Value, json};

use crate::{
    canopy::{Api, Connection},
    shelves::{Shelf, shelves},
    socket::Subscriber,
    stats,
};

const STOCK_CHANGED: &str = "subscription($location: ID!) { stockChanged(locationId: $location) { product { id } onHand } }";
const PLACE: &str = "mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }";
const CANCEL: &str =
    "mutation($id: ID!) { cancelOrder(id: $id, reason: \"changed my mind\") { id } }";
const CUSTOMERS: &str = "{ customers(first: 100) { edges { node { id } } } }";
const STOCK: &str = "query($id: ID!, $location: ID!) { product(id: $id) { stock(locationId: $location) { onHand reserved } } }";
const CATEGORIES: &[Option<&str>] = &[
    None,
    Some("FLOWER"),
    Some("PRE_ROLL"),
    Some("VAPE"),
    Some("EDIBLE"),
    Some("CONCENTRATE"),
    Some("BEVERAGE"),
];
const SEARCHES: &[Option<&str>] = &[None, Some("blue"), Some("gummies"), Some("og")];
const PAGE_SIZES: &[u32] = &[12, 24, 48];

#[derive(clap::Args)]
pub struct Options {
    /// Seconds of load.
    #[arg(long, default_value_t = 60)]
    seconds: u64,
    /// Register stock changes per second, across every simulator.
    #[arg(long, default_value_t = 50.0)]
    changes_per_second: f64,
    /// Online orders per second.
    #[arg(long, default_value_t = 10.0)]
    orders_per_second: f64,
    /// Share of acknowledged orders the customer cancels, percent.
    #[arg(long, default_value_t = 10)]
    cancel_percent: u32,
    /// `stockChanged` subscribers.
    #[arg(long, default_value_t = 2000)]
    subscribers: usize,
    /// Concurrent menu readers.
    #[arg(long, default_value_t = 16)]
    readers: usize,
    /// Units on hand of each product online orders buy (few, so orders compete).
    #[arg(long, default_value_t = 25)]
    hot_stock: i64,
    /// Poll interval of each connection, seconds.
    #[arg(long, default_value_t = 5)]
    poll_seconds: u32,
    /// Shell command run halfway (kill and restart an API replica).
    #[arg(long)]
    kill: Option<String>,
    /// The bare handler's URL (serving a menu's bytes), loaded after the run.
    #[arg(long)]
    bare: Option<String>,
    /// Where the first menu page's body is written before the load, for the script to
    /// serve with the bare handler.
    #[arg(long)]
    menu_body: Option<String>,
    /// Seconds of load on the bare handler.
    #[arg(long, default_value_t = 10)]
    bare_seconds: u64,
    /// Where `timeline.csv` goes.
    #[arg(long, default_value = ".")]
    out: String,
}

/// A store of one simulator, as the load uses it.
struct Store {
    sim: Box<dyn Simulator>,
    connection: Connection,
    location: String,
    /// Products online orders buy.
    hot: Vec<Shelf>,
    /// Products the register sells and restocks.
    register: Vec<Shelf>,
}

/// One sample: the second of the run it ended in, its latency, and whether it failed.
#[derive(Clone, Copy)]
struct Sample {
    second: u64,
    ms: f64,
    failed: bool,
}

#[derive(Default)]
struct Samples(Mutex<Vec<Sample>>);

impl Samples {
    fn add(&self, started: Instant, run: Instant, failed: bool) {
        let sample = Sample {
            second: run.elapsed().as_secs(),
            ms: started.elapsed().as_secs_f64() * 1000.0,
            failed,
        };
        self.0.lock().unwrap().push(sample);
    }

    fn all(&self) -> Vec<Sample> {
        self.0.lock().unwrap().clone()
    }
}

pub async fn run(api: &Api, secret: &str, options: &Options) {
    let stores = open_stores(api, options).await;
    let keys = JwtKeys::hs256(secret.as_bytes(), None);
    let customers: Vec<String> = api.gql(CUSTOMERS, json!({})).await["customers"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| {
            let id = edge["node"]["id"].as_str().unwrap();
            keys.mint(Role::Customer, id, Duration::from_secs(3600))
                .unwrap()
        })
        .collect();
    assert!(!customers.is_empty(), "no customers were imported");
    let menus = menu_urls(api.base(), &stores);
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    if let Some(path) = &options.menu_body {
        let body = client
            .get(&menus[0])
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        std::fs::write(path, body).unwrap();
    }

    let received: Arc<Mutex<Vec<(String, i64, Instant)>>> = Arc::default();
    let mut listeners = Vec::new();
    for n in 0..options.subscribers {
        let location = stores[n % stores.len()].connection.location.clone();
        listeners.push(tokio::spawn(listen(
            api.base().to_owned(),
            location,
            Arc::clone(&received),
        )));
        if n % 100 == 99 {
            tokio::task::yield_now().await;
        }
    }

    let run = Instant::now();
    let deadline = run + Duration::from_secs(options.seconds);
    let menu = Arc::new(Samples::default());
    let orders = Arc::new(Samples::default());
    let outcomes: Arc<Mutex<BTreeMap<String, usize>>> = Arc::default();
    let acknowledged: Arc<Mutex<Vec<String>>> = Arc::default();
    let sent: Arc<Mutex<Vec<(String, i64, Instant)>>> = Arc::default();

    let readers = (0..options.readers).map(|n| {
        read_menus(
            client.clone(),
            menus.clone(),
            n,
            Arc::clone(&menu),
            run,
            deadline,
        )
    });
    let register = move_stock(api, &stores, options, Arc::clone(&sent), deadline);
    let shoppers = place_orders(
        &client,
        api.base(),
        &stores,
        &customers,
        options,
        Shop {
            samples: Arc::clone(&orders),
            outcomes: Arc::clone(&outcomes),
            acknowledged: Arc::clone(&acknowledged),
            run,
            deadline,
        },
    );
    let fault = async {
        let Some(command) = &options.kill else {
            return None;
        };
        tokio::time::sleep(Duration::from_secs(options.seconds / 2)).await;
        let at = run.elapsed().as_secs();
        let status = tokio::process::Command::new("sh")
            .args(["-c", command])
            .status()
            .await
            .unwrap();
        assert!(status.success(), "the fault command failed");
        Some(at)
    };
    let (_, (), (), fault_at) = tokio::join!(
        futures::future::join_all(readers),
        register,
        shoppers,
        fault
    );
    let elapsed = run.elapsed().as_secs_f64();
    // events of the last changes, and the outbox's last deliveries
    tokio::time::sleep(Duration::from_secs(u64::from(options.poll_seconds) * 2 + 5)).await;
    for listener in &listeners {
        listener.abort();
    }

    report_menu("menu", &menu.all(), elapsed);
    if let Some(bare) = &options.bare {
        let bare_samples = Arc::new(Samples::default());
        let urls: Vec<String> = menus
            .iter()
            .map(|url| url.replacen(api.base(), bare, 1))
            .collect();
        // the script starts it once the menu body is written
        while client.get(bare).send().await.is_err() {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let start = Instant::now();
        let end = start + Duration::from_secs(options.bare_seconds);
        futures::future::join_all((0..options.readers).map(|n| {
            read_menus(
                client.clone(),
                urls.clone(),
                n,
                Arc::clone(&bare_samples),
                start,
                end,
            )
        }))
        .await;
        report_menu("bare", &bare_samples.all(), start.elapsed().as_secs_f64());
    }
    let order_samples = orders.all();
    let order_ms: Vec<f64> = order_samples.iter().map(|s| s.ms).collect();
    println!(
        "orders={} place_{} outcomes={:?}",
        order_samples.len(),
        stats::summary(&order_ms),
        outcomes.lock().unwrap()
    );
    let latencies = propagation(&sent.lock().unwrap(), &received.lock().unwrap());
    println!(
        "changes={} delivered={} change_to_subscriber_{}",
        sent.lock().unwrap().len(),
        latencies.len(),
        stats::summary(&latencies)
    );
    let acknowledged = acknowledged.lock().unwrap().clone();
    let (lost, doubled) = lost_and_doubled(api, &stores, &acknowledged).await;
    let oversold = oversold(api, &stores).await;
    println!(
        "acknowledged={} lost={lost} doubled={doubled} oversold_units={oversold}",
        acknowledged.len()
    );
    write_timeline(&options.out, &menu.all(), &order_samples, fault_at);
    println!("fault_at_s={}", fault_at.map_or(-1, |at| at as i64));
}

/// One simulator per registered kind, connected through the API, with its products
/// split between online orders (a few, with `hot_stock` units) and the register.
async fn open_stores(api: &Api, options: &Options) -> Vec<Store> {
    let mut stores = Vec::new();
    for (n, kind) in KINDS.iter().enumerate() {
        let store = seed::seeded(&SeedConfig {
            seed: 420 + n as u64,
            locations: 1,
            products: 120,
            customers: 40,
            transactions: 0,
        });
        let sim = (kind.simulator)(store.clone(), SimulatorOptions::default())
            .await
            .unwrap();
        let connection = api.connect(sim.as_ref(), options.poll_seconds).await;
        if kind.capabilities.webhooks {
            let hook = format!("{}/webhooks/{}", api.base(), connection.id);
            api.control(sim.as_ref(), "webhooks", json!({"url": hook}))
                .await;
        }
        let location = store.read(|s| s.locations[0].external_id.clone());
        let mut shelves = shelves(api, &connection, &store).await;
        let hot: Vec<Shelf> = shelves.drain(..3.min(shelves.len())).collect();
        for shelf in &hot {
            let delta = options.hot_stock - shelf.on_hand;
            let reason = if delta < 0 { "sale" } else { "restock" };
            let body = json!({"productId": shelf.external_id, "locationId": location, "delta": delta, "reason": reason});
            api.control(sim.as_ref(), "stock", body).await;
        }
        stores.push(Store {
            sim,
            connection,
            location,
            hot,
            register: shelves,
        });
    }
    // orders start once Canopy has the counts the POS has
    for store in &stores {
        for shelf in &store.hot {
            let started = Instant::now();
            while stock_of(api, &shelf.product, &store.connection.location)
                .await
                .0
                != options.hot_stock
            {
                assert!(
                    started.elapsed() < Duration::from_secs(120),
                    "the hot stock never arrived"
                );
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        }
    }
    stores
}

/// `(on hand, reserved)` of `product` at `location`, as Canopy has it.
async fn stock_of(api: &Api, product: &str, location: &str) -> (i64, i64) {
    let data = api
        .gql(STOCK, json!({"id": product, "location": location}))
        .await;
    let level = &data["product"]["stock"][0];
    (
        level["onHand"].as_i64().unwrap_or(-1),
        level["reserved"].as_i64().unwrap_or(0),
    )
}

/// The menu pages shoppers read: every location × category × page size × search.
fn menu_urls(base: &str, stores: &[Store]) -> Vec<String> {
    let mut urls = Vec::new();
    for store in stores {
        for category in CATEGORIES {
            for first in PAGE_SIZES {
                for search in SEARCHES {
                    let variables = json!({
                        "l": store.connection.location,
                        "c": category,
                        "s": search,
                        "n": first,
                    });
                    let query = "query($l: ID, $c: ProductCategory, $s: String, $n: Int) { products(locationId: $l, category: $c, search: $s, first: $n) { totalCount edges { node { id name brand category price { amount currency } stock(locationId: $l) { available } } } } }";
                    let url = reqwest::Url::parse_with_params(
                        &format!("{base}/graphql"),
                        &[("query", query), ("variables", &variables.to_string())],
                    )
                    .unwrap();
                    urls.push(url.to_string());
                }
            }
        }
    }
    urls
}

async fn read_menus(
    client: reqwest::Client,
    urls: Vec<String>,
    offset: usize,
    samples: Arc<Samples>,
    run: Instant,
    deadline: Instant,
) {
    let mut n = offset * 37;
    while Instant::now() < deadline {
        let url = &urls[n % urls.len()];
        n += 1;
        let started = Instant::now();
        let ok = match client
            .get(url)
            .header("accept", "application/graphql-response+json")
            .send()
            .await
        {
            Ok(response) => response.status().is_success() && response.bytes().await.is_ok(),
            Err(_) => false,
        };
        samples.add(started, run, !ok);
    }
}

/// Register sales and restocks at `changes_per_second`, round-robin over the stores'
/// register shelves; each sent change is remembered for the propagation figure.
async fn move_stock(
    api: &Api,
    stores: &[Store],
    options: &Options,
    sent: Arc<Mutex<Vec<(String, i64, Instant)>>>,
    deadline: Instant,
) {
    let mut counts: HashMap<(usize, usize), i64> = HashMap::new();
    let mut ticks =
        tokio::time::interval(Duration::from_secs_f64(1.0 / options.changes_per_second));
    let mut n = 0_usize;
    while Instant::now() < deadline {
        ticks.tick().await;
        let store_index = n % stores.len();
        let store = &stores[store_index];
        let shelf_index = (n / stores.len()) % store.register.len().max(1);
        n += 1;
        let Some(shelf) = store.register.get(shelf_index) else {
            continue;
        };
        let count = counts
            .entry((store_index, shelf_index))
            .or_insert(shelf.on_hand);
        // sell one, or restock five when running low
        let delta = if *count > 5 { -1 } else { 5 };
        *count += delta;
        let reason = if delta < 0 { "sale" } else { "restock" };
        let body = json!({"productId": shelf.external_id, "locationId": store.location, "delta": delta, "reason": reason});
        sent.lock()
            .unwrap()
            .push((shelf.product.clone(), *count, Instant::now()));
        api.control(store.sim.as_ref(), "stock", body).await;
    }
}

/// Where order figures go.
struct Shop {
    samples: Arc<Samples>,
    outcomes: Arc<Mutex<BTreeMap<String, usize>>>,
    acknowledged: Arc<Mutex<Vec<String>>>,
    run: Instant,
    deadline: Instant,
}

async fn place_orders(
    client: &reqwest::Client,
    base: &str,
    stores: &[Store],
    customers: &[String],
    options: &Options,
    shop: Shop,
) {
    let mut ticks = tokio::time::interval(Duration::from_secs_f64(1.0 / options.orders_per_second));
    let mut rng = StdRng::seed_from_u64(420);
    let mut tasks = Vec::new();
    let mut n = 0_u64;
    while Instant::now() < shop.deadline {
        ticks.tick().await;
        n += 1;
        let store = &stores[rng.random_range(0..stores.len())];
        let Some(shelf) = store.hot.choose(&mut rng) else {
            continue;
        };
        let token = customers.choose(&mut rng).unwrap().clone();
        let cancel = rng.random_range(0..100) < options.cancel_percent;
        let input = json!({
            "locationId": store.connection.location,
            "fulfillment": "PICKUP",
            "idempotencyKey": format!("peak-{n}-{}", rng.random::<u32>()),
            "lines": [{"productId": shelf.product, "quantity": 1}],
        });
        let order = Order {
            client: client.clone(),
            url: format!("{base}/graphql"),
            token,
        };
        let (samples, outcomes, acknowledged, run) = (
            Arc::clone(&shop.samples),
            Arc::clone(&shop.outcomes),
            Arc::clone(&shop.acknowledged),
            shop.run,
        );
        tasks.push(tokio::spawn(async move {
            let started = Instant::now();
            let answer = order.place(&input).await;
            let outcome = match &answer {
                Ok(id) => {
                    acknowledged.lock().unwrap().push(id.clone());
                    "acknowledged".to_owned()
                }
                Err(code) => code.clone(),
            };
            samples.add(started, run, answer.is_err() && outcome != "OUT_OF_STOCK");
            *outcomes.lock().unwrap().entry(outcome).or_default() += 1;
            if let (Ok(id), true) = (answer, cancel) {
                let cancelled = order.send(CANCEL, json!({"id": id})).await;
                let outcome = if cancelled.is_ok() {
                    "cancelled"
                } else {
                    "cancel_failed"
                };
                *outcomes
                    .lock()
                    .unwrap()
                    .entry(outcome.to_owned())
                    .or_default() += 1;
            }
        }));
    }
    futures::future::join_all(tasks).await;
}

/// One customer's order, retried with its idempotency key when the replica that had it
/// went away (as a storefront behind a balancer does).
struct Order {
    client: reqwest::Client,
    url: String,
    token: String,
}

impl Order {
    /// The order's id, or the error code that refused it.
    async fn place(&self, input: &Value) -> Result<String, String> {
        let body = self.send(PLACE, json!({"input": input})).await?;
        Ok(body["placeOrder"]["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned())
    }

    /// The `data` of the request, retried up to five times on transport errors and 5xx.
    async fn send(&self, query: &str, variables: Value) -> Result<Value, String> {
        let mut last = String::new();
        for attempt in 0..5_u32 {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt))).await;
            }
            let response = self
                .client
                .post(&self.url)
                .bearer_auth(&self.token)
                .json(&json!({"query": query, "variables": variables}))
                .send()
                .await;
            let response = match response {
                Ok(response) if response.status().is_server_error() => {
                    last = format!("HTTP {}", response.status().as_u16());
                    continue;
                }
                Ok(response) => response,
                Err(_) => {
                    last = "transport".to_owned();
                    continue;
                }
            };
            let Ok(body) = response.json::<Value>().await else {
                last = "unreadable".to_owned();
                continue;
            };
            return match body["errors"][0]["extensions"]["code"].as_str() {
                Some("UPSTREAM_UNAVAILABLE") => {
                    last = "UPSTREAM_UNAVAILABLE".to_owned();
                    continue;
                }
                Some(code) => Err(code.to_owned()),
                None => Ok(body["data"].clone()),
            };
        }
        Err(last)
    }
}

/// A subscriber for as long as the run lasts: reconnects (through the balancer, to a
/// live replica) when its socket closes.
async fn listen(base: String, location: String, received: Arc<Mutex<Vec<(String, i64, Instant)>>>) {
    loop {
        let Ok(mut socket) = Subscriber::open(&base).await else {
            tokio::time::sleep(Duration::from_millis(500)).await;
            continue;
        };
        if socket
            .subscribe("stock", STOCK_CHANGED, json!({"location": location}))
            .await
            .is_err()
        {
            continue;
        }
        while let Some(data) = socket.next_data().await {
            let event = &data["stockChanged"];
            if let (Some(product), Some(on_hand)) =
                (event["product"]["id"].as_str(), event["onHand"].as_i64())
            {
                received
                    .lock()
                    .unwrap()
                    .push((product.to_owned(), on_hand, Instant::now()));
            }
        }
    }
}

/// For each change sent, the time to the first event of its product at or below its
/// count (later syncs may carry several changes at once) after it was sent, in ms.
fn propagation(sent: &[(String, i64, Instant)], received: &[(String, i64, Instant)]) -> Vec<f64> {
    let mut by_product: HashMap<&str, Vec<(i64, Instant)>> = HashMap::new();
    for (product, on_hand, at) in received {
        by_product.entry(product).or_default().push((*on_hand, *at));
    }
    sent.iter()
        .filter_map(|(product, on_hand, at)| {
            by_product
                .get(product.as_str())?
                .iter()
                .find(|(seen, seen_at)| seen_at >= at && seen == on_hand)
                .map(|(_, seen_at)| (*seen_at - *at).as_secs_f64() * 1000.0)
        })
        .collect()
}

/// Acknowledged orders Canopy does not have (lost), and orders a POS holds more than
/// once (doubled).
async fn lost_and_doubled(api: &Api, stores: &[Store], acknowledged: &[String]) -> (usize, usize) {
    let mut lost = 0;
    for id in acknowledged {
        let data = api
            .gql(
                "query($id: ID!) { order(id: $id) { id } }",
                json!({"id": id}),
            )
            .await;
        lost += usize::from(data["order"]["id"] != id.as_str());
    }
    let mut doubled = 0;
    for store in stores {
        let references: Vec<String> = store.sim.store().read(|s| {
            s.orders
                .values()
                .map(|order| order.order_reference.clone())
                .collect()
        });
        let mut seen: HashMap<String, usize> = HashMap::new();
        for reference in references {
            *seen.entry(reference).or_default() += 1;
        }
        doubled += seen.values().filter(|count| **count > 1).count();
    }
    (lost, doubled)
}

/// Units Canopy reserved beyond what it had on hand, over the products orders bought.
async fn oversold(api: &Api, stores: &[Store]) -> i64 {
    let mut oversold = 0;
    for store in stores {
        for shelf in &store.hot {
            let (on_hand, reserved) =
                stock_of(api, &shelf.product, &store.connection.location).await;
            oversold += (reserved - on_hand).max(0);
        }
    }
    oversold
}

fn report_menu(name: &str, samples: &[Sample], seconds: f64) {
    let ms: Vec<f64> = samples.iter().map(|s| s.ms).collect();
    let failed = samples.iter().filter(|s| s.failed).count();
    println!(
        "{name}_requests={} {name}_rps={:.0} {name}_failed={failed} {name}_{}",
        samples.len(),
        samples.len() as f64 / seconds,
        stats::summary(&ms).replace(' ', &format!(" {name}_"))
    );
}

/// `timeline.csv`: second, menu req/s, menu p99 ms, orders/s, order p99 ms, failures,
/// and 1 in the fault's second.
fn write_timeline(out: &str, menu: &[Sample], orders: &[Sample], fault_at: Option<u64>) {
    let last = menu
        .iter()
        .chain(orders)
        .map(|s| s.second)
        .max()
        .unwrap_or(0);
    let mut csv =
        String::from("second,menu_rps,menu_p99_ms,orders_per_s,order_p99_ms,failed,fault\n");
    for second in 0..=last {
        let of = |samples: &[Sample]| -> Vec<f64> {
            samples
                .iter()
                .filter(|s| s.second == second)
                .map(|s| s.ms)
                .collect()
        };
        let (menu_ms, order_ms) = (of(menu), of(orders));
        let failed = menu
            .iter()
            .chain(orders)
            .filter(|s| s.second == second && s.failed)
            .count();
        csv.push_str(&format!(
            "{second},{},{:.1},{},{:.1},{failed},{}\n",
            menu_ms.len(),
            stats::percentile(&menu_ms, 0.99),
            order_ms.len(),
            stats::percentile(&order_ms, 0.99),
            u8::from(fault_at == Some(second))
        ));
    }
    let path = format!("{out}/timeline.csv");
    std::fs::write(&path, csv).unwrap();
    println!("timeline={path}");
}
