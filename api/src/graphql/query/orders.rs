//! Order reads: `orders` and `order`. A customer token sees its own orders, an admin
//! token every order; anonymous callers are `UNAUTHENTICATED`.

use async_graphql::{Context, ID, Object};

use crate::{
    auth::{RoleGuard, Viewer},
    error::ApiError,
    graphql::{
        app_state,
        loaders::{Loaders, load_one},
        types::{
            Order,
            connection::{CanopyConnection, TotalCount, connection, page_request},
            cursor::IdKey,
            enums::OrderStatus,
            ids::{parse_id, parse_optional_id},
        },
    },
    services::{
        listing,
        orders::{OrderFilter, OrderScope},
    },
};

/// Order queries.
#[derive(Default)]
pub struct OrdersQuery;

#[Object]
impl OrdersQuery {
    /// Orders the caller may read, newest first: optionally one `status`, one
    /// `locationId`, or (admins) one `customerId`.
    #[graphql(guard = "RoleGuard::customer_or_admin()")]
    async fn orders(
        &self,
        ctx: &Context<'_>,
        status: Option<OrderStatus>,
        location_id: Option<ID>,
        customer_id: Option<ID>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<CanopyConnection<IdKey<Order>, Order>, ApiError> {
        let filter = OrderFilter {
            customer_id: parse_optional_id("customerId", customer_id.as_ref())?,
            location_id: parse_optional_id("locationId", location_id.as_ref())?,
            status,
            ..OrderFilter::new(OrderScope::of(Viewer::of(ctx)?)?)
        };
        let request = page_request::<IdKey<Order>>(ctx, first, after.as_deref())?;
        let db = &app_state(ctx)?.db;
        let page = listing::find_page(db, &filter, &request.map_after(|key| key.id)).await?;
        let total = TotalCount::matching(filter);
        Ok(connection(page.map(Order), &request, total, |order| {
            IdKey::new(order.0.id)
        }))
    }

    /// The order with this id, or null when it does not exist or is not the caller's.
    #[graphql(guard = "RoleGuard::customer_or_admin()")]
    async fn order(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Order>, ApiError> {
        let scope = OrderScope::of(Viewer::of(ctx)?)?;
        let id = parse_id("id", &id)?;
        let loaders = Loaders::of(ctx)?;
        Ok(load_one(&loaders.orders, id)
            .await?
            .filter(|order| scope.allows(order))
            .map(Order))
    }
}
