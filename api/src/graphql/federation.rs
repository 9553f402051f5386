//! Apollo Federation v2 entity resolvers: `Product`, `Location`, `Customer` and `Order`
//! are entities keyed by `id` (`@key(fields: "id")`).
//!
//! The gateway's `_entities(representations: …)` resolves every representation
//! concurrently; each resolver goes through the [`Loaders`], so a batch of
//! representations costs one statement per type. Access rules are those of the
//! equivalent root fields: customers for admins or themselves, orders for their customer
//! or admins; a representation the caller may not see resolves to nothing.

use async_graphql::{Context, ID, Object};

use super::{
    loaders::{Loaders, load_one},
    types::{Customer, Location, Order, Product, ids::parse_id, load_product},
};
use crate::{auth::Viewer, error::ApiError, services::orders::OrderScope};

/// The entity resolvers, merged into the query root (they add no visible fields).
#[derive(Default)]
pub struct FederationQuery;

#[Object]
impl FederationQuery {
    /// A `Product` by key; the key of a product merged into another resolves to the
    /// survivor (whose own `id` the gateway then sees).
    #[graphql(entity)]
    async fn find_product_by_id(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<Option<Product>, ApiError> {
        load_product(ctx, parse_id("id", &id)?).await
    }

    /// A `Location` by key.
    #[graphql(entity)]
    async fn find_location_by_id(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<Option<Location>, ApiError> {
        let id = parse_id("id", &id)?;
        Ok(load_one(&Loaders::of(ctx)?.locations, id)
            .await?
            .map(Location))
    }

    /// A `Customer` by key: admins see every customer, a customer only themselves.
    #[graphql(entity)]
    async fn find_customer_by_id(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<Option<Customer>, ApiError> {
        let id = parse_id("id", &id)?;
        let visible = match Viewer::of(ctx)? {
            Viewer::Admin { .. } => true,
            Viewer::Customer { id: own } => *own == id,
            Viewer::Anonymous | Viewer::Storefront => false,
        };
        if !visible {
            return Ok(None);
        }
        Ok(load_one(&Loaders::of(ctx)?.customers, id)
            .await?
            .map(Customer))
    }

    /// An `Order` by key: its customer and admins may see it.
    #[graphql(entity)]
    async fn find_order_by_id(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Order>, ApiError> {
        let id = parse_id("id", &id)?;
        let Ok(scope) = OrderScope::of(Viewer::of(ctx)?) else {
            return Ok(None);
        };
        Ok(load_one(&Loaders::of(ctx)?.orders, id)
            .await?
            .filter(|order| scope.allows(order))
            .map(Order))
    }
}
