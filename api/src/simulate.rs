//! `canopy simulate`: one POS simulator, standing alone, for manual runs.
//!
//! Seeds a store deterministically, serves one vendor's API over it on loopback,
//! optionally moves stock like a busy register, and prints what a provider
//! connection needs to reach it. It owns nothing else: the simulators
//! themselves live in `providers`.

use std::{
    net::{Ipv4Addr, SocketAddr},
    time::Duration,
};

use clap::{Args, ValueEnum};
use providers::{
    ConnectionConfig,
    dispense::{self, DispenseSimOptions},
    dutchie::{self, DutchieSimOptions},
    jane::{self, simulator::JaneSimOptions},
    simulator::{
        Simulator,
        seed::{self, SeedConfig},
        traffic::{Traffic, TrafficConfig},
    },
};
use secrecy::ExposeSecret;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::server::shutdown;

/// Which vendor to simulate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Vendor {
    /// Dutchie POS.
    Dutchie,
    /// Jane.
    Jane,
    /// Dispense.
    Dispense,
}

/// Options of `canopy simulate`.
#[derive(Args, Debug)]
pub struct SimulateArgs {
    /// The vendor whose API to serve.
    #[arg(value_enum)]
    pub vendor: Vendor,
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
    let simulator: Box<dyn Simulator> = match args.vendor {
        Vendor::Dutchie => Box::new(
            dutchie::start(
                store.clone(),
                DutchieSimOptions {
                    addr,
                    ..Default::default()
                },
            )
            .await?,
        ),
        Vendor::Jane => Box::new(
            jane::simulator::start(
                store.clone(),
                JaneSimOptions {
                    addr,
                    ..Default::default()
                },
            )
            .await?,
        ),
        Vendor::Dispense => Box::new(
            dispense::start(
                store.clone(),
                DispenseSimOptions {
                    addr,
                    ..Default::default()
                },
            )
            .await?,
        ),
    };
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
