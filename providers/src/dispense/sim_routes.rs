//! The simulator's Dispense API routes: venues, products and orders lists
//! with `skip`/`limit`/`sort`/`modifiedStart`/`modifiedEnd`, carts, and the
//! order endpoints **[guess]**, all answering in Dispense's shapes and error
//! bodies. Authentication and rate limits are applied around these routes
//! by [`super::simulator`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::guesses;
use super::models::{
    CancelOrder, Cart, CartItem, ErrorBody, ErrorDetail, ListEnvelope, MessageBody, NewCart,
    NewOrder, Order,
};
use super::settings::MAX_PAGE_SIZE;
use super::sim_wire;
use crate::model::{
    ExternalCustomer, ExternalProduct, Fulfillment, Money, OrderCustomer, OrderLineSubmission,
};
use crate::simulator::store::{self, Collection, SimError, SimStore, StockEntry};

/// Dispense's default page size.
const DEFAULT_LIMIT: u64 = 100;

/// A cart kept until it is ordered.
#[derive(Debug, Clone)]
struct StoredCart {
    venue_id: String,
    user_id: Option<String>,
    customer: OrderCustomer,
    fulfillment: Fulfillment,
    lines: Vec<OrderLineSubmission>,
    unavailable: bool,
}

/// What the API routes share.
#[derive(Debug, Clone)]
pub(crate) struct ApiState {
    store: SimStore,
    carts: Arc<Mutex<HashMap<String, StoredCart>>>,
}

/// The Dispense API routes over `store`.
pub(crate) fn router(store: SimStore) -> Router {
    Router::new()
        .route("/venues/{id}", get(venue))
        .route("/products", get(products))
        .route("/orders", get(orders))
        .route(
            &format!("/{}", guesses::ORDERS_CREATE_PATH),
            post(create_order),
        )
        .route(&format!("/{}/{{id}}", guesses::ORDER_PATH), get(order))
        .route(
            &format!(
                "/{}/{{id}}/{}",
                guesses::ORDER_PATH,
                guesses::ORDER_CANCEL_SEGMENT
            ),
            post(cancel_order),
        )
        .route("/carts", post(create_cart))
        .with_state(ApiState {
            store,
            carts: Arc::default(),
        })
}

/// A refusal in Dispense's shapes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ApiError {
    /// 401 `UnauthenticatedError` (bad key, missing venue id).
    Unauthenticated(&'static str),
    /// 404 `{"message": "venue not found"}`.
    VenueNotFound,
    /// 404 `NotFoundError`.
    NotFound(&'static str),
    /// 400 `ValidationError`.
    Validation(String),
    /// 409 `ConflictError`.
    Conflict(String),
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, name, message) = match self {
            ApiError::VenueNotFound => {
                let body = MessageBody {
                    message: "venue not found".to_owned(),
                };
                return (StatusCode::NOT_FOUND, Json(body)).into_response();
            }
            ApiError::Unauthenticated(m) => (
                StatusCode::UNAUTHORIZED,
                "UnauthenticatedError",
                m.to_owned(),
            ),
            ApiError::NotFound(m) => (StatusCode::NOT_FOUND, "NotFoundError", m.to_owned()),
            ApiError::Validation(m) => (StatusCode::BAD_REQUEST, "ValidationError", m),
            ApiError::Conflict(m) => (StatusCode::CONFLICT, "ConflictError", m),
        };
        let body = ErrorBody {
            name: name.to_owned(),
            message: message.clone(),
            errors: vec![ErrorDetail {
                kind: name.to_owned(),
                message,
            }],
        };
        (status, Json(body)).into_response()
    }
}

