//! An admin's merge and split of products across connections (audited).

use async_graphql::{Context, ID, Object};

use super::admin::admin_call;
use crate::{
    auth::RoleGuard,
    catalog::merge,
    effects::Announcer,
    error::ApiError,
    graphql::{
        app_state,
        types::{Product, ids::parse_id},
    },
    state::AppState,
};

/// Product merge and split.
#[derive(Default)]
pub struct ProductsMutation;

/// Announces through the server's cache and bus.
fn announcer(state: &AppState) -> Announcer {
    Announcer::new(state.db.clone(), state.cache.clone(), state.events.clone())
}

#[Object]
impl ProductsMutation {
    /// Merges product `sourceId` into `targetId`: its POS records, stock, order lines
    /// and purchase lines move to the target, and its id keeps resolving to the target
    /// (`product`, `_entities`). Returns the target. `BAD_USER_INPUT` naming the field
    /// for a product into itself, contradicting UPCs, or two products of one POS
    /// connection. Audited.
    #[graphql(guard = "RoleGuard::admin()")]
    async fn merge_products(
        &self,
        ctx: &Context<'_>,
        target_id: ID,
        source_id: ID,
    ) -> Result<Product, ApiError> {
        let actor = admin_call(ctx)?.1;
        let target = parse_id("targetId", &target_id)?;
        let source = parse_id("sourceId", &source_id)?;
        let state = app_state(ctx)?;
        Ok(
            merge::merge(&state.db, &announcer(state), actor, target, source)
                .await?
                .into(),
        )
    }

    /// Splits connection `connectionId`'s share of product `productId` (its POS records
    /// and the stock, order lines and purchase lines at its stores) off into a product
    /// of its own: the product an earlier merge joined, restored with its id, or a new
    /// one. Returns the product split off. Audited.
    #[graphql(guard = "RoleGuard::admin()")]
    async fn split_product(
        &self,
        ctx: &Context<'_>,
        product_id: ID,
        connection_id: ID,
    ) -> Result<Product, ApiError> {
        let actor = admin_call(ctx)?.1;
        let product = parse_id("productId", &product_id)?;
        let connection = parse_id("connectionId", &connection_id)?;
        let state = app_state(ctx)?;
        Ok(
            merge::split(&state.db, &announcer(state), actor, product, connection)
                .await?
                .into(),
        )
    }
}
