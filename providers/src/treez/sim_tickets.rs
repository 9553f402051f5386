//! The simulator's ticket routes: tickets by id, customer and last update (paged in the
//! path, listed as `ticketList` beside the envelope's fields), and ticket preview,
//! creation (no idempotency key: the same `external_order_number` twice is two tickets)
//! and status update, checked as Treez checks them.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::guesses;
use super::models::{NewTicket, Ticket, TicketItem, TicketUpdate};
use super::settings::MAX_PAGE_SIZE;
use super::sim_routes::{
    Answer, ApiState, Refused, customer_answer, ok, page_of, paging, time, to_value,
};
use super::sim_wire;
use crate::model::{Fulfillment, Money, OrderCustomer, OrderLineSubmission};
use crate::simulator::control::OrderWorkflow;
use crate::simulator::store::{Collection, NewOrder, SimState};

/// Ticket types Treez takes [spec].
const TICKET_TYPES: &[&str] = &[
    "DELIVERY",
    "PICKUP",
    "EXPRESS",
    "POS",
    "DRIVE_THRU",
    "CURBSIDE",
];
/// Statuses a ticket may be created in [spec].
const CREATE_STATUSES: &[&str] = &[
    guesses::STATUS_DRAFT,
    guesses::STATUS_VERIFICATION_PENDING,
    guesses::STATUS_AWAITING_PROCESSING,
    guesses::STATUS_IN_PROCESS,
    guesses::STATUS_PACKED_READY,
    guesses::STATUS_OUT_FOR_DELIVERY,
];

/// A page of tickets as Treez lists them: `ticketList` beside the envelope's fields.
fn ticket_page(mut tickets: Vec<Ticket>, raws: &[Value], page: usize, size: usize) -> Response {
    tickets.sort_by(|a, b| {
        a.last_updated_at
            .cmp(&b.last_updated_at)
            .then_with(|| a.ticket_id.cmp(&b.ticket_id))
    });
    let rows = tickets.into_iter().map(to_value).collect();
    let (list, total) = page_of(rows, raws, page, size);
    Json(json!({
        "resultCode": "SUCCESS", "resultReason": null, "resultDetail": null,
        "pageElements": list.len(), "totalElements": total, "ticketList": list,
    }))
    .into_response()
}

pub(super) async fn tickets_since(
    State(api): State<ApiState>,
    Path((dispensary, after, page, size)): Path<(String, String, String, String)>,
) -> Answer {
    api.served(&dispensary)?;
    let after = time(&after)?;
    let (page, size) = paging(&page, &size, MAX_PAGE_SIZE as usize)?;
    Ok(api.store.read(|s| {
        let tickets = sim_wire::tickets(s, &dispensary)
            .filter(|t| t.last_updated_at.is_some_and(|m| m >= after))
            .collect();
        ticket_page(tickets, s.raw(Collection::Transactions), page, size)
    }))
}

pub(super) async fn customer_tickets(
    State(api): State<ApiState>,
    Path((dispensary, id, page, size)): Path<(String, String, String, String)>,
) -> Answer {
    api.served(&dispensary)?;
    let (page, size) = paging(&page, &size, MAX_PAGE_SIZE as usize)?;
    Ok(api.store.read(|s| {
        let tickets = sim_wire::tickets(s, &dispensary)
            .filter(|t| t.customer_id.as_deref() == Some(id.as_str()))
            .collect();
        ticket_page(tickets, &[], page, size)
    }))
}

/// The ticket `id` at `dispensary`, online order or register sale.
fn find_ticket(s: &SimState, dispensary: &str, id: &str) -> Option<Ticket> {
    sim_wire::tickets(s, dispensary).find(|t| t.ticket_id == id)
}

pub(super) async fn ticket(
    State(api): State<ApiState>,
    Path((dispensary, id)): Path<(String, String)>,
) -> Answer {
    api.served(&dispensary)?;
    let found = api.store.read(|s| find_ticket(s, &dispensary, &id));
    match found {
        Some(ticket) => Ok(Json(json!({
            "resultCode": "SUCCESS", "resultReason": null, "resultDetail": null,
            "ticketList": [ticket],
        }))
        .into_response()),
        None => Err(Refused(
            StatusCode::BAD_REQUEST,
            "TICKET_NOT_FOUND",
            format!("Cannot find the ticket {id}"),
        )),
    }
}

