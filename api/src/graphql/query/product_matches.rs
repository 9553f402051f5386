//! The admin's review of product matches across connections.

use async_graphql::{Context, Object};

use crate::{
    auth::RoleGuard,
    catalog::review,
    error::ApiError,
    graphql::{
        app_state,
        types::{MatchStatus, ProductMatch},
    },
};

/// Match review queries.
#[derive(Default)]
pub struct ProductMatchesQuery;

#[Object]
impl ProductMatchesQuery {
    /// How products of different connections were matched and why (rule, evidence),
    /// newest first, at most `first` (default 100, at most 500), of `status` when given:
    /// SUGGESTED name matches to confirm or split, CONFIRMED ones, REJECTED ones
    /// (contradictions, with `conflict: true`, and splits). Admins only.
    #[graphql(guard = "RoleGuard::admin()")]
    async fn product_matches(
        &self,
        ctx: &Context<'_>,
        status: Option<MatchStatus>,
        #[graphql(default = 100, validator(minimum = 1, maximum = 500))] first: i32,
    ) -> Result<Vec<ProductMatch>, ApiError> {
        let db = &app_state(ctx)?.db;
        let limit = u64::try_from(first).unwrap_or(1);
        Ok(review::matches(db, status.map(Into::into), limit)
            .await?
            .into_iter()
            .map(ProductMatch)
            .collect())
    }
}
