//! The Jane simulator's API routes (behind its bearer check): the menu in
//! both paths, paged with `pagination_id`; the store; and the partner order
//! and cart API [guess]. Paths come from `guesses`, so the adapter and the
//! simulator cannot disagree on them.

use std::sync::Arc;

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::model::{ExternalProduct, Fulfillment, Money, OrderCustomer, OrderLineSubmission};
use crate::simulator::store::{Collection, NewOrder, SimError, SimOrder, SimStore};

use super::guesses::{self, STATUS_PENDING};
use super::mapping::parse_time;
use super::models::{
    CancelOrder, Cart, CartEnvelope, CartProduct, CartResponse, Carts, CreateOrder, CreateReturn,
    MenuProducts, Page, PageMetadata, StoreEnvelope, StoreResponse,
};
use super::settings::MAX_PAGE_SIZE;
use super::sim_wire;
use super::simulator::JaneWorkflow;

/// What the API routes share.
#[derive(Clone)]
pub(crate) struct ApiState {
    /// The simulated POS.
    pub store: SimStore,
    /// The one store this Jane serves.
    pub store_id: String,
    /// The workflow that emits webhooks on order changes.
    pub webhooks: Arc<JaneWorkflow>,
}

/// The API routes over `state`.
pub(crate) fn router(state: ApiState) -> Router {
    let template = |path: String| format!("/{path}");
    Router::new()
        .route("/roots/menu_api/v1/menu_products", get(roots_menu))
        .route("/partner/v1/stores/{id}/menu_products", get(partner_menu))
        .route(&template(guesses::store_path("{id}")), get(store))
        .route(&template(guesses::carts_path("{id}")), get(carts))
        .route(&template(guesses::orders_path("{id}")), post(create_order))
        .route(&template(guesses::order_path("{id}", "{cart}")), get(order))
        .route(
            &template(guesses::order_cancel_path("{id}", "{cart}")),
            post(cancel_order),
        )
        .route(
            &template(guesses::order_returns_path("{id}", "{cart}")),
            post(return_lines),
        )
        .with_state(state)
}

/// Why a simulated API call failed, answered as Jane-style JSON.
enum ApiError {
    /// 400: an unreadable query or body.
    BadRequest(String),
    /// 404: no such store.
    UnknownStore,
    /// 500: the simulator could not render its own data.
    Internal(String),
    /// The store refused the change.
    Sim(SimError),
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, message) = match self {
            ApiError::BadRequest(m) => (StatusCode::BAD_REQUEST, m),
            ApiError::UnknownStore => (StatusCode::NOT_FOUND, "store not found".to_owned()),
            ApiError::Internal(m) => (StatusCode::INTERNAL_SERVER_ERROR, m),
            ApiError::Sim(e) => return e.into_response(),
        };
        (status, Json(serde_json::json!({"error": message}))).into_response()
    }
}

impl From<SimError> for ApiError {
    fn from(e: SimError) -> Self {
        ApiError::Sim(e)
    }
}

impl From<serde_json::Error> for ApiError {
    fn from(e: serde_json::Error) -> Self {
        ApiError::Internal(e.to_string())
    }
}

impl From<QueryRejection> for ApiError {
    fn from(e: QueryRejection) -> Self {
        ApiError::BadRequest(e.body_text())
    }
}

impl From<JsonRejection> for ApiError {
    fn from(e: JsonRejection) -> Self {
        ApiError::BadRequest(e.body_text())
    }
}

type ApiResult = Result<Response, ApiError>;

impl ApiState {
    fn check_store(&self, id: &str) -> Result<(), ApiError> {
        if id == self.store_id {
            Ok(())
        } else {
            Err(ApiError::UnknownStore)
        }
    }
}

/// One page of `items` from the offset in `cursor`; the next cursor when more remain.
fn page<T>(
    items: Vec<T>,
    cursor: Option<&str>,
    size: Option<u32>,
) -> Result<(Vec<T>, PageMetadata), ApiError> {
    let size = size.unwrap_or(MAX_PAGE_SIZE).clamp(1, MAX_PAGE_SIZE) as usize;
    let start = match cursor {
        Some(c) => c
            .parse::<usize>()
            .map_err(|_| ApiError::BadRequest(format!("bad pagination_id {c:?}")))?,
        None => 0,
    };
    let total = items.len();
    let end = start.saturating_add(size).min(total);
    let records: Vec<T> = items.into_iter().skip(start).take(size).collect();
    let metadata = PageMetadata {
        count: records.len() as u64,
        total: total as u64,
        pagination_id: (end < total).then(|| end.to_string()),
    };
    Ok((records, metadata))
}

