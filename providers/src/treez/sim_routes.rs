//! The simulator's Treez API routes: the organization's stores, and per dispensary
//! (`/dispensary/v3/{dispensary}/…`) products (filters `active`, paged by query),
//! stock and customers (paged in the path), with the tickets' routes of
//! `super::sim_tickets` — all in Treez's envelope with its failure tokens. The JWT and the rate limit are checked in front of these routes
//! (`super::sim_auth`).

use std::sync::Arc;

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::guesses;
use super::models::{Envelope, FAIL, NewCustomer, ProductPage, StockPage};
use super::settings::MAX_PAGE_SIZE;
use super::sim_tickets;
use super::sim_webhooks::TreezWorkflow;
use super::sim_wire;
use super::wire_time;
use crate::model::ExternalCustomer;
use crate::simulator::store::{Collection, SimError, SimStore};

/// Treez's default (and, here, largest) product page size [spec]; other lists take
/// at most [`MAX_PAGE_SIZE`].
const DEFAULT_PRODUCT_PAGE: usize = 1000;
/// What the API routes share.
#[derive(Clone)]
pub(crate) struct ApiState {
    /// The store.
    pub store: SimStore,
    /// The dispensaries served (store location ids).
    pub dispensaries: Arc<[String]>,
    /// Staff's workflow, which also sends the webhooks.
    pub workflow: Arc<TreezWorkflow>,
}

/// The Treez API routes.
pub(crate) fn router(state: ApiState) -> Router {
    let d = "/dispensary/v3/{dispensary}";
    Router::new()
        .route("/service/catalog/v3/organization-entity", get(entities))
        .route(&format!("{d}/product/product_list"), get(products))
        .route(
            &format!("{d}/product/product_list/lastUpdated/after/{{after}}"),
            get(products_since),
        )
        .route(&format!("{d}/stock/getStock"), get(stock))
        .route(
            &format!("{d}/customer/lastUpdated/after/{{after}}/page/{{page}}/pagesize/{{size}}"),
            get(customers),
        )
        .route(
            &format!("{d}/customer/email/{{email}}"),
            get(customer_by_email),
        )
        .route(
            &format!("{d}/customer/phone/{{phone}}"),
            get(customer_by_phone),
        )
        .route(
            &format!("{d}/customer/detailcustomer"),
            post(create_customer),
        )
        .route(
            &format!("{d}/customer/{}/{{id}}", guesses::CUSTOMER_UPDATE_PATH),
            put(update_customer),
        )
        .route(&format!("{d}/customer/{{id}}"), get(customer))
        .route(
            &format!("{d}/ticket/lastUpdated/{{after}}/page/{{page}}/pagesize/{{size}}"),
            get(sim_tickets::tickets_since),
        )
        .route(
            &format!("{d}/ticket/customer/{{id}}/page/{{page}}/pagesize/{{size}}"),
            get(sim_tickets::customer_tickets),
        )
        .route(
            &format!("{d}/ticket/previewticket"),
            post(sim_tickets::preview_ticket),
        )
        .route(
            &format!("{d}/ticket/detailticket"),
            post(sim_tickets::create_ticket),
        )
        .route(
            &format!("{d}/ticket/{}/{{id}}", guesses::TICKET_UPDATE_PATH),
            put(sim_tickets::update_ticket),
        )
        .route(&format!("{d}/ticket/{{id}}"), get(sim_tickets::ticket))
        .with_state(state)
}

/// A failure envelope.
pub(crate) fn fail(status: StatusCode, reason: &str, detail: Option<&str>) -> Response {
    let body =
        json!({"resultCode": FAIL, "resultReason": reason, "resultDetail": detail, "data": null});
    (status, Json(body)).into_response()
}

/// A success envelope around `data`.
pub(super) fn ok<T: Serialize>(data: T) -> Response {
    Json(Envelope::success(data)).into_response()
}

/// A refusal in Treez's terms.
pub(super) struct Refused(pub StatusCode, pub &'static str, pub String);

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        fail(self.0, self.1, Some(&self.2))
    }
}

