//! Admin mutations: provider connection configuration, connection tests, on-demand
//! syncs and alert resolution. Admins only; every one is audited by the service.

use async_graphql::{Context, ID, Object};

use crate::{
    admin,
    auth::{RoleGuard, Viewer},
    error::ApiError,
    graphql::{
        app_state,
        types::{
            Alert, ConnectionTestResult, CreateProviderConnectionInput, ProviderConnection,
            UpdateProviderConnectionInput,
            ids::{parse_id, to_id},
        },
    },
    secrets::Keyring,
    state::AppState,
};

/// Admin mutations.
#[derive(Default)]
pub struct AdminMutation;

#[Object]
impl AdminMutation {
    /// Stores a new POS connection; its secrets are sealed and never readable again.
    /// An enabled connection starts its first sync at once (`syncStatus.running`).
    #[graphql(guard = "RoleGuard::admin()")]
    async fn create_provider_connection(
        &self,
        ctx: &Context<'_>,
        input: CreateProviderConnectionInput,
    ) -> Result<ProviderConnection, ApiError> {
        let (state, actor) = admin_call(ctx)?;
        let keyring = Keyring::new(&state.master_key);
        let row = admin::connections::create(
            &state.db,
            &keyring,
            &state.config.admin,
            actor,
            input.into(),
        )
        .await?;
        admin::runs::sync_soon(state, &row).await;
        Ok(ProviderConnection::new(row))
    }

    /// Changes a POS connection: omitted fields and secrets are kept, an empty
    /// `apiSecret` or `webhookSecret` clears it. An enabled connection (one re-enabled,
    /// or with new settings or credentials) syncs again at once.
    #[graphql(guard = "RoleGuard::admin()")]
    async fn update_provider_connection(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateProviderConnectionInput,
    ) -> Result<ProviderConnection, ApiError> {
        let (state, actor) = admin_call(ctx)?;
        let id = parse_id("id", &id)?;
        let keyring = Keyring::new(&state.master_key);
        let row = admin::connections::update(
            &state.db,
            &keyring,
            &state.config.admin,
            actor,
            id,
            input.into(),
        )
        .await?;
        admin::runs::sync_soon(state, &row).await;
        Ok(ProviderConnection::new(row))
    }

    /// Deletes a POS connection; its stores stay, unlinked. Returns its id.
    #[graphql(guard = "RoleGuard::admin()")]
    async fn delete_provider_connection(&self, ctx: &Context<'_>, id: ID) -> Result<ID, ApiError> {
        let (state, actor) = admin_call(ctx)?;
        let id = parse_id("id", &id)?;
        Ok(to_id(
            admin::connections::delete(&state.db, actor, id).await?,
        ))
    }

    /// Calls the POS with the stored credentials and reports what they reach; a POS
    /// failure is `ok: false` with a code, not an error.
    #[graphql(guard = "RoleGuard::admin()")]
    async fn test_provider_connection(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<ConnectionTestResult, ApiError> {
        let (state, actor) = admin_call(ctx)?;
        let id = parse_id("id", &id)?;
        Ok(admin::probe::test_connection(state, actor, id)
            .await?
            .into())
    }

    /// Runs a sync of the connection now and returns it with its updated status; a POS
    /// failure shows in `syncStatus.lastError`. `CONFLICT` while one is running.
    #[graphql(guard = "RoleGuard::admin()")]
    async fn trigger_sync(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<ProviderConnection, ApiError> {
        let (state, actor) = admin_call(ctx)?;
        let id = parse_id("id", &id)?;
        admin::runs::trigger_sync(state, actor, id).await?;
        Ok(ProviderConnection::new(
            admin::connections::require(&state.db, id).await?,
        ))
    }

    /// Resolves an alert (resolving a resolved alert changes nothing).
    #[graphql(guard = "RoleGuard::admin()")]
    async fn resolve_alert(&self, ctx: &Context<'_>, id: ID) -> Result<Alert, ApiError> {
        let (state, actor) = admin_call(ctx)?;
        let id = parse_id("id", &id)?;
        Ok(Alert(admin::alerts::resolve(state, actor, id).await?))
    }
}

/// The state and the acting admin's token subject (the audit actor).
pub(super) fn admin_call<'a>(ctx: &Context<'a>) -> Result<(&'a AppState, &'a str), ApiError> {
    let actor = Viewer::of(ctx)?
        .admin_subject()
        .ok_or_else(|| ApiError::Forbidden("admin token required".into()))?;
    Ok((app_state(ctx)?, actor))
}