/// One record of the menu before rendering: a product with its on-hand count, or a raw
/// record injected by a test.
enum MenuRecord<'a> {
    Product(&'a ExternalProduct, i64),
    Raw(&'a serde_json::Value),
}

/// The whole menu (plus injected raw records), paged: the page is cut from the listed
/// products first and only its records are rendered.
fn menu_page(
    state: &ApiState,
    include_hidden: bool,
    cursor: Option<&str>,
    size: Option<u32>,
) -> ApiResult {
    let (menu_products, metadata) = state.store.read(|s| {
        let listed: Vec<MenuRecord> = s
            .products
            .values()
            .map(|p| (p, s.on_hand(&p.external_id, &state.store_id)))
            .filter(|(p, on_hand)| {
                include_hidden || (s.offered(p, &state.store_id).active && *on_hand > 0)
            })
            .map(|(p, on_hand)| MenuRecord::Product(p, on_hand))
            .chain(s.raw(Collection::Products).iter().map(MenuRecord::Raw))
            .collect();
        let (records, metadata) = page(listed, cursor, size)?;
        let rendered = records
            .into_iter()
            .map(|record| match record {
                MenuRecord::Product(p, on_hand) => serde_json::to_value(sim_wire::menu_product(
                    &s.offered(p, &state.store_id),
                    &state.store_id,
                    on_hand,
                )),
                MenuRecord::Raw(raw) => Ok(raw.clone()),
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok::<_, ApiError>((rendered, metadata))
    })?;
    Ok(Json(Page {
        data: MenuProducts { menu_products },
        metadata,
    })
    .into_response())
}

#[derive(Deserialize)]
struct RootsMenuQuery {
    store_id: String,
    page_size: Option<u32>,
    #[serde(default)]
    include_invisible_and_out_of_stock: bool,
    pagination_id: Option<String>,
}

async fn roots_menu(
    State(state): State<ApiState>,
    query: Result<Query<RootsMenuQuery>, QueryRejection>,
) -> ApiResult {
    let Query(q) = query?;
    state.check_store(&q.store_id)?;
    menu_page(
        &state,
        q.include_invisible_and_out_of_stock,
        q.pagination_id.as_deref(),
        q.page_size,
    )
}

#[derive(Deserialize)]
struct PartnerMenuQuery {
    #[serde(default)]
    visible: bool,
    count: Option<u32>,
    pagination_id: Option<String>,
}

async fn partner_menu(
    State(state): State<ApiState>,
    Path(id): Path<String>,
    query: Result<Query<PartnerMenuQuery>, QueryRejection>,
) -> ApiResult {
    let Query(q) = query?;
    state.check_store(&id)?;
    menu_page(&state, !q.visible, q.pagination_id.as_deref(), q.count)
}

async fn store(State(state): State<ApiState>, Path(id): Path<String>) -> ApiResult {
    state.check_store(&id)?;
    let store = state
        .store
        .read(|s| s.location(&id).map(sim_wire::store))
        .ok_or(ApiError::UnknownStore)?;
    Ok(Json(StoreResponse {
        data: StoreEnvelope { store },
    })
    .into_response())
}

#[derive(Deserialize)]
struct CartsQuery {
    updated_since: Option<String>,
    count: Option<u32>,
    pagination_id: Option<String>,
}

/// Every cart of the store changed at or after `since` (whole seconds, as
/// Jane's times have): online orders, and register transactions that are not
/// an order's own sale, oldest change first.
fn carts_since(state: &ApiState, since: Option<DateTime<Utc>>) -> Vec<Cart> {
    let fresh = |at: DateTime<Utc>| since.is_none_or(|since| at.timestamp() >= since.timestamp());
    state.store.read(|s| {
        let orders = s
            .orders
            .values()
            .filter(|o| o.location_id == state.store_id && fresh(o.modified_at))
            .map(|o| {
                let completed = o
                    .transaction_id
                    .as_ref()
                    .and_then(|id| s.transactions.get(id))
                    .map(|t| t.occurred_at);
                (o.modified_at, sim_wire::order_cart(o, completed))
            });
        let register = s
            .transactions
            .values()
            .filter(|t| {
                t.external_location_id == state.store_id
                    && (t.is_return || t.external_order_id.is_none())
            })
            .map(|t| (t.modified_at.unwrap_or(t.occurred_at), t))
            .filter(|(at, _)| fresh(*at))
            .map(|(at, t)| {
                let customer = t
                    .external_customer_id
                    .as_ref()
                    .and_then(|id| s.customers.get(id));
                (
                    at,
                    sim_wire::transaction_cart(t, customer, t.order_reference.as_deref()),
                )
            });
        let mut carts: Vec<_> = orders.chain(register).collect();
        carts.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.id.cmp(&b.1.id)));
        carts.into_iter().map(|(_, cart)| cart).collect()
    })
}

async fn carts(
    State(state): State<ApiState>,
    Path(id): Path<String>,
    query: Result<Query<CartsQuery>, QueryRejection>,
) -> ApiResult {
    let Query(q) = query?;
    state.check_store(&id)?;
    let since = match q.updated_since.as_deref() {
        Some(raw) => Some(
            parse_time(Some(raw))
                .ok_or_else(|| ApiError::BadRequest(format!("bad updated_since {raw:?}")))?,
        ),
        None => None,
    };
    let mut items = carts_since(&state, since)
        .into_iter()
        .map(serde_json::to_value)
        .collect::<Result<Vec<_>, _>>()?;
    items.extend(
        state
            .store
            .read(|s| s.raw(Collection::Transactions).to_vec()),
    );
    let (carts, metadata) = page(items, q.pagination_id.as_deref(), q.count)?;
    Ok(Json(Page {
        data: Carts { carts },
        metadata,
    })
    .into_response())
}

fn cart_response(state: &ApiState, order: &SimOrder, status: StatusCode) -> Response {
    let completed = state.store.read(|s| {
        order
            .transaction_id
            .as_ref()
            .and_then(|id| s.transactions.get(id))
            .map(|t| t.occurred_at)
    });
    let data = CartEnvelope {
        cart: sim_wire::order_cart(order, completed),
    };
    (status, Json(CartResponse { data })).into_response()
}

fn order_lines(products: &[CartProduct]) -> Vec<OrderLineSubmission> {
    products
        .iter()
        .map(|p| OrderLineSubmission {
            external_product_id: p.product_id.clone(),
            quantity: p.count,
            unit_price: Money::usd((p.unit_price * 100.0).round() as i64),
        })
        .collect()
}

async fn create_order(
    State(state): State<ApiState>,
    Path(id): Path<String>,
    body: Result<Json<CreateOrder>, JsonRejection>,
) -> ApiResult {
    let Json(body) = body?;
    state.check_store(&id)?;
    let (first_name, last_name) = match body.customer_name.trim().split_once(' ') {
        Some((first, last)) => (first.to_owned(), last.trim().to_owned()),
        None => (body.customer_name.trim().to_owned(), String::new()),
    };
    let fulfillment = match body.reservation_mode.as_str() {
        "delivery" => Fulfillment::Delivery,
        "pickup" | "kiosk" => Fulfillment::Pickup,
        other => {
            return Err(ApiError::BadRequest(format!(
                "unknown reservation_mode {other:?}"
            )));
        }
    };
    let order = NewOrder {
        order_reference: body.external_order_id,
        location_id: id,
        customer_id: body.user_id.clone(),
        customer: OrderCustomer {
            external_id: body.user_id,
            first_name,
            last_name,
            email: body.customer_email_address,
            phone: body.customer_phone_number,
            date_of_birth: None,
            medical_id: None,
        },
        lines: order_lines(&body.products),
        fulfillment,
        delivery_address: body.delivery_address,
        notes: body.notes,
    };
    let (order, created) = state.store.submit_order(order, STATUS_PENDING)?;
    if created {
        state.webhooks.emit(&order);
    }
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(cart_response(&state, &order, status))
}

async fn order(
    State(state): State<ApiState>,
    Path((id, cart)): Path<(String, String)>,
) -> ApiResult {
    state.check_store(&id)?;
    let order = state
        .store
        .read(|s| s.orders.get(&cart).filter(|o| o.location_id == id).cloned())
        .ok_or(SimError::UnknownOrder(cart))?;
    Ok(cart_response(&state, &order, StatusCode::OK))
}

async fn cancel_order(
    State(state): State<ApiState>,
    Path((id, cart)): Path<(String, String)>,
    body: Result<Json<CancelOrder>, JsonRejection>,
) -> ApiResult {
    let Json(body) = body?;
    state.check_store(&id)?;
    let order = state
        .store
        .cancel_order(&cart, guesses::STATUS_CANCELLED, Some(&body.reason))?;
    state.webhooks.emit(&order);
    Ok(cart_response(&state, &order, StatusCode::OK))
}

async fn return_lines(
    State(state): State<ApiState>,
    Path((id, cart)): Path<(String, String)>,
    body: Result<Json<CreateReturn>, JsonRejection>,
) -> ApiResult {
    let Json(body) = body?;
    state.check_store(&id)?;
    let ret = state.store.return_order_lines(
        &cart,
        &order_lines(&body.products),
        body.reason.as_deref(),
    )?;
    let tx = &ret.transaction;
    let customer = state.store.read(|s| {
        tx.external_customer_id
            .as_ref()
            .and_then(|c| s.customers.get(c))
            .cloned()
    });
    let refund = sim_wire::transaction_cart(tx, customer.as_ref(), tx.order_reference.as_deref());
    Ok((
        StatusCode::CREATED,
        Json(CartResponse {
            data: CartEnvelope { cart: refund },
        }),
    )
        .into_response())
}
