//! An admin's registrations for the safelist (audited).

use async_graphql::{Context, Object};

use super::admin::admin_call;
use crate::{
    auth::RoleGuard,
    error::ApiError,
    graphql::{document::check_registrable, types::PersistedOperation},
    operations::{self, Safelist},
};

/// Safelist registration and removal.
#[derive(Default)]
pub struct OperationsMutation;

#[Object]
impl OperationsMutation {
    /// Registers `document` for the safelist, under the SHA-256 of its exact text (send
    /// that text, or its hash as `extensions.persistedQuery.sha256Hash`). The document
    /// must pass the schema's validation and the request limits (`BAD_USER_INPUT` on
    /// `document`); registering it again changes nothing. Audited.
    #[graphql(guard = "RoleGuard::admin()")]
    async fn register_persisted_operation(
        &self,
        ctx: &Context<'_>,
        document: String,
    ) -> Result<PersistedOperation, ApiError> {
        let (state, actor) = admin_call(ctx)?;
        let names = check_registrable(&state.config.limits, &document).await?;
        let registered = operations::register(&state.db, &document, &names, actor).await?;
        Ok(PersistedOperation(registered.operation))
    }

    /// Removes the document registered under `hash`; `false` when there was none. It stops
    /// running on this server at once and on the others as the removal's announcement
    /// reaches them. Audited.
    #[graphql(guard = "RoleGuard::admin()")]
    async fn remove_persisted_operation(
        &self,
        ctx: &Context<'_>,
        hash: String,
    ) -> Result<bool, ApiError> {
        let (state, actor) = admin_call(ctx)?;
        let hash = hash.to_ascii_lowercase();
        let removed = operations::remove(&state.db, state.events.as_ref(), &hash, actor).await?;
        // this server's safelist forgets at once, not when the announcement arrives
        if let Ok(safelist) = ctx.data::<Safelist>() {
            safelist.forget(&hash).await;
        }
        Ok(removed)
    }
}
