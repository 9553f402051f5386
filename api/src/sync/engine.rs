//! One sync run of one connection: pull each stream from the adapter, apply it with its
//! cursor in one transaction, then announce what changed.

use std::{sync::Arc, time::Instant};

use chrono::{TimeDelta, Utc};
use entities::{enums::ChangeSource, provider_connection};
use providers::{
    PosProvider, ProviderErrorKind, ProviderResult,
    model::{
        Batch, ExternalCustomer, ExternalLocation, ExternalProduct, ExternalTransaction,
        StockSnapshot,
    },
    provider::TIME_ZONE_SETTING,
};
use sea_orm::{DatabaseConnection, SqliteTransactionMode, TransactionOptions, TransactionTrait};
use uuid::Uuid;

use super::{
    SyncError,
    apply::{self, ApplyContext},
    cursor::{self, Stream},
    discrepancy::DiscrepancyRules,
    rejections::{self, EndpointTally},
    runs,
};
use crate::{
    AppState,
    cache::SharedCache,
    connections::{self, Adapters},
    effects::{self, Announcer, Effects},
    events::SharedEventBus,
    secrets::Keyring,
};

/// The time zone of last resort.
const FALLBACK_TIME_ZONE: &str = "UTC";

/// How much of the POS a run reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunMode {
    /// Changes since each stream's cursor.
    Incremental,
    /// Everything (reconciliation): stores, the whole catalog, a stock snapshot.
    Full,
}

impl RunMode {
    fn streams(self) -> &'static [Stream] {
        match self {
            RunMode::Full => &Stream::ALL,
            RunMode::Incremental => &Stream::ALL[1..],
        }
    }

    fn source(self) -> ChangeSource {
        match self {
            RunMode::Incremental => ChangeSource::Poll,
            RunMode::Full => ChangeSource::Reconcile,
        }
    }
}

/// What a run did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunReport {
    /// Stock rows changed (each published as a stock event).
    pub stock_changes: usize,
    /// Streams the POS does not offer, skipped.
    pub unsupported: Vec<Stream>,
}

/// A stream's data as pulled from the adapter.
enum Pulled {
    Locations(Vec<ExternalLocation>),
    Catalog(Batch<ExternalProduct>),
    Stock(StockSnapshot),
    Customers(Batch<ExternalCustomer>),
    Transactions(Batch<ExternalTransaction>),
    Unsupported,
}

impl Pulled {
    /// Records read (returned or kept apart by the adapter); `None` when the vendor
    /// does not offer the stream.
    fn read(&self) -> Option<u64> {
        let n = match self {
            Pulled::Locations(locations) => locations.len(),
            Pulled::Catalog(batch) => batch.items.len() + batch.rejected.len(),
            Pulled::Stock(snapshot) => snapshot.records.len() + snapshot.rejected.len(),
            Pulled::Customers(batch) => batch.items.len() + batch.rejected.len(),
            Pulled::Transactions(batch) => batch.items.len() + batch.rejected.len(),
            Pulled::Unsupported => return None,
        };
        Some(n as u64)
    }
}

/// Runs syncs; shared by the pollers, the demo and `triggerSync`.
#[derive(Clone)]
pub struct Synchronizer {
    db: DatabaseConnection,
    /// The connections' adapters, kept across runs.
    adapters: Adapters,
    announcer: Announcer,
}

impl Synchronizer {
    /// A synchronizer writing to `db` and announcing through `cache` and `events`.
    pub fn new(
        db: DatabaseConnection,
        cache: SharedCache,
        events: SharedEventBus,
        keyring: Arc<Keyring>,
    ) -> Self {
        Self {
            announcer: Announcer::new(db.clone(), cache, events),
            db,
            adapters: Adapters::new(keyring),
        }
    }

    /// The synchronizer of the application state (its keyring holds the master key).
    pub fn for_state(state: &AppState) -> Self {
        Self::new(
            state.db.clone(),
            state.cache.clone(),
            state.events.clone(),
            Arc::new(Keyring::new(&state.master_key)),
        )
    }

    /// The database it writes to.
    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// What announces committed changes (cache, events, alerts).
    pub fn announcer(&self) -> &Announcer {
        &self.announcer
    }

    /// The connections' adapters.
    pub fn adapters(&self) -> &Adapters {
        &self.adapters
    }

