//! The `canopy` command line: `serve`, `migrate`, `export-schema`, `token`, `simulate`,
//! `check`, `rotate-key` and `operations` ([`operations`]).

mod operations;

use std::{io, net::SocketAddr, time::Duration};

use clap::{Args, Parser, Subcommand};
use tokio_util::{sync::CancellationToken, task::TaskTracker};
use uuid::Uuid;

pub use self::operations::{OperationsArgs, OperationsCommand, OperationsError};
use crate::{
    admin::rotate::{self, RotateError},
    auth::{AuthError, JwtKeys, Role},
    config::{Config, ConfigError, MasterKey, ProcessRole, Secret},
    db,
    demo::{Demo, DemoArgs, DemoError, banner::banner, session::DemoSession},
    graphql::sdl,
    integrity,
    notify::{Notifier, NotifyError},
    outbox::delivery::Delivery,
    server::{Server, metrics, shutdown},
    simulate::{self, SimulateArgs},
    state::{AppState, StartupError},
    sync::{SyncWorkers, Synchronizer, workers::WorkerConfig},
    webhooks::{WebhookConfig, WebhookWorker},
};

/// Canopy: one GraphQL API over the retailer's point of sale.
#[derive(Parser, Debug)]
#[command(name = "canopy", version, about)]
pub struct Cli {
    /// Settings shared by every command.
    #[command(flatten)]
    pub config: Config,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the API server (and, unless disabled, the background workers).
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print the federation v2 SDL of the GraphQL schema.
    ExportSchema,
    /// Print a signed API token.
    Token(TokenArgs),
    /// Serve one POS simulator (Dutchie, Jane or Dispense) for manual runs.
    Simulate(SimulateArgs),
    /// Check the invariants across orders, stock, the outbox and purchases; print each
    /// violation and exit non-zero when there is one.
    Check,
    /// Re-encrypt every stored POS secret under a new master key (`CANOPY_MASTER_KEY`
    /// is the current one); restart servers with the new key afterwards.
    RotateKey(RotateKeyArgs),
    /// Register, list or remove the documents of the safelist
    /// (`CANOPY_PERSISTED_QUERIES=safelist`).
    Operations(OperationsArgs),
}

/// Options of `canopy rotate-key`.
#[derive(Args, Debug)]
pub struct RotateKeyArgs {
    /// The new master key: 32 bytes, base64.
    #[arg(long, env = "CANOPY_NEW_MASTER_KEY", hide_env_values = true)]
    pub new_key: Secret,
}

/// Options of `canopy serve`.
#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "CANOPY_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Demo mode: throwaway secrets (with a warning) and a seeded store.
    #[arg(long, env = "CANOPY_DEMO")]
    pub demo: bool,
    /// The demo store (with `--demo`).
    #[command(flatten)]
    pub demo_options: DemoArgs,
    /// What this process runs: `all` (the API and the background work), `api` (GraphQL,
    /// websockets, webhook intake, `/admin`, the widget; no background work) or `worker`
    /// (the background work, serving only `/healthz`, `/readyz` and `/metrics`).
    #[arg(long, env = "CANOPY_ROLE", value_enum, default_value_t = ProcessRole::All)]
    pub role: ProcessRole,
    /// The same as `--role api`.
    #[arg(long, env = "CANOPY_NO_WORKERS", conflicts_with = "role")]
    pub no_workers: bool,
    /// How the sync pollers pace themselves.
    #[command(flatten)]
    pub workers: WorkerConfig,
    /// How stored POS webhooks are applied.
    #[command(flatten)]
    pub webhooks: WebhookConfig,
}

impl ServeArgs {
    /// The role asked for, `--no-workers` included.
    pub const fn role(&self) -> ProcessRole {
        if self.no_workers {
            ProcessRole::Api
        } else {
            self.role
        }
    }
}

