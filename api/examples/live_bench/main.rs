//! Load generator for `bench/propagation.sh` and `bench/fanout.sh`: drives a running
//! `canopy serve` through its public API (GraphQL over HTTP, `/graphql/ws`, webhooks)
//! and POS simulators it starts in this process, making every stock change through a
//! simulator's HTTP control API, and prints `key=value` figures for the scripts.
//!
//! - `live_bench propagation <url> <secret> <server pid>`: latency from a simulator
//!   stock change to the `stockChanged` event, for the webhook path (Jane) and the poll
//!   path (Dispense).
//! - `live_bench fanout <url> <secret> <server pid>`: websocket subscribers in steps,
//!   the server's memory per subscriber and the delivery of one change to all.
//! - `live_bench peak-day <url> <secret> <pid>`: the 4/20 mix on the production
//!   topology (`bench/peak_day.sh`), with a replica killed halfway.
//!
//! Tokens are minted with the server's HS256 secret.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod canopy;
mod fanout;
mod peak_day;
mod propagation;
mod shelves;
mod socket;
mod stats;

use clap::{Parser, Subcommand};

#[derive(Parser)]
struct Args {
    #[command(subcommand)]
    bench: Bench,
    /// The server's base URL, e.g. `http://127.0.0.1:8080`.
    url: String,
    /// The server's HS256 secret (`CANOPY_JWT_SECRET`).
    secret: String,
    /// The server's process id (for its resident memory).
    pid: u32,
}

#[derive(Subcommand)]
enum Bench {
    /// Change-to-subscriber latency, webhook path and poll path.
    Propagation(propagation::Options),
    /// Subscribers per replica: memory and delivery to all.
    Fanout(fanout::Options),
    /// Menus, register traffic, orders and subscribers at once, with a fault.
    PeakDay(peak_day::Options),
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let api = canopy::Api::new(&args.url, &args.secret, args.pid);
    match args.bench {
        Bench::Propagation(options) => propagation::run(&api, &options).await,
        Bench::Fanout(options) => fanout::run(&api, &options).await,
        Bench::PeakDay(options) => peak_day::run(&api, &args.secret, &options).await,
    }
}