    /// The keyring that opens connection secrets.
    pub fn keyring(&self) -> &Keyring {
        self.adapters.keyring()
    }

    /// Loads connection `id`, builds its adapter and runs a sync.
    pub async fn sync_connection(&self, id: Uuid, mode: RunMode) -> Result<RunReport, SyncError> {
        let row = connections::find(&self.db, id).await?;
        let provider = self.adapters.get(&row)?;
        self.run(&row, provider.as_ref(), mode).await
    }

    /// Whether `connection` is due a full reconciliation: one never completed, or the
    /// last is older than the connection's full-sync interval.
    pub async fn needs_full(
        &self,
        connection: &provider_connection::Model,
    ) -> Result<bool, SyncError> {
        let cursors = cursor::all(&self.db, connection.id).await?;
        let oldest_full = Stream::ALL
            .iter()
            .map(|stream| {
                cursors
                    .iter()
                    .find(|c| c.stream == stream.as_str())
                    .and_then(|c| c.last_full_sync_at)
            })
            .collect::<Option<Vec<_>>>()
            .and_then(|times| times.into_iter().min());
        let interval = TimeDelta::seconds(i64::from(connection.full_sync_interval_secs.max(1)));
        Ok(oldest_full.is_none_or(|at| at + interval <= Utc::now()))
    }

    /// Runs every stream of `mode` in order, stopping at the first failure (recorded
    /// on that stream's cursor, which does not move). The run is accounted in
    /// `sync_runs` ([`runs`]): what each endpoint read, applied and rejected, and the
    /// error that stopped it.
    pub async fn run(
        &self,
        connection: &provider_connection::Model,
        provider: &dyn PosProvider,
        mode: RunMode,
    ) -> Result<RunReport, SyncError> {
        let started = Instant::now();
        let run_id = runs::begin(&self.db, connection.id, mode_name(mode), Utc::now()).await?;
        let mut report = RunReport::default();
        let mut tallies = Vec::with_capacity(mode.streams().len());
        let kind = connection.kind.as_str();
        let mut failure = None;
        for &stream in mode.streams() {
            if failure.is_some() {
                tallies.push(EndpointTally::skipped(stream.as_str()));
                continue;
            }
            let stream_started = Instant::now();
            let outcome = self
                .run_stream(connection, provider, mode, stream, &mut report)
                .await;
            metrics::histogram!(
                "canopy_sync_poll_seconds",
                "kind" => kind,
                "stream" => stream.as_str(),
                "mode" => mode_name(mode),
            )
            .record(stream_started.elapsed().as_secs_f64());
            match outcome {
                Ok(Some(tally)) => tallies.push(tally),
                Ok(None) => {}
                Err(error) => {
                    let message = error.to_string();
                    if let Err(db_error) =
                        cursor::fail(&self.db, connection.id, stream, &message, Utc::now()).await
                    {
                        tracing::error!(error = %db_error, "could not record a sync failure");
                    }
                    metrics::counter!("canopy_sync_failures_total", "stream" => stream.as_str())
                        .increment(1);
                    tallies.push(EndpointTally::skipped(stream.as_str()));
                    failure = Some((format!("{}: {message}", stream.as_str()), error));
                }
            }
        }
        let error = failure.as_ref().map(|(message, _)| message.as_str());
        if let Err(db_error) = runs::finish(&self.db, run_id, &tallies, error, Utc::now()).await {
            tracing::error!(error = %db_error, connection = %connection.id, "could not record the sync run");
        }
        if let Some((_, error)) = failure {
            return Err(error);
        }
        metrics::histogram!("canopy_sync_run_seconds", "mode" => mode_name(mode))
            .record(started.elapsed().as_secs_f64());
        Ok(report)
    }