impl From<SimError> for Refused {
    fn from(e: SimError) -> Self {
        match e {
            SimError::UnknownOrder(_) => {
                Refused(StatusCode::BAD_REQUEST, "TICKET_NOT_FOUND", e.to_string())
            }
            SimError::UnknownProduct(_) => {
                Refused(StatusCode::BAD_REQUEST, "PRODUCT_NOT_FOUND", e.to_string())
            }
            SimError::WrongOrderState { .. } | SimError::InsufficientStock { .. } => Refused(
                StatusCode::BAD_REQUEST,
                "INVALID_TICKET_STATUS",
                e.to_string(),
            ),
            _ => Refused(
                StatusCode::BAD_REQUEST,
                "TICKET_FORMAT_ERROR",
                e.to_string(),
            ),
        }
    }
}

impl From<JsonRejection> for Refused {
    fn from(e: JsonRejection) -> Self {
        Refused(
            StatusCode::BAD_REQUEST,
            "TICKET_FORMAT_ERROR",
            e.body_text(),
        )
    }
}

pub(super) type Answer = Result<Response, Refused>;

impl ApiState {
    /// Refuses a dispensary this simulator does not serve **[guess: the token]**.
    pub(super) fn served(&self, dispensary: &str) -> Result<(), Refused> {
        if self.dispensaries.iter().any(|d| d == dispensary) {
            Ok(())
        } else {
            Err(Refused(
                StatusCode::NOT_FOUND,
                "DISPENSARY_NOT_FOUND",
                format!("no dispensary {dispensary}"),
            ))
        }
    }
}

/// A time in a path or query, in exactly Treez's form.
pub(super) fn time(raw: &str) -> Result<DateTime<Utc>, Refused> {
    wire_time::parse_strict(raw).ok_or_else(|| {
        Refused(
            StatusCode::BAD_REQUEST,
            "INVALID_DATE_FORMAT",
            "use yyyy-MM-ddTHH:mm:ss.SSSXXX".to_owned(),
        )
    })
}

/// A page number (from 1) and size (at most `max`).
pub(super) fn paging(page: &str, size: &str, max: usize) -> Result<(usize, usize), Refused> {
    let number = |raw: &str| raw.trim().parse::<usize>().ok().filter(|n| *n > 0);
    let (Some(page), Some(size)) = (number(page), number(size)) else {
        return Err(Refused(
            StatusCode::BAD_REQUEST,
            "INVALID_PAGE_PARAMETER",
            "page and pagesize are positive numbers".to_owned(),
        ));
    };
    if size > max {
        return Err(Refused(
            StatusCode::BAD_REQUEST,
            "RESPONSE_LIMIT_EXCEEDS",
            format!("pagesize must be at most {max}"),
        ));
    }
    Ok((page, size))
}

/// One page of `rows` followed by the raw records injected into the listing.
pub(super) fn page_of(
    rows: Vec<Value>,
    raws: &[Value],
    page: usize,
    size: usize,
) -> (Vec<Value>, usize) {
    let total = rows.len() + raws.len();
    let data = rows
        .into_iter()
        .chain(raws.iter().cloned())
        .skip((page - guesses::FIRST_PAGE as usize) * size)
        .take(size)
        .collect();
    (data, total)
}

