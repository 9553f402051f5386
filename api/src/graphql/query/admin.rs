//! Admin reads: the registered POS kinds, provider connections, alerts and the audit
//! log. Admins only.

use async_graphql::{Context, ID, Object};
use providers::registry::ProviderKind;

use crate::{
    admin,
    audit::{self, AuditFilter},
    auth::RoleGuard,
    error::ApiError,
    graphql::{
        app_state,
        types::{
            Alert, AuditEntry, IntegrityReport, ProviderConnection,
            connection::{CanopyConnection, TotalCount, connection, page_request},
            cursor::IdKey,
            ids::parse_id,
        },
    },
    integrity,
};

/// Admin queries.
#[derive(Default)]
pub struct AdminQuery;

#[Object]
impl AdminQuery {
    /// The POS kinds Canopy can connect to, with their labels, the settings a
    /// connection form asks for and their capabilities. Admins only.
    #[graphql(guard = "RoleGuard::admin()")]
    async fn pos_kinds(&self) -> &'static [ProviderKind] {
        providers::registry::KINDS
    }

    /// Checks the invariants that must always hold (reservations against open orders,
    /// no negative stock, one submission and one POS order per order, no stuck or
    /// unalerted outbox row, purchase totals against their lines) and lists every
    /// violation, as `canopy check` does (an outbox row due longer ago than
    /// `CANOPY_OUTBOX_STUCK_AFTER` counts as stuck). Admins only.
    #[graphql(guard = "RoleGuard::admin()")]
    async fn integrity_check(&self, ctx: &Context<'_>) -> Result<IntegrityReport, ApiError> {
        let state = app_state(ctx)?;
        let report = integrity::check(&state.db, state.config.outbox.stuck_after).await?;
        Ok(IntegrityReport(report))
    }

    /// Every POS connection, oldest first. Admins only.
    #[graphql(guard = "RoleGuard::admin()")]
    async fn provider_connections(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<ProviderConnection>, ApiError> {
        let db = &app_state(ctx)?.db;
        Ok(admin::connections::list(db)
            .await?
            .into_iter()
            .map(ProviderConnection::new)
            .collect())
    }

    /// The POS connection with this id, or null. Admins only.
    #[graphql(guard = "RoleGuard::admin()")]
    async fn provider_connection(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<Option<ProviderConnection>, ApiError> {
        let id = parse_id("id", &id)?;
        let db = &app_state(ctx)?.db;
        Ok(admin::connections::get(db, id)
            .await?
            .map(ProviderConnection::new))
    }

    /// Alerts, newest first (at most 500): only unresolved ones with `open: true`, only
    /// resolved ones with `open: false`. Admins only.
    #[graphql(guard = "RoleGuard::admin()")]
    async fn alerts(&self, ctx: &Context<'_>, open: Option<bool>) -> Result<Vec<Alert>, ApiError> {
        let db = &app_state(ctx)?.db;
        Ok(admin::alerts::list(db, open)
            .await?
            .into_iter()
            .map(Alert)
            .collect())
    }

    /// The audit log, newest first, optionally about one kind of object
    /// (`targetType`, for example `ProviderConnection`). Admins only.
    #[graphql(guard = "RoleGuard::admin()")]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        #[graphql(validator(max_length = 100))] target_type: Option<String>,
    ) -> Result<CanopyConnection<IdKey<AuditEntry>, AuditEntry>, ApiError> {
        let filter = AuditFilter { target_type };
        let request = page_request::<IdKey<AuditEntry>>(ctx, first, after.as_deref())?;
        let db = &app_state(ctx)?.db;
        let page = audit::find_entries(db, &filter, &request.map_after(|key| key.id)).await?;
        let total = TotalCount::new(move |db| {
            let filter = filter.clone();
            Box::pin(async move { audit::count_entries(&db, &filter).await })
        });
        Ok(connection(page.map(AuditEntry), &request, total, |entry| {
            IdKey::new(entry.0.id)
        }))
    }
}