    async fn run_stream(
        &self,
        connection: &provider_connection::Model,
        provider: &dyn PosProvider,
        mode: RunMode,
        stream: Stream,
        report: &mut RunReport,
    ) -> Result<Option<EndpointTally>, SyncError> {
        let since = match mode {
            RunMode::Full => None,
            RunMode::Incremental => cursor::load(&self.db, connection.id, stream)
                .await?
                .and_then(|c| c.cursor_at),
        };
        let pulled = pull(provider, stream, since).await?;
        if matches!(pulled, Pulled::Unsupported) {
            report.unsupported.push(stream);
        }
        let read = pulled.read();
        let ctx = apply_context(connection, mode == RunMode::Full);
        let mut effects = Effects::default();
        let txn = self
            .db
            .begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..TransactionOptions::default()
            })
            .await?;
        let mark = match &pulled {
            Pulled::Locations(locations) => {
                apply::apply_locations(&txn, &ctx, locations, &mut effects).await?;
                None
            }
            Pulled::Catalog(batch) => apply::apply_catalog(&txn, &ctx, batch, &mut effects)
                .await?
                .mark(),
            Pulled::Stock(snapshot) => apply::apply_stock(&txn, &ctx, snapshot, &mut effects)
                .await?
                .mark(),
            Pulled::Customers(batch) => apply::apply_customers(&txn, &ctx, batch, &mut effects)
                .await?
                .mark(),
            Pulled::Transactions(batch) => {
                apply::apply_transactions(&txn, &ctx, batch, &mut effects)
                    .await?
                    .mark()
            }
            Pulled::Unsupported => None,
        };
        cursor::advance(&txn, connection.id, stream, mark, ctx.full, ctx.now).await?;
        txn.commit().await?;
        let tally = read.map(|read| {
            let rejected = effects.take_rejected();
            let tally = EndpointTally::new(stream.as_str(), read, effects.deferred(), &rejected);
            record_counts(connection, &tally);
            if let Some(alert) = rejections::alert(connection.id, &tally, &rejected) {
                effects.current_alert(alert);
            }
            tally
        });
        let changes = effects.stock_changes().count();
        report.stock_changes += changes;
        metrics::counter!("canopy_sync_stock_changes_total", "source" => mode_name(mode))
            .increment(changes as u64);
        effects::record_applied(
            connection.kind.as_str(),
            stream.as_str(),
            mode_name(mode),
            effects.change_count(),
        );
        self.announcer.announce(effects, mode.source()).await;
        Ok(tally)
    }
}

/// Counts `tally`'s records in `canopy_sync_records_total{connection, endpoint,
/// outcome}`, outcome `applied` or `rejected` (their sum is what was read, less records
/// left for a later run, counted as `deferred`).
fn record_counts(connection: &provider_connection::Model, tally: &EndpointTally) {
    let deferred = tally
        .read
        .saturating_sub(tally.applied)
        .saturating_sub(tally.rejected);
    for (outcome, count) in [
        ("applied", tally.applied),
        ("rejected", tally.rejected),
        ("deferred", deferred),
    ] {
        metrics::counter!(
            "canopy_sync_records_total",
            "connection" => connection.id.to_string(),
            "endpoint" => tally.endpoint.clone(),
            "outcome" => outcome,
        )
        .increment(count);
    }
}

/// The context to apply data from `connection` in, now (`full` for a reconciliation).
pub fn apply_context(connection: &provider_connection::Model, full: bool) -> ApplyContext {
    ApplyContext {
        connection_id: connection.id,
        full,
        now: Utc::now(),
        default_time_zone: connection
            .settings
            .get(TIME_ZONE_SETTING)
            .and_then(|zone| zone.as_str())
            .unwrap_or(FALLBACK_TIME_ZONE)
            .to_owned(),
        discrepancies: DiscrepancyRules::from_settings(&connection.settings),
    }
}

/// Reads one stream from the adapter; an operation the vendor lacks is not an error.
async fn pull(
    provider: &dyn PosProvider,
    stream: Stream,
    since: Option<chrono::DateTime<Utc>>,
) -> Result<Pulled, SyncError> {
    let pulled: ProviderResult<Pulled> = match stream {
        Stream::Locations => provider.locations().await.map(Pulled::Locations),
        Stream::Catalog => provider.catalog(since).await.map(Pulled::Catalog),
        Stream::Stock => provider.stock(since).await.map(Pulled::Stock),
        Stream::Customers => provider.customers(since).await.map(Pulled::Customers),
        Stream::Transactions => provider.transactions(since).await.map(Pulled::Transactions),
    };
    match pulled {
        Err(error) if matches!(error.kind, ProviderErrorKind::Unsupported(_)) => {
            Ok(Pulled::Unsupported)
        }
        other => Ok(other?),
    }
}

const fn mode_name(mode: RunMode) -> &'static str {
    match mode {
        RunMode::Incremental => "poll",
        RunMode::Full => "reconcile",
    }
}
