//! Store reads: `locations` and `location`. Public: no token needed.

use async_graphql::{Context, ID, Object};

use crate::{
    error::ApiError,
    graphql::{
        app_state,
        loaders::{Loaders, load_one},
        types::{Location, ids::parse_id},
    },
    services::locations,
};

/// Location queries.
#[derive(Default)]
pub struct LocationsQuery;

#[Object]
impl LocationsQuery {
    /// Every store, by name.
    async fn locations(&self, ctx: &Context<'_>) -> Result<Vec<Location>, ApiError> {
        let db = &app_state(ctx)?.db;
        let rows = locations::list_locations(db).await?;
        Ok(rows.into_iter().map(Location).collect())
    }

    /// The store with this id, or null.
    async fn location(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Location>, ApiError> {
        let id = parse_id("id", &id)?;
        let loaders = Loaders::of(ctx)?;
        Ok(load_one(&loaders.locations, id).await?.map(Location))
    }
}