impl From<SimError> for ApiError {
    fn from(e: SimError) -> Self {
        match e {
            SimError::UnknownOrder(_) => ApiError::NotFound("order not found"),
            SimError::WrongOrderState { .. } | SimError::InsufficientStock { .. } => {
                ApiError::Conflict(e.to_string())
            }
            _ => ApiError::Validation(e.to_string()),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(e: QueryRejection) -> Self {
        ApiError::Validation(e.body_text())
    }
}

impl From<JsonRejection> for ApiError {
    fn from(e: JsonRejection) -> Self {
        ApiError::Validation(e.body_text())
    }
}

type ApiResult = Result<Response, ApiError>;

/// List query parameters.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListQuery {
    venue_id: Option<String>,
    skip: Option<u64>,
    limit: Option<u64>,
    sort: Option<String>,
    modified_start: Option<DateTime<Utc>>,
    modified_end: Option<DateTime<Utc>>,
    status: Option<String>,
}

impl ListQuery {
    fn within(&self, modified: DateTime<Utc>) -> bool {
        self.modified_start.is_none_or(|start| modified >= start)
            && self.modified_end.is_none_or(|end| modified <= end)
    }

    /// Raw (bad) records of `collection` injected for this venue, within the window.
    fn raws(&self, store: &store::SimState, collection: Collection, venue: &str) -> Vec<Value> {
        store
            .raw(collection)
            .iter()
            .filter(|raw| raw.get("venue").and_then(Value::as_str) == Some(venue))
            .filter(|raw| {
                raw.get("modified")
                    .and_then(|m| serde_json::from_value::<DateTime<Utc>>(m.clone()).ok())
                    .is_none_or(|m| self.within(m))
            })
            .cloned()
            .collect()
    }
}

/// A product row to list: the product, its stock at the venue, its `modified`.
type Row<'a> = (&'a ExternalProduct, Option<&'a StockEntry>, DateTime<Utc>);

/// What a list is sorted by.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum SortKey {
    Text(String),
    Time(DateTime<Utc>),
}

/// Sorts by `sort` (`field` or `-field`); `None` keeps the store's order.
fn sort_rows<T>(
    rows: &mut [T],
    sort: Option<&str>,
    key: impl Fn(&T, &str) -> Option<SortKey>,
    fields: &[&str],
) -> Result<(), ApiError> {
    let Some(sort) = sort else { return Ok(()) };
    let (descending, field) = match sort.strip_prefix('-') {
        Some(field) => (true, field),
        None => (false, sort),
    };
    if !fields.contains(&field) {
        return Err(ApiError::Validation(format!("cannot sort by {field}")));
    }
    rows.sort_by_cached_key(|row| key(row, field));
    if descending {
        rows.reverse();
    }
    Ok(())
}

/// One page over `rows` followed by `raws`, rendering only the page's rows.
fn page<T, W: Serialize>(
    rows: &[T],
    raws: Vec<Value>,
    query: &ListQuery,
    render: impl Fn(&T) -> W,
) -> ListEnvelope<Value> {
    let skip = query.skip.unwrap_or(0);
    let limit = query
        .limit
        .unwrap_or(DEFAULT_LIMIT)
        .clamp(1, u64::from(MAX_PAGE_SIZE));
    let count = (rows.len() + raws.len()) as u64;
    let first = usize::try_from(skip).unwrap_or(usize::MAX);
    let wanted = usize::try_from(limit).unwrap_or(usize::MAX);
    // Render only this page's rows: skipping a mapped iterator would render them all.
    let typed = rows
        .iter()
        .skip(first)
        .take(wanted)
        .map(|row| serde_json::to_value(render(row)).unwrap_or(Value::Null));
    let raw_skip = first.saturating_sub(rows.len());
    let data: Vec<Value> = typed
        .chain(raws.into_iter().skip(raw_skip))
        .take(wanted)
        .collect();
    ListEnvelope {
        count,
        page_count: data.len() as u64,
        skip,
        limit,
        data,
    }
}

