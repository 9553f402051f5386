//! Measures a full catalog pull from each registered vendor's simulator through its
//! adapter: wall time and HTTP requests, side by side in one run.
//!
//! `cargo run --release -p providers --example catalog_pull -- 10000`
//! (or `bench/catalog_pull.sh`). Both sides keep their real rate limits.

use std::time::Instant;

use providers::{
    ConnectionConfig, connect,
    registry::{KINDS, SimulatorOptions},
    simulator::{
        Simulator,
        seed::{self, SeedConfig},
    },
};
use uuid::Uuid;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let products: usize = match std::env::args().nth(1) {
        Some(arg) => arg.parse()?,
        None => 10_000,
    };
    let store = || {
        seed::seeded(&SeedConfig {
            locations: 1,
            products,
            customers: 10,
            transactions: 0,
            ..SeedConfig::default()
        })
    };
    println!("full catalog pull of {products} products, simulator -> adapter");
    println!(
        "{:<10} {:>10} {:>10} {:>10}",
        "vendor", "items", "requests", "seconds"
    );
    for kind in KINDS {
        let sim = (kind.simulator)(store(), SimulatorOptions::default()).await?;
        pull(sim.as_ref()).await?;
    }
    Ok(())
}

/// Pulls the whole catalog once and prints the figures.
async fn pull(sim: &dyn Simulator) -> Result<(), Box<dyn std::error::Error>> {
    let config: ConnectionConfig = sim.connection_config(Uuid::now_v7());
    let provider = connect(config)?;
    sim.faults().reset_counts();
    let started = Instant::now();
    let batch = provider.catalog(None).await?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{:<10} {:>10} {:>10} {:>10.3}",
        sim.kind().as_str(),
        batch.items.len(),
        sim.faults().total_requests(),
        seconds
    );
    Ok(())
}
