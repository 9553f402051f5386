//! `ProviderConnection`: a POS account as admins see it — settings, sync status and
//! health, and of its secrets only whether they are set and the API key's last four
//! characters.

use async_graphql::{Context, ID, Json, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entities::provider_connection::Model;
use tokio::sync::OnceCell;

use super::{Location, PosKind, SyncRun, ids::to_id};
use crate::{
    admin::{
        self,
        health::{ConnectionHealth, ConnectionState},
    },
    error::ApiError,
    graphql::app_state,
    sync::{runs, status},
};

/// A connection to a retailer's POS account.
pub struct ProviderConnection {
    row: Model,
    /// The sync status, read once per object so `syncStatus` and `health` agree even
    /// while a run finishes between their resolvers.
    status: OnceCell<(status::SyncStatus, DateTime<Utc>)>,
}

impl ProviderConnection {
    /// The connection stored as `row`.
    pub fn new(row: Model) -> Self {
        Self {
            row,
            status: OnceCell::new(),
        }
    }
}

#[Object]
impl ProviderConnection {
    /// The connection's id.
    async fn id(&self) -> ID {
        to_id(self.row.id)
    }

    /// Which POS.
    async fn kind(&self) -> PosKind {
        self.row.kind
    }

    /// Display name.
    async fn name(&self) -> &str {
        &self.row.name
    }

    /// The vendor API's base URL.
    async fn base_url(&self) -> &str {
        &self.row.base_url
    }

    /// The last four characters of the API key (empty for keys under twelve
    /// characters); the key itself is write-only.
    async fn api_key_hint(&self) -> &str {
        &self.row.api_key_hint
    }

    /// Whether an API secret is stored.
    async fn has_api_secret(&self) -> bool {
        self.row.api_secret_sealed.is_some()
    }

    /// Whether a webhook secret is stored.
    async fn has_webhook_secret(&self) -> bool {
        self.row.webhook_secret_sealed.is_some()
    }

    /// Whether Canopy syncs it.
    async fn enabled(&self) -> bool {
        self.row.enabled
    }

    /// Seconds between incremental polls.
    async fn poll_interval_seconds(&self) -> i32 {
        self.row.poll_interval_secs
    }

    /// Seconds between full reconciliations.
    async fn full_sync_interval_seconds(&self) -> i32 {
        self.row.full_sync_interval_secs
    }

    /// Vendor settings (store id, venue ids …); never secrets.
    async fn settings(&self) -> Json<&serde_json::Value> {
        Json(&self.row.settings)
    }

    /// The stores synced from this connection.
    async fn locations(&self, ctx: &Context<'_>) -> Result<Vec<Location>, ApiError> {
        let db = &app_state(ctx)?.db;
        Ok(admin::connections::locations(db, self.row.id)
            .await?
            .into_iter()
            .map(Location)
            .collect())
    }

    /// How its sync is doing.
    async fn sync_status(&self, ctx: &Context<'_>) -> Result<SyncStatus, ApiError> {
        let (status, now) = self.status(ctx).await?;
        let state = app_state(ctx)?;
        let running = state.runs.is_running(self.row.id)
            || runs::running(&state.db, self.row.id, *now).await?;
        Ok(SyncStatus {
            state: admin::health::state(status),
            cause: admin::health::cause(status),
            last_success_at: status.last_success_at,
            lag_seconds: status.lag_seconds,
            last_error: status.last_error.clone(),
            next_run_at: status.next_run_at,
            running,
            last_run: status.last_run.clone().map(SyncRun::from),
        })
    }

    /// Its health in one word: its sync state (`PENDING` is `UNKNOWN`), or `DISABLED`.
    async fn health(&self, ctx: &Context<'_>) -> Result<ConnectionHealth, ApiError> {
        let (status, _) = self.status(ctx).await?;
        Ok(admin::health::health(&self.row, status))
    }

    /// Where the POS should send webhooks (a path on this server), for vendors that
    /// push them.
    async fn webhook_url(&self) -> Option<String> {
        providers::registry::kind(self.row.kind)
            .capabilities
            .webhooks
            .then(|| format!("/webhooks/{}", self.row.id))
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.row.created_at
    }

    /// When its configuration last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.row.updated_at
    }
}

impl ProviderConnection {
    async fn status(
        &self,
        ctx: &Context<'_>,
    ) -> Result<&(status::SyncStatus, DateTime<Utc>), ApiError> {
        self.status
            .get_or_try_init(|| async {
                let now = Utc::now();
                let db = &app_state(ctx)?.db;
                Ok((status::status(db, &self.row, now).await?, now))
            })
            .await
    }
}

/// The sync health of a connection.
#[derive(SimpleObject)]
pub struct SyncStatus {
    /// The state its last run left it in: `PENDING` before the first run, `FAILING`
    /// when the run failed or rejected every record of an endpoint, `DEGRADED` when it
    /// rejected some or did not get to an endpoint, else `HEALTHY`.
    pub state: ConnectionState,
    /// Why it is not `HEALTHY`, in one line, e.g. "12 of 12 stock records rejected —
    /// missing field `quantityAvailable`"; null when healthy or pending.
    pub cause: Option<String>,
    /// When every polled stream last succeeded (the stalest of them).
    pub last_success_at: Option<DateTime<Utc>>,
    /// Seconds since `lastSuccessAt`.
    pub lag_seconds: Option<i64>,
    /// The first failing stream's error.
    pub last_error: Option<String>,
    /// When the next poll is due.
    pub next_run_at: Option<DateTime<Utc>>,
    /// Whether a sync of it is running now (on demand or by its poller).
    pub running: bool,
    /// The last run that finished, with what each endpoint read, applied and rejected.
    pub last_run: Option<SyncRun>,
}