/// Options of `canopy token`.
#[derive(Args, Debug)]
pub struct TokenArgs {
    /// The role the token grants.
    #[arg(long, value_enum)]
    pub role: Role,
    /// The customer id (required for, and only for, `--role customer`).
    #[arg(long, required_if_eq("role", "customer"))]
    pub customer: Option<Uuid>,
    /// How long the token is valid, for example `1h` or `30d`.
    #[arg(long, default_value = "1h", value_parser = humantime::parse_duration)]
    pub ttl: Duration,
}

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The configuration is incomplete or invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The server could not start.
    #[error(transparent)]
    Startup(#[from] StartupError),
    /// A database operation failed.
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
    /// Binding or serving failed.
    #[error("server: {0}")]
    Io(#[from] io::Error),
    /// A token could not be made.
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// The demo store could not start.
    #[error(transparent)]
    Demo(#[from] DemoError),
    /// The master key rotation changed nothing.
    #[error(transparent)]
    Rotate(#[from] RotateError),
    /// Alert notifications are misconfigured.
    #[error(transparent)]
    Notify(#[from] NotifyError),
    /// `canopy check` found broken invariants (each printed).
    #[error("{0} invariant violation(s)")]
    Violations(usize),
    /// A `canopy operations` command failed.
    #[error(transparent)]
    Operations(#[from] OperationsError),
    /// `--customer` was given for another role.
    #[error("--customer only applies to --role customer")]
    CustomerWithoutCustomerRole,
}

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Serve(args) => serve(cli.config, args).await,
        Command::Migrate => migrate(&cli.config).await,
        Command::ExportSchema => {
            println!("{}", sdl(&cli.config.limits));
            Ok(())
        }
        Command::Token(args) => {
            println!("{}", token(&cli.config, &args)?);
            Ok(())
        }
        Command::Simulate(args) => Ok(simulate::run(&args).await?),
        Command::Check => check(&cli.config).await,
        Command::RotateKey(args) => rotate_key(&cli.config, &args).await,
        Command::Operations(args) => Ok(operations::run(&cli.config, args).await?),
    }
}

/// Prints one line per violation (rule, ids, message) and a summary.
async fn check(config: &Config) -> Result<(), CliError> {
    let db = db::connect(config).await?;
    let report = integrity::check(&db, config.outbox.stuck_after).await?;
    for violation in &report.violations {
        let ids: Vec<String> = violation.ids.iter().map(Uuid::to_string).collect();
        println!(
            "{}\t{}\t{}",
            violation.rule.code(),
            ids.join(","),
            violation.message
        );
    }
    if report.is_clean() {
        println!("ok: every invariant holds");
        Ok(())
    } else {
        Err(CliError::Violations(report.violations.len()))
    }
}

/// Builds the state, serves until SIGTERM/Ctrl-C, then waits for background tasks.
async fn serve(mut config: Config, args: ServeArgs) -> Result<(), CliError> {
    let role = args.role();
    let demo_config = args.demo.then(|| args.demo_options.config());
    if let Some(demo) = &demo_config
        && config.order_status.poll_interval > demo.poll_interval
    {
        // the demo staff move orders every few seconds: poll as often as the demo syncs
        tracing::info!(interval = ?demo.poll_interval, "demo: order statuses polled at the demo's pace");
        config.order_status.poll_interval = demo.poll_interval;
    }
    let secrets = config.secrets(args.demo)?;
    let state = AppState::build(config, secrets).await?;
    let shutdown = CancellationToken::new();
    shutdown::cancel_on_signal(shutdown.clone());
    let grace_over = shutdown::after_grace(&shutdown, state.config.shutdown_grace);
    // Background work (workers, demo seeding) is spawned on this tracker with the
    // shutdown token, so the process exits only once it has stopped.
    let background = TaskTracker::new();
    let sync = Synchronizer::for_state(&state);
    // subscribed before anything can raise an alert (workers, demo seeding)
    if role.runs_workers()
        && let Some(notifier) = Notifier::from_config(&state.config.notify)?
    {
        notifier.start(&state.events, &background, shutdown.clone());
    }
    // kept alive until the server stops: dropping it stops the demo simulators
    let demo = match &demo_config {
        Some(demo_config) => Some(Demo::start(&sync, demo_config).await?),
        None => None,
    };
    crate::alerts::outage::watch_redis(&state, &background, shutdown.clone());
    crate::alerts::edge_purge::watch_edge_purges(&state, &background, shutdown.clone());
    // a jurisdiction with stores but no enabled purchase limit is said, not silent
    crate::compliance::rules::alert_uncovered(&state.db, None).await?;
    if !role.runs_workers() {
        tracing::info!(?role, "background workers disabled");
    } else {
        SyncWorkers::start(
            sync.clone(),
            &state.sync,
            args.workers,
            &background,
            shutdown.clone(),
        );
        WebhookWorker::new(sync, &state.sync, args.webhooks).start(&background, shutdown.clone());
        Delivery::for_state(&state).start(&state, &background, &shutdown);
        crate::orders::expiry::start(state.clone(), &background, shutdown.clone());
        integrity::repair::start(
            state.clone(),
            state.config.checkout.reconcile_interval,
            state.config.outbox.stuck_after,
            &background,
            shutdown.clone(),
        );
    }
    if let Some(addr) = metrics::serve_separately(&state.config, shutdown.clone()).await? {
        tracing::info!(%addr, "metrics listening");
    }
    // the demo's tokens and links, served and printed by the process that serves the API
    let session = match demo.as_ref().filter(|_| role.serves_api()) {
        Some(demo) => Some(
            DemoSession::issue(&state, demo)
                .await
                .map_err(DemoError::from)?,
        ),
        None => None,
    };
    // the server owns the state from here; the purge sender is flushed after it stops
    let edge_purges = state.edge_purges.clone();
    let server = if role.serves_api() {
        let server = Server::bind(args.addr, state, shutdown.clone()).await?;
        match &session {
            Some(session) => server.with_routes(session.clone().routes()),
            None => server,
        }
    } else {
        Server::bind_worker(args.addr, state).await?
    };
    tracing::info!(addr = %server.local_addr()?, ?role, "canopy listening");
    // the demo's POS webhooks go to this process when it takes them
    if let (Some(demo), Some(session)) = (&demo, &session) {
        demo.route_webhooks(server.local_addr()?).await?;
        println!("{}", banner(session, server.local_addr()?));
    }
    server.run(shutdown).await?;
    background.close();
    // whatever still runs at the grace's end (a POS call, a sync batch) is dropped with
    // the runtime: leases expire and outbox rows come due again for the next process
    tokio::select! {
        () = background.wait() => {}
        () = grace_over.cancelled() => {
            tracing::warn!(tasks = background.len(), "background work still running after the grace period; abandoning it");
        }
    }
    // what the last requests and syncs changed is purged at the edge before the process ends
    if let Some(purges) = edge_purges {
        tokio::select! {
            () = purges.flush() => {}
            () = grace_over.cancelled() => {
                tracing::warn!("edge purges still unsent after the grace period; the entries they name expire on their own");
            }
        }
    }
    tracing::info!("canopy stopped");
    Ok(())
}

/// Re-seals every stored secret under `--new-key` in one transaction.
async fn rotate_key(config: &Config, args: &RotateKeyArgs) -> Result<(), CliError> {
    let current = config
        .master_key
        .as_ref()
        .ok_or(ConfigError::MissingSecret("CANOPY_MASTER_KEY"))?;
    let old = MasterKey::from_base64(current.expose())?;
    let new = MasterKey::from_base64(args.new_key.expose())?;
    let db = db::connect(config).await?;
    db::migrate(&db).await?;
    let report = rotate::rotate_key(&db, &old, &new).await?;
    println!(
        "re-sealed the secrets of {} connection(s) under master key {}; restart every server with the new CANOPY_MASTER_KEY",
        report.connections, report.key_id
    );
    Ok(())
}

async fn migrate(config: &Config) -> Result<(), CliError> {
    let db = db::connect(config).await?;
    db::migrate(&db).await?;
    tracing::info!("migrations applied");
    Ok(())
}

/// A token signed with `CANOPY_JWT_SECRET`; its subject is the customer id for customer
/// tokens and `cli:<role>` otherwise.
fn token(config: &Config, args: &TokenArgs) -> Result<String, CliError> {
    let subject = match (args.role, args.customer) {
        (Role::Customer, Some(id)) => id.to_string(),
        (_, Some(_)) => return Err(CliError::CustomerWithoutCustomerRole),
        (role, None) => format!("cli:{}", role_name(role)),
    };
    let secret = config.jwt_secret()?;
    let keys = JwtKeys::hs256(secret.expose().as_bytes(), config.jwt_audience.clone())
        .with_issuer(config.jwt_issuer.clone());
    Ok(keys.mint(args.role, &subject, args.ttl)?)
}

const fn role_name(role: Role) -> &'static str {
    match role {
        Role::Admin => "admin",
        Role::Storefront => "storefront",
        Role::Customer => "customer",
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use clap::{CommandFactory, FromArgMatches};

    use super::*;

    /// `canopy serve ARGS…`, whatever the environment holds.
    fn parse_serve(args: &[&str]) -> Result<(Config, ServeArgs), clap::Error> {
        let matches = Cli::command()
            .mut_subcommand("serve", |serve| serve.mut_args(|arg| arg.env(None)))
            .mut_args(|arg| arg.env(None))
            .try_get_matches_from(["canopy", "serve"].iter().chain(args))?;
        let cli = Cli::from_arg_matches(&matches)?;
        match cli.command {
            Command::Serve(serve) => Ok((cli.config, serve)),
            other => panic!("parsed {other:?}"),
        }
    }

    /// `canopy serve` without flags.
    fn serve_without_flags() -> (Config, ServeArgs) {
        parse_serve(&[]).unwrap()
    }

    /// The role `canopy serve ARGS…` runs, or the parse error.
    fn role_of(args: &[&str]) -> Result<ProcessRole, clap::Error> {
        parse_serve(args).map(|(_, serve)| serve.role())
    }

    #[test]
    fn roles_default_to_all_and_no_workers_means_api() {
        assert_eq!(role_of(&[]).unwrap(), ProcessRole::All);
        assert_eq!(role_of(&["--role", "worker"]).unwrap(), ProcessRole::Worker);
        assert_eq!(role_of(&["--role", "api"]).unwrap(), ProcessRole::Api);
        assert_eq!(role_of(&["--no-workers"]).unwrap(), ProcessRole::Api);
        assert!(role_of(&["--no-workers", "--role", "worker"]).is_err());
        assert!(role_of(&["--role", "everything"]).is_err());
        assert!(ProcessRole::Worker.runs_workers() && !ProcessRole::Worker.serves_api());
        assert!(ProcessRole::Api.serves_api() && !ProcessRole::Api.runs_workers());
    }

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_settings_default_is_the_command_line_default() {
        let (_, serve) = serve_without_flags();
        assert_eq!(serve.webhooks, WebhookConfig::default());
        assert_eq!(serve.demo_options, DemoArgs::default());
        let workers = WorkerConfig::default();
        assert_eq!(serve.workers.rescan_interval, workers.rescan_interval);
        assert_eq!(serve.workers.lease_period, workers.lease_period);
        assert_eq!(serve.workers.retry_interval, workers.retry_interval);
        assert_ne!(
            serve.workers.holder, workers.holder,
            "each replica names itself"
        );
    }

    #[test]
    fn the_demo_has_staff_unless_told_otherwise() {
        let staff = DemoArgs::default().config().staff.unwrap();
        assert_eq!(staff.cancel_percent, 10);
        assert_eq!(
            staff.delays,
            crate::demo::StaffDelays::uniform(Duration::from_secs(10))
        );
        let off = DemoArgs {
            no_staff: true,
            ..DemoArgs::default()
        };
        assert!(off.config().staff.is_none());
    }

    #[test]
    fn defaults_are_the_documented_values() {
        let webhooks = WebhookConfig::default();
        assert_eq!(webhooks.stale_after, Duration::from_secs(120));
        assert_eq!(webhooks.max_attempts, 5);
        let workers = WorkerConfig::default();
        assert_eq!(workers.lease_period, Duration::from_secs(30));
        assert_eq!(workers.retry_interval, Duration::from_secs(30));
        let (config, _) = serve_without_flags();
        assert_eq!(config.db_min_connections, 1);
        assert_eq!(config.db_idle_timeout, Duration::from_secs(300));
        assert_eq!(config.db_statement_timeout, Duration::from_secs(30));
        assert_eq!(config.redis_heartbeat, Duration::from_secs(15));
        assert_eq!(config.redis_max_reconnect_delay, Duration::from_secs(5));
    }
}
