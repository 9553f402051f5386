//! `GET /customer/customers`, `GET /customer/customers-paginated`,
//! `POST /customer/customer` and `POST /customer/search` served from the store.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

use super::super::customer_match::MATCH_TYPES;
use super::super::endpoints as ep;
use super::super::models::{CustomerSearchRequest, CustomerSearchResult, EcomCustomerEdit};
use super::render;
use super::wire::{
    Reject, SimContext, bad_request, in_range, json_body, ok, query_time, values, wire_id,
};
use crate::model::ExternalCustomer;
use crate::simulator::Collection;
use crate::simulator::store::SimState;

/// Dutchie's largest `PageSize`.
const MAX_PAGE_SIZE: usize = 10_000;

#[derive(Debug, Deserialize)]
pub(crate) struct CustomersQuery {
    #[serde(rename = "fromLastModifiedDateUTC")]
    from: Option<String>,
    #[serde(rename = "toLastModifiedDateUTC")]
    to: Option<String>,
    #[serde(rename = "customerID")]
    customer_id: Option<i32>,
    #[serde(rename = "PageNumber")]
    page_number: Option<usize>,
    #[serde(rename = "PageSize")]
    page_size: Option<usize>,
}

/// Every matching customer rendered, then the injected raw records.
fn listing(s: &SimState, q: &CustomersQuery) -> Result<Vec<serde_json::Value>, Reject> {
    let from = query_time(q.from.as_deref(), "fromLastModifiedDateUTC")?;
    let to = query_time(q.to.as_deref(), "toLastModifiedDateUTC")?;
    let mut out = values(
        s.customers
            .values()
            .filter(|c| in_range(c.modified_at, from, to))
            .filter_map(|c| Some(render::customer(c, wire_id(&c.external_id, "customer")?)))
            .filter(|c| q.customer_id.is_none_or(|id| id == c.customer_id)),
    );
    out.extend(s.raw(Collection::Customers).iter().cloned());
    Ok(out)
}

pub(crate) async fn customers(
    State(ctx): State<SimContext>,
    Query(q): Query<CustomersQuery>,
) -> Result<Response, Reject> {
    let list = ctx.store.read(|s| listing(s, &q))?;
    if list.is_empty() && q.customer_id.is_some() {
        return Err(Reject::NotFound("Customer not found"));
    }
    Ok(ok(list))
}

/// Pages numbered from 0; a page past the end is an empty array.
pub(crate) async fn customers_paginated(
    State(ctx): State<SimContext>,
    Query(q): Query<CustomersQuery>,
) -> Result<Response, Reject> {
    let size = q.page_size.unwrap_or(1000);
    if size == 0 || size > MAX_PAGE_SIZE {
        return Err(bad_request(
            "PageSize must be between 1 and 10000",
            Some("PageSize"),
        ));
    }
    let page = q.page_number.unwrap_or(0);
    let list = ctx.store.read(|s| listing(s, &q))?;
    let page: Vec<_> = list
        .into_iter()
        .skip(page.saturating_mul(size))
        .take(size)
        .collect();
    Ok(ok(page))
}

fn edited(edit: EcomCustomerEdit, id: String) -> ExternalCustomer {
    ExternalCustomer {
        external_id: id,
        first_name: Some(edit.first_name),
        last_name: edit.last_name,
        email: edit.email_address,
        phone: edit.phone,
        date_of_birth: edit.date_of_birth.map(|t| t.date_naive()),
        medical_id: edit.mmjid_number,
        medical_id_expires: edit.mmjid_expiration_date.map(|t| t.date_naive()),
        address: Some(edit.address1),
        city: Some(edit.city),
        state: Some(edit.state),
        postal_code: Some(edit.postal_code),
        marketing_opt_in: None,
        modified_at: None,
    }
}

/// Creates (no `customerId`) or updates a profile; idempotent on `ConsumerKey` + `idempotencyKey`.
pub(crate) async fn upsert(
    State(ctx): State<SimContext>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Reject> {
    let edit: EcomCustomerEdit = json_body(&body)?;
    for (field, value) in [
        ("firstName", &edit.first_name),
        ("address1", &edit.address1),
        ("city", &edit.city),
        ("state", &edit.state),
        ("postalCode", &edit.postal_code),
        ("status", &edit.status),
        ("customerType", &edit.customer_type),
    ] {
        if value.trim().is_empty() {
            return Err(bad_request(format!("{field} is required"), Some(field)));
        }
    }
    let key = edit.idempotency_key.clone();
    let saved = ctx.idempotent(ep::CUSTOMER_UPSERT.name, &headers, key.as_deref(), || {
        let id = match edit.customer_id {
            Some(id) => {
                let id = id.to_string();
                let existing = ctx.store.read(|s| s.customers.get(&id).cloned());
                let Some(existing) = existing else {
                    return Err(Reject::NotFound("Customer not found"));
                };
                let mut updated = edited(edit, id);
                updated.marketing_opt_in = existing.marketing_opt_in;
                return Ok(ctx.store.upsert_customer(updated));
            }
            None => String::new(),
        };
        Ok(ctx.store.upsert_customer(edited(edit, id)))
    });
    let id = saved?;
    let customer = ctx.store.read(|s| {
        let c = s.customers.get(&id)?;
        Some(render::customer(c, wire_id(&c.external_id, "customer")?))
    });
    customer
        .map(ok)
        .ok_or(Reject::NotFound("Customer not found"))
}

/// Independent matching on each criterion; one result per (customer, criterion).
pub(crate) async fn search(State(ctx): State<SimContext>, body: Bytes) -> Result<Response, Reject> {
    let request: CustomerSearchRequest = json_body(&body)?;
    let same = |a: &Option<String>, b: &Option<String>| matches!((a, b), (Some(a), Some(b)) if !a.is_empty() && a.eq_ignore_ascii_case(b));
    let dob = request.date_of_birth.map(|t| t.date_naive());
    if request == CustomerSearchRequest::default() {
        return Err(bad_request(
            "At least one search criterion is required",
            None,
        ));
    }
    let results = ctx.store.read(|s| {
        let mut out = Vec::new();
        for c in s.customers.values() {
            let Some(customer_id) = wire_id(&c.external_id, "customer") else {
                continue;
            };
            let hits = [
                same(&request.mmjid_number, &c.medical_id),
                same(&request.email_address, &c.email),
                same(&request.phone, &c.phone),
                same(&request.last_name, &c.last_name) && dob.is_some() && dob == c.date_of_birth,
            ];
            out.extend(
                hits.iter()
                    .zip(MATCH_TYPES)
                    .filter(|(hit, _)| **hit)
                    .map(|(_, kind)| CustomerSearchResult {
                        match_type: Some(kind.to_owned()),
                        customer_id,
                    }),
            );
        }
        out
    });
    Ok(ok(results))
}