/// The query and its venue; Dispense answers a venue-less list as unauthenticated.
fn list_query(
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<(ListQuery, String), ApiError> {
    let Query(query) = query?;
    match query.venue_id.clone() {
        Some(venue) => Ok((query, venue)),
        None => Err(ApiError::Unauthenticated("invalid venue id")),
    }
}

async fn venue(State(api): State<ApiState>, Path(id): Path<String>) -> ApiResult {
    let venue = api.store.read(|s| s.location(&id).map(sim_wire::venue));
    Ok(Json(venue.ok_or(ApiError::VenueNotFound)?).into_response())
}

async fn products(
    State(api): State<ApiState>,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> ApiResult {
    let (query, venue) = list_query(query)?;
    api.store.read(|s| {
        // A deleted or unknown venue lists nothing (as Dispense does), not a 404.
        let known = s.location(&venue).is_some();
        let stock = sim_wire::venue_stock(s, &venue);
        let mut rows: Vec<_> = s
            .products
            .values()
            .filter(|_| known)
            .map(|p| {
                let entry = stock.get(p.external_id.as_str()).copied();
                (p, entry, sim_wire::modified_at(p, entry))
            })
            .filter(|(_, _, modified)| query.within(*modified))
            .collect();
        let key = |(p, _, modified): &Row<'_>, field: &str| match field {
            "name" => Some(SortKey::Text(p.name.clone())),
            "brand.name" => Some(SortKey::Text(p.brand.clone().unwrap_or_default())),
            "modified" => Some(SortKey::Time(*modified)),
            _ => None,
        };
        sort_rows(
            &mut rows,
            query.sort.as_deref(),
            key,
            &["name", "brand.name", "modified"],
        )?;
        let raws = if known {
            query.raws(s, Collection::Products, &venue)
        } else {
            Vec::new()
        };
        Ok(Json(page(&rows, raws, &query, |(p, entry, _)| {
            sim_wire::product(&s.offered(p, &venue), &venue, *entry)
        }))
        .into_response())
    })
}

async fn orders(
    State(api): State<ApiState>,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> ApiResult {
    let (query, venue) = list_query(query)?;
    api.store.read(|s| {
        let online = s
            .orders
            .values()
            .filter(|o| o.location_id == venue)
            .map(|o| sim_wire::order(s, o));
        let register = s
            .transactions
            .values()
            .filter(|t| t.external_location_id == venue)
            .filter_map(|t| sim_wire::register_entry(s, t));
        let mut rows: Vec<Order> = online
            .chain(register)
            .filter(|o| query.within(o.modified))
            .filter(|o| {
                query
                    .status
                    .as_deref()
                    .is_none_or(|st| st.eq_ignore_ascii_case(&o.status))
            })
            .collect();
        rows.sort_by(|a, b| a.created.cmp(&b.created).then_with(|| a.id.cmp(&b.id)));
        let key = |o: &Order, field: &str| match field {
            "created" => Some(SortKey::Time(o.created)),
            "modified" => Some(SortKey::Time(o.modified)),
            _ => None,
        };
        sort_rows(
            &mut rows,
            query.sort.as_deref(),
            key,
            &["created", "modified"],
        )?;
        let raws = query.raws(s, Collection::Transactions, &venue);
        Ok(Json(page(&rows, raws, &query, Clone::clone)).into_response())
    })
}

async fn order(State(api): State<ApiState>, Path(id): Path<String>) -> ApiResult {
    let found = api.store.read(|s| {
        s.orders
            .get(&id)
            .map(|o| sim_wire::order(s, o))
            .or_else(|| {
                s.transactions
                    .get(&id)
                    .and_then(|t| sim_wire::register_entry(s, t))
            })
    });
    Ok(Json(found.ok_or(ApiError::NotFound("order not found"))?).into_response())
}

async fn create_cart(
    State(api): State<ApiState>,
    body: Result<Json<NewCart>, JsonRejection>,
) -> ApiResult {
    let Json(cart) = body?;
    let priced = api.store.read(|s| {
        s.location(&cart.venue_id).ok_or(ApiError::VenueNotFound)?;
        cart.items
            .iter()
            .map(|item| {
                let product = s.products.get(&item.product_id).ok_or_else(|| {
                    ApiError::Validation(format!("product {} not found", item.product_id))
                })?;
                if item.quantity <= 0 {
                    return Err(ApiError::Validation("quantity must be positive".to_owned()));
                }
                let on_hand = s.on_hand(&item.product_id, &cart.venue_id);
                let status = if on_hand == 0 {
                    Some("SOLD_OUT")
                } else if on_hand < item.quantity {
                    Some("QUANTITY_NOT_AVAILABLE")
                } else {
                    None
                };
                Ok((
                    item,
                    product.rec_price.clone().unwrap_or_else(|| Money::usd(0)),
                    status,
                ))
            })
            .collect::<Result<Vec<_>, ApiError>>()
    })?;
    let id = api.store.next_id();
    let items: Vec<CartItem> = priced
        .iter()
        .enumerate()
        .map(|(i, (item, price, status))| CartItem {
            id: format!("{id}-{}", i + 1),
            product: item.product_id.clone(),
            quantity: item.quantity,
            status: status.map(str::to_owned),
            price: price.amount as f64 / 100.0,
        })
        .collect();
    let stored = StoredCart {
        venue_id: cart.venue_id.clone(),
        user_id: cart.user_id.clone(),
        customer: OrderCustomer {
            external_id: cart.user_id.clone(),
            first_name: cart.first_name.clone(),
            last_name: cart.last_name.clone(),
            email: cart.email.clone(),
            phone: cart.phone.clone(),
            date_of_birth: None,
            medical_id: None,
        },
        fulfillment: match cart.pick_up_type.as_deref() {
            Some(t) if t == guesses::pick_up_type(Fulfillment::Delivery) => Fulfillment::Delivery,
            _ => Fulfillment::Pickup,
        },
        lines: priced
            .iter()
            .map(|(item, price, _)| OrderLineSubmission {
                external_product_id: item.product_id.clone(),
                quantity: item.quantity,
                unit_price: price.clone(),
            })
            .collect(),
        unavailable: priced.iter().any(|(_, _, status)| status.is_some()),
    };
    let subtotal = stored
        .lines
        .iter()
        .map(|l| l.unit_price.amount * l.quantity)
        .sum::<i64>() as f64
        / 100.0;
    api.carts
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(id.clone(), stored);
    let cart = Cart {
        id,
        items,
        subtotal,
        checkout_url: None,
    };
    Ok((StatusCode::CREATED, Json(cart)).into_response())
}

async fn create_order(
    State(api): State<ApiState>,
    body: Result<Json<NewOrder>, JsonRejection>,
) -> ApiResult {
    let Json(request) = body?;
    let existing = api.store.read(|s| {
        s.order_by_reference(&request.external_order_id)
            .map(|o| sim_wire::order(s, o))
    });
    if let Some(order) = existing {
        return Ok(Json(order).into_response());
    }
    let cart = api
        .carts
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&request.cart_id)
        .cloned()
        .ok_or(ApiError::NotFound("cart not found"))?;
    if cart.unavailable {
        return Err(ApiError::Validation(
            "the cart has items that cannot be ordered".to_owned(),
        ));
    }
    // Dispense keeps a user for everyone who orders.
    let customer_id = cart.user_id.clone().unwrap_or_else(|| {
        api.store.upsert_customer(ExternalCustomer {
            external_id: String::new(),
            first_name: Some(cart.customer.first_name.clone()),
            last_name: Some(cart.customer.last_name.clone()),
            email: cart.customer.email.clone(),
            phone: cart.customer.phone.clone(),
            date_of_birth: None,
            medical_id: None,
            medical_id_expires: None,
            address: None,
            city: None,
            state: None,
            postal_code: None,
            marketing_opt_in: None,
            modified_at: None,
        })
    });
    let new_order = store::NewOrder {
        order_reference: request.external_order_id.clone(),
        location_id: cart.venue_id,
        customer_id: Some(customer_id),
        customer: cart.customer,
        lines: cart.lines,
        fulfillment: cart.fulfillment,
        delivery_address: None,
        notes: request.notes,
    };
    let (order, created) = api.store.submit_order(new_order, guesses::STATUS_PENDING)?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(api.store.read(|s| sim_wire::order(s, &order)))).into_response())
}

async fn cancel_order(
    State(api): State<ApiState>,
    Path(id): Path<String>,
    body: Result<Json<CancelOrder>, JsonRejection>,
) -> ApiResult {
    let Json(request) = body?;
    let order = api
        .store
        .cancel_order(&id, guesses::STATUS_CANCELLED, Some(&request.reason))?;
    Ok(Json(api.store.read(|s| sim_wire::order(s, &order))).into_response())
}
