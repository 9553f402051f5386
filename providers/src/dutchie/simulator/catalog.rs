//! `GET /whoami`, `GET /products` and `GET /inventory` served from the store.

use axum::Extension;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::auth::Caller;
use super::render;
use super::variants;
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

/// The catalog as the caller's store offers it (its own prices and listing).
pub(crate) async fn products(
    State(ctx): State<SimContext>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<ProductsQuery>,
) -> Result<Response, Reject> {
    let from = query_time(q.from_last_modified.as_deref(), "fromLastModifiedDateUTC")?;
    let body = ctx.store.read(|s| {
        let mut out = values(
            s.products
                .values()
                .map(|p| s.offered(p, &caller.location_id))
                .filter(|p| in_range(p.modified_at, from, None))
                .filter(|p| q.is_active.is_none_or(|a| a == p.active))
                .filter_map(|p| {
                    Some(render::product_detail(
                        &p,
                        wire_id(&p.external_id, "product")?,
                    ))
                }),
        );
        if ctx.shape.variants {
            out = out.into_iter().map(variants::product).collect();
        }
        out.extend(s.raw(Collection::Products).iter().cloned());
        out
    });
    Ok(ok(body))
}

#[derive(Debug, Deserialize)]
pub(crate) struct InventoryQuery {
    #[serde(rename = "includeRoomQuantities")]
    include_room_quantities: Option<bool>,
}

/// Only packages with stock are listed, as Dutchie does: one package per product,
/// or (variants) two when it has two units or more.
pub(crate) async fn inventory(
    State(ctx): State<SimContext>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<InventoryQuery>,
) -> Response {
    let rooms = q.include_room_quantities.unwrap_or(false);
    let shape = ctx.shape;
    let body = ctx.store.read(|s| {
        let stocked = s.stock_at(&caller.location_id).filter(|e| e.on_hand > 0);
        let mut out = values(stocked.flat_map(|e| {
            let product = s.products.get(&e.product_id);
            let product_id = wire_id(&e.product_id, "product");
            let packages = match product_id {
                Some(id) => {
                    variants::packages(id, e.on_hand, i64::from(shape.vault_units), shape.variants)
                }
                None => Vec::new(),
            };
            packages.into_iter().filter_map(move |package| {
                Some(render::inventory_item(
                    e,
                    product?,
                    product_id?,
                    package,
                    rooms,
                ))
            })
        }));
        if shape.variants {
            out = out.into_iter().map(variants::inventory_item).collect();
        }
        out.extend(s.raw(Collection::Stock).iter().cloned());
        out
    });
    ok(body)
}
