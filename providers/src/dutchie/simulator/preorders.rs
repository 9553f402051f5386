//! `POST /preorder/submit`, `GET /preorder/Status` and `POST /preorder/cancel`
//! served from the store. Submission is idempotent on `ConsumerKey` +
//! `idempotencyKey`, as Dutchie documents.

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use chrono::TimeDelta;
use serde::Deserialize;

use super::super::endpoints as ep;
use super::super::models::{CancelPreorderRequest, CreatePreOrderRequest};
use super::STATUSES;
use super::auth::Caller;
use super::render;
use super::wire::{Reject, SimContext, bad_request, json_body, ok, wire_id};
use crate::model::{Fulfillment, Money, OrderCustomer, OrderLineSubmission};
use crate::simulator::SimOrder;
use crate::simulator::store::{NewOrder, SimState};

/// Bulk status queries cover this many days.
const OPEN_ORDER_DAYS: i64 = 14;

fn cancellable(order: &SimOrder) -> bool {
    order.transaction_id.is_none()
        && [STATUSES.submitted, STATUSES.confirmed].contains(&order.status.as_str())
}

fn new_order(
    s: &SimState,
    req: &CreatePreOrderRequest,
    location_id: &str,
) -> Result<NewOrder, Reject> {
    let customer_id = req.customer_id.to_string();
    let Some(customer) = s.customers.get(&customer_id) else {
        return Err(bad_request("Customer does not exist", Some("CustomerId")));
    };
    let items = req.items.as_deref().unwrap_or_default();
    if items.is_empty() {
        return Err(bad_request("At least one item is required", Some("Items")));
    }
    let mut lines = Vec::with_capacity(items.len());
    for item in items {
        let product_id = item.product_id.to_string();
        let Some(product) = s.products.get(&product_id) else {
            return Err(bad_request(
                format!("Product {product_id} does not exist"),
                Some("ProductId"),
            ));
        };
        if item.quantity <= 0.0 || item.quantity.fract() != 0.0 {
            return Err(bad_request(
                "Quantity must be a positive whole number",
                Some("Quantity"),
            ));
        }
        lines.push(OrderLineSubmission {
            external_product_id: product_id,
            quantity: item.quantity as i64,
            unit_price: product.rec_price.clone().unwrap_or_else(|| Money::usd(0)),
        });
    }
    Ok(NewOrder {
        order_reference: req
            .transaction_reference
            .clone()
            .or_else(|| req.idempotency_key.clone())
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
        location_id: location_id.to_owned(),
        customer_id: Some(customer_id),
        customer: OrderCustomer {
            external_id: Some(customer.external_id.clone()),
            first_name: customer.first_name.clone().unwrap_or_default(),
            last_name: customer.last_name.clone().unwrap_or_default(),
            email: customer.email.clone(),
            phone: customer.phone.clone(),
            date_of_birth: customer.date_of_birth,
            medical_id: customer.medical_id.clone(),
        },
        lines,
        fulfillment: if req.is_delivery {
            Fulfillment::Delivery
        } else {
            Fulfillment::Pickup
        },
        delivery_address: req.delivery_street.clone(),
        notes: req.notes.clone(),
    })
}

/// Answers the new pre-order's id (an int32).
pub(crate) async fn submit(
    State(ctx): State<SimContext>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Reject> {
    let req: CreatePreOrderRequest = json_body(&body)?;
    let created = ctx.idempotent(
        ep::PREORDER_SUBMIT.name,
        &headers,
        req.idempotency_key.as_deref(),
        || {
            let order = ctx
                .store
                .read(|s| new_order(s, &req, &caller.location_id))?;
            ctx.store
                .submit_order(order, STATUSES.submitted)
                .map(|(order, _)| order.external_id)
                .map_err(|e| bad_request(e.to_string(), None))
        },
    );
    wire_id(&created?, "pre-order")
        .map(ok)
        .ok_or_else(|| bad_request("order id out of range", None))
}

#[derive(Debug, Deserialize)]
pub(crate) struct StatusQuery {
    #[serde(rename = "PreOrderId")]
    pre_order_id: Option<i32>,
}

/// One order's status; without `PreOrderId`, every order of the last 14 days at the location.
pub(crate) async fn status(
    State(ctx): State<SimContext>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<StatusQuery>,
) -> Response {
    let now = ctx.store.now();
    ctx.store.read(|s| {
        let render = |o: &SimOrder| {
            Some(render::pre_order_status(
                o,
                wire_id(&o.external_id, "pre-order")?,
                cancellable(o),
            ))
        };
        let at_location = |o: &&SimOrder| o.location_id == caller.location_id;
        match q.pre_order_id {
            Some(id) => match s
                .orders
                .get(&id.to_string())
                .filter(at_location)
                .and_then(render)
            {
                Some(status) => ok(status),
                None => Reject::BadRequestEmpty.into_response(),
            },
            None => ok(s
                .orders
                .values()
                .filter(at_location)
                .filter(|o| now - o.created_at <= TimeDelta::days(OPEN_ORDER_DAYS))
                .filter_map(render)
                .collect::<Vec<_>>()),
        }
    })
}

/// Cancels a submitted or processing order; answers its id.
pub(crate) async fn cancel(
    State(ctx): State<SimContext>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Response, Reject> {
    let req: CancelPreorderRequest = json_body(&body)?;
    let id = req.order_id.to_string();
    let order = ctx.store.read(|s| {
        s.orders
            .get(&id)
            .filter(|o| o.location_id == caller.location_id)
            .cloned()
    });
    let order = order.ok_or(Reject::NotFound("Order not found"))?;
    if !cancellable(&order) {
        return Err(Reject::BadRequestEmpty);
    }
    ctx.store
        .cancel_order(&id, STATUSES.cancelled, req.cancellation_reason.as_deref())
        .map_err(|_| Reject::BadRequestEmpty)?;
    Ok(ok(req.order_id))
}
