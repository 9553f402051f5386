//! Customer reads: `customers` and `customer` (admins), `me` (the customer's own profile).

use async_graphql::{Context, ID, Object};

use crate::{
    auth::{Role, RoleGuard, Viewer},
    error::ApiError,
    graphql::{
        app_state,
        loaders::{Loaders, load_one},
        types::{
            Customer,
            connection::{CanopyConnection, TotalCount, connection, page_request},
            cursor::IdKey,
            ids::parse_id,
        },
    },
    services::{customers::CustomerFilter, listing},
};

/// Customer queries.
#[derive(Default)]
pub struct CustomersQuery;

#[Object]
impl CustomersQuery {
    /// Customer profiles, oldest first, optionally matching `search` (case-insensitive, in
    /// the e-mail, phone or name; at most 200 characters). Admins only.
    #[graphql(guard = "RoleGuard::admin()")]
    async fn customers(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        #[graphql(validator(max_length = 200))] search: Option<String>,
    ) -> Result<CanopyConnection<IdKey<Customer>, Customer>, ApiError> {
        let filter = CustomerFilter { search };
        let request = page_request::<IdKey<Customer>>(ctx, first, after.as_deref())?;
        let db = &app_state(ctx)?.db;
        let page = listing::find_page(db, &filter, &request.map_after(|key| key.id)).await?;
        let total = TotalCount::matching(filter);
        Ok(connection(
            page.map(Customer),
            &request,
            total,
            |customer| IdKey::new(customer.0.id),
        ))
    }

    /// The customer with this id, or null. Admins only.
    #[graphql(guard = "RoleGuard::admin()")]
    async fn customer(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Customer>, ApiError> {
        let id = parse_id("id", &id)?;
        let loaders = Loaders::of(ctx)?;
        Ok(load_one(&loaders.customers, id).await?.map(Customer))
    }

    /// The signed-in customer's own profile (customer tokens only); for a profile an
    /// admin merged into another, the profile it joined.
    #[graphql(guard = "RoleGuard::new(&[Role::Customer])")]
    async fn me(&self, ctx: &Context<'_>) -> Result<Option<Customer>, ApiError> {
        let Some(id) = Viewer::of(ctx)?.customer_id() else {
            return Ok(None);
        };
        let id = crate::customers::merge::root(&app_state(ctx)?.db, id).await?;
        let loaders = Loaders::of(ctx)?;
        Ok(load_one(&loaders.customers, id).await?.map(Customer))
    }
}
