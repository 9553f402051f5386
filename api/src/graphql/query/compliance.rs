//! Compliance rule reads (admins).

use async_graphql::{Context, Object};

use crate::{
    auth::RoleGuard,
    compliance::rules,
    error::ApiError,
    graphql::{app_state, types::ComplianceRule},
};

/// Compliance queries.
#[derive(Default)]
pub struct ComplianceQuery;

#[Object]
impl ComplianceQuery {
    /// The compliance rules, all or those of one `jurisdiction` (e.g. `CA`), by
    /// jurisdiction and code; disabled rules included. A jurisdiction is at most 64 characters.
    #[graphql(guard = "RoleGuard::admin()")]
    async fn compliance_rules(
        &self,
        ctx: &Context<'_>,
        #[graphql(validator(max_length = 64))] jurisdiction: Option<String>,
    ) -> Result<Vec<ComplianceRule>, ApiError> {
        let db = &app_state(ctx)?.db;
        Ok(rules::list(db, jurisdiction.as_deref())
            .await?
            .into_iter()
            .map(ComplianceRule)
            .collect())
    }
}