pub(super) fn to_value<T: Serialize>(value: T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

async fn entities(State(api): State<ApiState>) -> Response {
    let entities: Vec<_> = api
        .store
        .read(|s| s.locations.iter().map(sim_wire::entity).collect());
    Json(entities).into_response()
}

#[derive(Deserialize)]
struct ProductQuery {
    page: Option<String>,
    pagesize: Option<String>,
    active: Option<String>,
}

async fn products(
    state: State<ApiState>,
    dispensary: Path<String>,
    query: Query<ProductQuery>,
) -> Answer {
    list_products(state, dispensary.0, None, query.0)
}

async fn products_since(
    state: State<ApiState>,
    Path((dispensary, after)): Path<(String, String)>,
    query: Query<ProductQuery>,
) -> Answer {
    list_products(state, dispensary, Some(time(&after)?), query.0)
}

fn list_products(
    State(api): State<ApiState>,
    dispensary: String,
    after: Option<DateTime<Utc>>,
    query: ProductQuery,
) -> Answer {
    api.served(&dispensary)?;
    let active = match query
        .active
        .as_deref()
        .map(str::to_ascii_uppercase)
        .as_deref()
    {
        None | Some("TRUE" | "1") => Some(true),
        Some("FALSE" | "0") => Some(false),
        Some("ALL") => None,
        Some(_) => {
            return Err(Refused(
                StatusCode::BAD_REQUEST,
                "INVALID_ACTIVE_PARAMETER",
                "Possible values are: true, false, 1, 0, all".to_owned(),
            ));
        }
    };
    let (page, size) = paging(
        query.page.as_deref().unwrap_or("1"),
        &query
            .pagesize
            .unwrap_or_else(|| DEFAULT_PRODUCT_PAGE.to_string()),
        DEFAULT_PRODUCT_PAGE,
    )?;
    Ok(api.store.read(|s| {
        let mut rows: Vec<_> = s
            .products
            .values()
            .filter(|p| active.is_none_or(|a| p.active == a))
            .filter(|p| after.is_none_or(|t| p.modified_at.is_some_and(|m| m >= t)))
            .collect();
        rows.sort_by(|a, b| {
            a.name
                .cmp(&b.name)
                .then_with(|| a.external_id.cmp(&b.external_id))
        });
        let rows = rows
            .into_iter()
            .map(|p| {
                let stock = s.stock.get(&(p.external_id.clone(), dispensary.clone()));
                to_value(sim_wire::product(p, stock))
            })
            .collect();
        let (product_list, total) = page_of(rows, s.raw(Collection::Products), page, size);
        ok(ProductPage {
            page_count: Some(product_list.len() as u64),
            total_count: Some(total as u64),
            product_list,
        })
    }))
}

#[derive(Deserialize)]
struct StockQuery {
    page: Option<String>,
    page_size: Option<String>,
    last_update_date: Option<String>,
}

async fn stock(
    State(api): State<ApiState>,
    Path(dispensary): Path<String>,
    Query(query): Query<StockQuery>,
) -> Answer {
    api.served(&dispensary)?;
    let after = query.last_update_date.as_deref().map(time).transpose()?;
    let (page, size) = paging(
        query.page.as_deref().unwrap_or("1"),
        query.page_size.as_deref().unwrap_or("50"),
        MAX_PAGE_SIZE as usize,
    )?;
    Ok(api.store.read(|s| {
        let rows = s
            .stock_at(&dispensary)
            .filter(|e| after.is_none_or(|t| e.modified_at >= t))
            .map(|e| to_value(sim_wire::stock_row(s.products.get(&e.product_id), e)))
            .collect();
        let (stock, total) = page_of(rows, s.raw(Collection::Stock), page, size);
        ok(StockPage {
            page_elements: Some(stock.len() as u64),
            total_elements: Some(total as u64),
            stock,
        })
    }))
}

async fn customers(
    State(api): State<ApiState>,
    Path((dispensary, after, page, size)): Path<(String, String, String, String)>,
) -> Answer {
    api.served(&dispensary)?;
    let after = time(&after)?;
    let (page, size) = paging(&page, &size, MAX_PAGE_SIZE as usize)?;
    Ok(api.store.read(|s| {
        let rows = s
            .customers
            .values()
            .filter(|c| c.modified_at.is_some_and(|m| m >= after))
            .map(|c| to_value(sim_wire::customer(c)))
            .collect();
        let (data, total) = page_of(rows, s.raw(Collection::Customers), page, size);
        let mut envelope = Envelope::success(data);
        envelope.total_elements = Some(total as u64);
        envelope.total_pages = Some(total.div_ceil(size) as u64);
        Json(envelope).into_response()
    }))
}

pub(super) fn customer_answer(found: Option<ExternalCustomer>, key: &str) -> Answer {
    match found {
        Some(c) => Ok(ok(sim_wire::customer(&c))),
        None => Err(Refused(
            StatusCode::NOT_FOUND,
            "CUSTOMER_DOESNT_EXIST",
            format!("no customer {key}"),
        )),
    }
}

fn find_customer(
    api: &ApiState,
    matches: impl Fn(&ExternalCustomer) -> bool,
) -> Option<ExternalCustomer> {
    api.store
        .read(|s| s.customers.values().find(|c| matches(c)).cloned())
}

async fn customer(
    State(api): State<ApiState>,
    Path((dispensary, id)): Path<(String, String)>,
) -> Answer {
    api.served(&dispensary)?;
    customer_answer(api.store.read(|s| s.customers.get(&id).cloned()), &id)
}

async fn customer_by_email(
    State(api): State<ApiState>,
    Path((dispensary, email)): Path<(String, String)>,
) -> Answer {
    api.served(&dispensary)?;
    let found = find_customer(&api, |c| {
        c.email
            .as_deref()
            .is_some_and(|e| e.eq_ignore_ascii_case(&email))
    });
    customer_answer(found, "with this e-mail")
}

async fn customer_by_phone(
    State(api): State<ApiState>,
    Path((dispensary, phone)): Path<(String, String)>,
) -> Answer {
    api.served(&dispensary)?;
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    let wanted = digits(&phone);
    let found = find_customer(&api, |c| {
        !wanted.is_empty() && c.phone.as_deref().is_some_and(|p| digits(p) == wanted)
    });
    customer_answer(found, "with this phone")
}

/// The store's customer made of a `detailcustomer` body (`id` empty for a new one).
fn customer_of(id: String, body: NewCustomer) -> Result<ExternalCustomer, Refused> {
    if body.first_name.trim().is_empty() {
        return Err(Refused(
            StatusCode::BAD_REQUEST,
            "CUSTOMER_FIRST_NAME_BLANK",
            "first_name is required".to_owned(),
        ));
    }
    Ok(ExternalCustomer {
        external_id: id,
        first_name: Some(body.first_name),
        last_name: body.last_name,
        email: body.email,
        phone: body.phone,
        date_of_birth: body
            .birthday
            .as_deref()
            .and_then(|b| chrono::NaiveDate::parse_from_str(b, "%Y-%m-%d").ok()),
        medical_id: body.state_medical_id,
        medical_id_expires: None,
        address: None,
        city: None,
        state: None,
        postal_code: None,
        marketing_opt_in: None,
        modified_at: None,
    })
}

async fn create_customer(
    State(api): State<ApiState>,
    Path(dispensary): Path<String>,
    body: Result<Json<NewCustomer>, JsonRejection>,
) -> Answer {
    api.served(&dispensary)?;
    let Json(body) = body?;
    let id = api.store.upsert_customer(customer_of(String::new(), body)?);
    customer_answer(api.store.read(|s| s.customers.get(&id).cloned()), &id)
}

async fn update_customer(
    State(api): State<ApiState>,
    Path((dispensary, id)): Path<(String, String)>,
    body: Result<Json<NewCustomer>, JsonRejection>,
) -> Answer {
    api.served(&dispensary)?;
    let Json(body) = body?;
    let Some(existing) = api.store.read(|s| s.customers.get(&id).cloned()) else {
        return customer_answer(None, &id);
    };
    let update = customer_of(id.clone(), body)?;
    api.store.upsert_customer(ExternalCustomer {
        medical_id_expires: existing.medical_id_expires,
        address: existing.address,
        city: existing.city,
        state: existing.state,
        postal_code: existing.postal_code,
        marketing_opt_in: existing.marketing_opt_in,
        ..update
    });
    customer_answer(api.store.read(|s| s.customers.get(&id).cloned()), &id)
}
