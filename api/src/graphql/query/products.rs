//! Catalog reads: `products` and `product`. Public: no token needed.

use async_graphql::{Context, ID, Object};

use crate::{
    error::ApiError,
    graphql::{
        app_state,
        types::{
            Product,
            connection::{CanopyConnection, TotalCount, connection, page_request},
            cursor::IdKey,
            enums::ProductCategory,
            ids::{parse_id, parse_optional_id},
            load_product,
        },
    },
    services::{catalog::ProductFilter, listing, paging::Page},
};

/// Catalog queries.
#[derive(Default)]
pub struct ProductsQuery;

#[Object]
impl ProductsQuery {
    /// Products listed at some store, oldest first, or the menu of `locationId` (the
    /// products listed there, each with that store's price), matching `search`
    /// (case-insensitive, in the name or brand; at most 200 characters) or in `category`.
    async fn products(
        &self,
        ctx: &Context<'_>,
        location_id: Option<ID>,
        #[graphql(validator(max_length = 200))] search: Option<String>,
        category: Option<ProductCategory>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<CanopyConnection<IdKey<Product>, Product>, ApiError> {
        let menu = parse_optional_id("locationId", location_id.as_ref())?;
        let filter = ProductFilter {
            location_id: menu,
            search,
            category,
        };
        let request = page_request::<IdKey<Product>>(ctx, first, after.as_deref())?;
        let db = &app_state(ctx)?.db;
        let page = listing::find_page(db, &filter, &request.map_after(|key| key.id)).await?;
        let total = TotalCount::matching(filter);
        let selection = ctx.look_ahead();
        let nodes = [
            selection.field("edges").field("node"),
            selection.field("nodes"),
        ];
        let page = Page {
            items: Product::list(ctx, &nodes, page.items, menu).await?,
            has_next_page: page.has_next_page,
        };
        Ok(connection(page, &request, total, |product| {
            IdKey::new(product.model().id)
        }))
    }

    /// The product with this id (active or not), or null; the id of a product merged
    /// into another resolves to the survivor.
    async fn product(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Product>, ApiError> {
        load_product(ctx, parse_id("id", &id)?).await
    }
}
