//! `canopy simulate`: one POS simulator, standing alone, for manual runs.
//!
//! Seeds a store deterministically, serves one vendor's API over it on loopback,
//! optionally moves stock like a busy register and has staff work the online
//! orders, and prints what a provider connection needs to reach it. It owns nothing else: the simulators
//! themselves live in `providers`.

use std::{
    net::{Ipv4Addr, SocketAddr},
    sync::Arc,
    time::Duration,
};

use clap::Args;
use providers::{
    ConnectionConfig,
    model::PosKind,
    registry::{self, KINDS, SimulatorOptions},
    simulator::{
        Simulator,
        seed::{self, SeedConfig},
        staff::{Desk, Staff, StaffConfig},
        traffic::{Traffic, TrafficConfig},
    },
};
use secrecy::ExposeSecret;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::server::shutdown;

/// Options of `canopy simulate`.
#[derive(Args, Debug)]
pub struct SimulateArgs {
    /// The vendor whose API to serve: a registered POS kind's name (`dutchie`, …).
    #[arg(value_parser = parse_kind)]
    pub vendor: PosKind,
    /// Loopback port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Seed of the generated store: the same seed gives the same data.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Number of stores.
    #[arg(long, default_value_t = 3)]
    pub locations: usize,
    /// Catalog size.
    #[arg(long, default_value_t = 120)]
    pub products: usize,
    /// Number of customers.
    #[arg(long, default_value_t = 40)]
    pub customers: usize,
    /// Seconds between simulated register events (sales, returns, restocks); 0 for none.
    #[arg(long, default_value_t = 0)]
    pub traffic_every: u64,
    /// Time staff leave an online order in each status before moving it on (accept,
    /// ready, complete), e.g. `10s`; none: orders stay as submitted.
    #[arg(long, value_parser = humantime::parse_duration)]
    pub staff_delay: Option<Duration>,
}

/// Serves the simulator until SIGTERM/Ctrl-C.
pub async fn run(args: &SimulateArgs) -> std::io::Result<()> {
    let store = seed::seeded(&SeedConfig {
        seed: args.seed,
        locations: args.locations,
        products: args.products,
        customers: args.customers,
        ..SeedConfig::default()
    });
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, args.port));
    let options = SimulatorOptions::at(addr);
    let simulator: Arc<dyn Simulator> =
        Arc::from((registry::kind(args.vendor).simulator)(store.clone(), options).await?);
    let _staff = args.staff_delay.map(|delay| {
        let desks = store.read(|s| {
            s.locations
                .iter()
                .map(|l| Desk {
                    location: l.external_id.clone(),
                    simulator: Arc::clone(&simulator),
                    delay,
                })
                .collect()
        });
        Staff::start(
            desks,
            StaffConfig {
                seed: args.seed,
                cancel_percent: 10,
            },
        )
    });
    let _traffic = (args.traffic_every > 0).then(|| {
        Traffic::start(
            store,
            TrafficConfig {
                interval: Duration::from_secs(args.traffic_every),
                seed: args.seed,
            },
        )
    });
    print_connection(&simulator.connection_config(Uuid::nil()));
    let stop = CancellationToken::new();
    shutdown::cancel_on_signal(stop.clone());
    stop.cancelled().await;
    Ok(())
}

/// A registered kind by its lower-case name; the error lists the names.
fn parse_kind(name: &str) -> Result<PosKind, String> {
    PosKind::parse(name).ok_or_else(|| {
        let names: Vec<&str> = KINDS.iter().map(|k| k.kind.as_str()).collect();
        format!("unknown POS kind; one of: {}", names.join(", "))
    })
}

/// Prints, on standard output, the connection settings that reach the simulator.
/// These are the simulator's own made-up credentials, never a real POS's.
fn print_connection(config: &ConnectionConfig) {
    println!("kind:       {}", config.kind);
    println!("base URL:   {}", config.base_url);
    println!("API key:    {}", config.api_key.expose_secret());
    if let Some(secret) = &config.api_secret {
        println!("API secret: {}", secret.expose_secret());
    }
    println!("settings:   {}", config.settings);
    println!(
        "control:    {}_sim/  (stock, orders, faults, webhooks)",
        config.base_url
    );
}