/// A new ticket's lines, priced, once its body is checked as Treez checks it.
fn priced(
    api: &ApiState,
    dispensary: &str,
    body: &NewTicket,
) -> Result<Vec<OrderLineSubmission>, Refused> {
    let format = |m: String| Refused(StatusCode::BAD_REQUEST, "TICKET_FORMAT_ERROR", m);
    if !TICKET_TYPES.contains(&body.kind.as_str()) {
        return Err(format(format!("type {} is not valid", body.kind)));
    }
    if !CREATE_STATUSES.contains(&body.order_status.as_str()) {
        return Err(Refused(
            StatusCode::BAD_REQUEST,
            "INVALID_TICKET_STATUS",
            format!("'{}' is invalid value", body.order_status),
        ));
    }
    if body.items.is_empty() || body.revenue_source.trim().is_empty() {
        return Err(format("items and revenue_source are required".to_owned()));
    }
    api.store.read(|s| {
        if !s.customers.contains_key(&body.customer_id) {
            return Err(Refused(
                StatusCode::BAD_REQUEST,
                "CUSTOMER_DOESNT_EXIST",
                format!("no customer {}", body.customer_id),
            ));
        }
        body.items
            .iter()
            .map(|item| {
                if item.quantity <= 0 {
                    return Err(format("quantity must be positive".to_owned()));
                }
                let product = s.products.get(&item.size_id).ok_or_else(|| {
                    Refused(
                        StatusCode::BAD_REQUEST,
                        "PRODUCT_NOT_FOUND",
                        format!("no product {} at {dispensary}", item.size_id),
                    )
                })?;
                Ok(OrderLineSubmission {
                    external_product_id: item.size_id.clone(),
                    quantity: item.quantity,
                    unit_price: product.rec_price.clone().unwrap_or_else(|| Money::usd(0)),
                })
            })
            .collect()
    })
}

pub(super) async fn preview_ticket(
    State(api): State<ApiState>,
    Path(dispensary): Path<String>,
    body: Result<Json<NewTicket>, JsonRejection>,
) -> Answer {
    api.served(&dispensary)?;
    let Json(body) = body?;
    let lines = priced(&api, &dispensary, &body)?;
    let total: i64 = lines.iter().map(|l| l.unit_price.amount * l.quantity).sum();
    let now = api.store.now();
    Ok(ok(Ticket {
        ticket_id: uuid::Uuid::new_v4().to_string(),
        order_number: None,
        external_order_number: None,
        kind: Some(body.kind),
        order_source: Some(body.order_source),
        customer_id: Some(body.customer_id),
        order_status: guesses::STATUS_PREVIEW.to_owned(),
        payment_status: Some("UNPAID".to_owned()),
        date_created: Some(now),
        last_updated_at: None,
        date_closed: None,
        total: Some(total as f64 / 100.0),
        ticket_note: None,
        refund_reason: None,
        original_ticket_id: None,
        items: lines
            .iter()
            .map(|l| TicketItem {
                product_id: l.external_product_id.clone(),
                quantity: l.quantity,
                price_sell: Some(l.unit_price.amount as f64 / 100.0),
                price_total: Some((l.unit_price.amount * l.quantity) as f64 / 100.0),
            })
            .collect(),
    }))
}

/// Creates a ticket. Treez has no idempotency key: the same `external_order_number`
/// twice is two tickets (the second kept apart under a reference of its own).
pub(super) async fn create_ticket(
    State(api): State<ApiState>,
    Path(dispensary): Path<String>,
    body: Result<Json<NewTicket>, JsonRejection>,
) -> Answer {
    api.served(&dispensary)?;
    let Json(body) = body?;
    let lines = priced(&api, &dispensary, &body)?;
    let Some(customer) = api
        .store
        .read(|s| s.customers.get(&body.customer_id).cloned())
    else {
        return customer_answer(None, &body.customer_id);
    };
    let fresh = api.store.next_id();
    let reference = match body.external_order_number.as_deref() {
        Some(number) if api.store.read(|s| s.order_by_reference(number).is_none()) => {
            number.to_owned()
        }
        Some(number) => format!("{number}#{fresh}"),
        None => format!("{}{fresh}", sim_wire::UNNUMBERED),
    };
    let (order, _) = api.store.submit_order(
        NewOrder {
            order_reference: reference,
            location_id: dispensary.clone(),
            customer_id: Some(customer.external_id.clone()),
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
            fulfillment: if body.kind == guesses::ticket_type(Fulfillment::Delivery) {
                Fulfillment::Delivery
            } else {
                Fulfillment::Pickup
            },
            delivery_address: body.delivery_address.map(|a| a.street),
            notes: body.ticket_note,
        },
        &body.order_status,
    )?;
    api.workflow.ticket_changed(&order);
    Ok(ok(api.store.read(|s| sim_wire::order_ticket(s, &order))))
}

pub(super) async fn update_ticket(
    State(api): State<ApiState>,
    Path((dispensary, id)): Path<(String, String)>,
    body: Result<Json<TicketUpdate>, JsonRejection>,
) -> Answer {
    api.served(&dispensary)?;
    let Json(body) = body?;
    let known = guesses::TICKET_STATUSES
        .iter()
        .any(|(s, _)| *s == body.order_status && *s != guesses::STATUS_PREVIEW);
    if !known {
        return Err(Refused(
            StatusCode::BAD_REQUEST,
            "INVALID_TICKET_STATUS",
            format!("'{}' is invalid value", body.order_status),
        ));
    }
    let at_dispensary = api.store.read(|s| {
        s.orders
            .get(&id)
            .is_some_and(|o| o.location_id == dispensary)
    });
    if !at_dispensary {
        return Err(Refused(
            StatusCode::BAD_REQUEST,
            "TICKET_NOT_FOUND",
            format!("Cannot find the ticket {id}"),
        ));
    }
    let order = api.workflow.advance_order(&id, &body.order_status).await?;
    Ok(ok(api.store.read(|s| sim_wire::order_ticket(s, &order))))
}
