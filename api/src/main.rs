//! The `canopy` binary: parse the command line, start telemetry, run the command.

use std::process::ExitCode;

use api::{cli, telemetry};
use clap::Parser;

/// jemalloc's background threads hand freed memory back to the operating system within
/// about ten seconds; glibc's allocator kept the memory of closed websocket sessions
/// resident (20,000 subscriptions: 180 MB, growing with each flood).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    if let Err(error) = telemetry::init_tracing(&cli.config.log_filter, cli.config.log_format) {
        eprintln!("canopy: {error}");
        return ExitCode::FAILURE;
    }
    match cli::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "canopy failed");
            ExitCode::FAILURE
        }
    }
}
