//! A product by id, following the redirect of a product merged away, so a gateway's or a
//! storefront's stored id keeps resolving (to the survivor).

use async_graphql::Context;
use uuid::Uuid;

use super::Product;
use crate::{
    catalog::review,
    error::ApiError,
    graphql::{
        app_state,
        loaders::{Loaders, load_one},
    },
};

/// The product `id`, or the product it was merged into, or `None`.
pub async fn load_product(ctx: &Context<'_>, id: Uuid) -> Result<Option<Product>, ApiError> {
    let loaders = Loaders::of(ctx)?;
    if let Some(found) = load_one(&loaders.products, id).await? {
        return Ok(Some(Product::from(found)));
    }
    let Some(survivor) = review::redirected(&app_state(ctx)?.db, id).await? else {
        return Ok(None);
    };
    Ok(load_one(&loaders.products, survivor)
        .await?
        .map(Product::from))
}
