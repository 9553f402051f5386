//! The documents registered for the safelist.

use async_graphql::{Context, Object};

use crate::{
    auth::RoleGuard,
    error::ApiError,
    graphql::{app_state, types::PersistedOperation},
    operations,
};

/// Safelist queries.
#[derive(Default)]
pub struct OperationsQuery;

#[Object]
impl OperationsQuery {
    /// Every document registered for the safelist, oldest first. Admins only.
    #[graphql(guard = "RoleGuard::admin()")]
    async fn persisted_operations(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<PersistedOperation>, ApiError> {
        let db = &app_state(ctx)?.db;
        Ok(operations::list(db)
            .await?
            .into_iter()
            .map(PersistedOperation)
            .collect())
    }
}
