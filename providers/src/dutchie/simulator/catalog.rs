//! `GET /whoami`, `GET /products` and `GET /inventory` served from the store.

use axum::Extension;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::auth::Caller;
use super::render;
use super::wire::{Reject, SimContext, in_range, ok, query_time, values, wire_id};
use crate::simulator::Collection;

pub(crate) async fn whoami(
    State(ctx): State<SimContext>,
    Extension(caller): Extension<Caller>,
) -> Response {
    let identity = ctx.store.read(|s| {
        let location = s.location(&caller.location_id)?;
        Some(render::location_identity(
            location,
            wire_id(&location.external_id, "location")?,
        ))
    });
    match identity {
        Some(identity) => ok(identity),
        None => (StatusCode::NOT_FOUND, "Location not found").into_response(),
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct ProductsQuery {
    #[serde(rename = "fromLastModifiedDateUTC")]
    from_last_modified: Option<String>,
    #[serde(rename = "isActive")]
    is_active: Option<bool>,
}

pub(crate) async fn products(
    State(ctx): State<SimContext>,
    Query(q): Query<ProductsQuery>,
) -> Result<Response, Reject> {
    let from = query_time(q.from_last_modified.as_deref(), "fromLastModifiedDateUTC")?;
    let body = ctx.store.read(|s| {
        let mut out = values(
            s.products
                .values()
                .filter(|p| in_range(p.modified_at, from, None))
                .filter(|p| q.is_active.is_none_or(|a| a == p.active))
                .filter_map(|p| {
                    Some(render::product_detail(
                        p,
                        wire_id(&p.external_id, "product")?,
                    ))
                }),
        );
        out.extend(s.raw(Collection::Products).iter().cloned());
        out
    });
    Ok(ok(body))
}

/// Only packages with stock are listed, as Dutchie does.
pub(crate) async fn inventory(
    State(ctx): State<SimContext>,
    Extension(caller): Extension<Caller>,
) -> Response {
    let body = ctx.store.read(|s| {
        let stocked = s.stock_at(&caller.location_id).filter(|e| e.on_hand > 0);
        let mut out = values(stocked.filter_map(|e| {
            let product = s.products.get(&e.product_id)?;
            Some(render::inventory_item(
                e,
                product,
                wire_id(&e.product_id, "product")?,
            ))
        }));
        out.extend(s.raw(Collection::Stock).iter().cloned());
        out
    });
    ok(body)
}
