//! `placeOrder`: validate, check compliance, reserve and write the order, its lines, its
//! first order event and a `submit_order` outbox row in one transaction.
//!
//! Concurrency: the transaction locks the customer's row first (`FOR UPDATE` on
//! PostgreSQL; SQLite's `BEGIN IMMEDIATE` serialises writers), so one customer's orders
//! are checked against purchase limits one at a time and a replayed idempotency key is
//! seen by the second request, however many replicas race. Stock is taken with one
//! conditional UPDATE per line ([`reservations::reserve`]); UNIQUE(customer_id,
//! idempotency_key) is the last guard.

use std::collections::HashMap;

use chrono::{TimeDelta, Utc};
use entities::{
    customer,
    enums::{ChangeSource, ComplianceMarket, OrderStatus},
    location, order, order_line, product, stock_level,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter, QuerySelect, SqlErr,
};
use uuid::Uuid;

use super::{
    events,
    input::{NewLine, NewOrder},
    reservations,
    txn::begin_write,
};
use crate::{
    compliance::{self, Basket, BasketLine},
    error::ApiError,
    events::outbox::{enqueue, kinds},
    services::orders::OrderScope,
    state::AppState,
};

/// Places `input` for the viewer's `scope`: a customer orders for themselves, an admin
/// for the customer named by `customerId`. A replay of an idempotency key returns the
/// first order (`CONFLICT` if it asked for something else).
pub async fn place(
    state: &AppState,
    scope: OrderScope,
    input: NewOrder,
) -> Result<order::Model, ApiError> {
    let (customer_id, source) = buyer(scope, input.customer_id)?;
    input.validate(&state.config.checkout)?;
    if let Some(first) = find_replay(&state.db, customer_id, &input).await? {
        return Ok(first);
    }
    let location = location::Entity::find_by_id(input.location_id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::bad_field("input.locationId", "no such location"))?;
    let products = sellable_products(&state.db, &input.lines, "input.lines", location.id).await?;

    let txn = begin_write(&state.db).await?;
    let outcome = write(
        state,
        &txn,
        customer_id,
        source,
        &input,
        &location,
        &products,
    )
    .await;
    match outcome {
        Ok(Written::New(order, stock, event)) => {
            txn.commit().await?;
            events::announce(state, Some(event), &stock, source).await;
            Ok(order)
        }
        Ok(Written::Replay(order)) => {
            txn.rollback().await?;
            Ok(order)
        }
        Err(error) => {
            txn.rollback().await?;
            // two requests with one key raced past the customer lock (it cannot on
            // either backend, but the unique index is the final word)
            if let ApiError::Database(db_error) = &error
                && matches!(
                    db_error.sql_err(),
                    Some(SqlErr::UniqueConstraintViolation(_))
                )
                && let Some(first) = find_replay(&state.db, customer_id, &input).await?
            {
                return Ok(first);
            }
            Err(error)
        }
    }
}

/// What the transaction produced.
enum Written {
    /// A new order, the stock rows reserved and its first event.
    New(
        order::Model,
        Vec<(Uuid, Uuid)>,
        crate::events::order::OrderEvent,
    ),
    /// The key was used already: the first order.
    Replay(order::Model),
}

/// Who buys, and as what source the change is recorded.
fn buyer(scope: OrderScope, requested: Option<Uuid>) -> Result<(Uuid, ChangeSource), ApiError> {
    match (scope, requested) {
        (OrderScope::Customer(id), None) => Ok((id, ChangeSource::Api)),
        (OrderScope::Customer(id), Some(other)) if other == id => Ok((id, ChangeSource::Api)),
        (OrderScope::Customer(_), Some(_)) => Err(ApiError::Forbidden(
            "a customer places orders for themselves only".into(),
        )),
        (OrderScope::All, Some(id)) => Ok((id, ChangeSource::Admin)),
        (OrderScope::All, None) => Err(ApiError::bad_field(
            "input.customerId",
            "an admin places an order for a customer: pass `customerId`",
        )),
    }
}

/// The order already placed with this key, if any; `CONFLICT` when it differs.
async fn find_replay(
    db: &impl ConnectionTrait,
    customer_id: Uuid,
    input: &NewOrder,
) -> Result<Option<order::Model>, ApiError> {
    let Some(first) = order::Entity::find()
        .filter(order::Column::CustomerId.eq(customer_id))
        .filter(order::Column::IdempotencyKey.eq(input.idempotency_key.trim()))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let mut lines: Vec<(Uuid, i64)> = order_line::Entity::find()
        .filter(order_line::Column::OrderId.eq(first.id))
        .all(db)
        .await?
        .into_iter()
        .map(|line| (line.product_id, line.quantity))
        .collect();
    lines.sort_unstable();
    if first.location_id != input.location_id || lines != input.line_set() {
        return Err(ApiError::Conflict(
            "this idempotency key was already used for a different order".into(),
        ));
    }
    Ok(Some(first))
}

/// A product a location sells, with the location's offer of it (its stock row).
#[derive(Clone, Debug)]
pub struct Sellable {
    /// The product.
    pub product: product::Model,
    /// The location's stock row: its price, listing and limit.
    pub offer: stock_level::Model,
}

/// Each line's product and offer (found in `sellable`) and units.
pub fn priced<'a>(
    lines: &[NewLine],
    sellable: &'a HashMap<Uuid, Sellable>,
) -> Vec<(&'a Sellable, i64)> {
    lines
        .iter()
        .filter_map(|line| sellable.get(&line.product_id).map(|s| (s, line.quantity)))
        .collect()
}

/// The compliance check's lines of `priced`.
pub fn basket_lines<'a>(priced: &[(&'a Sellable, i64)]) -> Vec<BasketLine<'a>> {
    priced
        .iter()
        .map(|(sellable, quantity)| BasketLine {
            product: &sellable.product,
            offer: &sellable.offer,
            quantity: *quantity,
        })
        .collect()
}

/// The products of `lines` with the location's offer, each listed there; errors name
/// the line under `field` (e.g. `input.lines[0].productId`).
pub async fn sellable_products(
    db: &impl ConnectionTrait,
    lines: &[NewLine],
    field: &str,
    location_id: Uuid,
) -> Result<HashMap<Uuid, Sellable>, ApiError> {
    let ids: Vec<Uuid> = lines.iter().map(|line| line.product_id).collect();
    let mut products: HashMap<Uuid, product::Model> = product::Entity::find()
        .filter(product::Column::Id.is_in(ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|product| (product.id, product))
        .collect();
    let mut offers: HashMap<Uuid, stock_level::Model> = stock_level::Entity::find()
        .filter(stock_level::Column::LocationId.eq(location_id))
        .filter(stock_level::Column::ProductId.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|offer| (offer.product_id, offer))
        .collect();
    let mut sellable = HashMap::with_capacity(lines.len());
    for (index, line) in lines.iter().enumerate() {
        let field = format!("{field}[{index}].productId");
        if sellable.contains_key(&line.product_id) {
            continue;
        }
        let Some(product) = products.remove(&line.product_id) else {
            return Err(ApiError::bad_field(field, "no such product"));
        };
        let Some(offer) = offers.remove(&line.product_id) else {
            return Err(ApiError::bad_field(
                field,
                "this product is not sold at this location",
            ));
        };
        if !offer.listed {
            return Err(ApiError::bad_field(
                field,
                "this product is no longer sold at this location",
            ));
        }
        sellable.insert(line.product_id, Sellable { product, offer });
    }
    Ok(sellable)
}

/// The transaction's work: lock the customer, re-check the key, check compliance,
/// reserve, write.
async fn write(
    state: &AppState,
    txn: &DatabaseTransaction,
    customer_id: Uuid,
    source: ChangeSource,
    input: &NewOrder,
    location: &location::Model,
    products: &HashMap<Uuid, Sellable>,
) -> Result<Written, ApiError> {
    let customer = customer::Entity::find_by_id(customer_id)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or_else(|| match source {
            ChangeSource::Admin => ApiError::bad_field("input.customerId", "no such customer"),
            _ => ApiError::NotFound {
                entity: "Customer",
                id: customer_id.to_string(),
            },
        })?;
    if let Some(first) = find_replay(txn, customer_id, input).await? {
        return Ok(Written::Replay(first));
    }
    let now = Utc::now();
    let priced = priced(&input.lines, products);
    let basket = Basket {
        customer: &customer,
        location,
        lines: basket_lines(&priced),
        now,
    };
    let market = compliance::check(txn, &basket, state.config.checkout.default_min_age).await??;
    let prices = unit_prices(&priced, market)?;

    let mut stock = Vec::with_capacity(priced.len());
    for (Sellable { product, .. }, quantity) in &priced {
        if let Err(shortage) =
            reservations::reserve(txn, product.id, location.id, *quantity).await?
        {
            return Err(ApiError::OutOfStock {
                product_id: shortage.product_id.to_string(),
                available: shortage.available,
            });
        }
        stock.push((product.id, location.id));
    }

    let ttl =
        TimeDelta::from_std(state.config.checkout.reservation_ttl).map_err(ApiError::internal)?;
    let total = prices
        .iter()
        .zip(&priced)
        .map(|(price, (_, quantity))| price * quantity)
        .sum();
    let order = order::Entity::insert(order::ActiveModel {
        id: Set(Uuid::now_v7()),
        customer_id: Set(customer.id),
        location_id: Set(location.id),
        status: Set(OrderStatus::Pending),
        vendor_status: Set(None),
        status_reason: Set(None),
        fulfillment: Set(input.fulfillment),
        delivery_address: Set(None),
        idempotency_key: Set(input.idempotency_key.trim().to_owned()),
        total: Set(total),
        refunded_total: Set(0),
        currency: Set(currency(&priced)?),
        connection_id: Set(location.connection_id),
        external_id: Set(None),
        reservation_expires_at: Set(Some(now + ttl)),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_with_returning(txn)
    .await?;
    write_lines(txn, &order, &priced, &prices).await?;
    let event = events::record(txn, &order, None, OrderStatus::Pending, source, None, now).await?;
    enqueue(
        txn,
        kinds::SUBMIT_ORDER,
        order.id,
        serde_json::json!({}),
        now,
    )
    .await?;
    Ok(Written::New(order, stock, event))
}

/// Unit price of each line at the ordering location in the market of the sale (medical
/// price for medical sales where the store has one).
fn unit_prices(
    priced: &[(&Sellable, i64)],
    market: ComplianceMarket,
) -> Result<Vec<i64>, ApiError> {
    priced
        .iter()
        .enumerate()
        .map(|(index, (Sellable { offer, .. }, _))| {
            let price = match market {
                ComplianceMarket::Medical => offer.med_price.or(offer.price),
                ComplianceMarket::AdultUse => offer.price,
            };
            price.ok_or_else(|| {
                ApiError::bad_field(
                    format!("input.lines[{index}].productId"),
                    "this product has no price and cannot be ordered",
                )
            })
        })
        .collect()
}

/// The one currency of the lines (at the ordering location).
fn currency(priced: &[(&Sellable, i64)]) -> Result<String, ApiError> {
    let first = priced
        .first()
        .map(|(sellable, _)| sellable.offer.currency.clone())
        .ok_or_else(|| ApiError::bad_field("input.lines", "an order needs at least one line"))?;
    match priced
        .iter()
        .position(|(sellable, _)| sellable.offer.currency != first)
    {
        Some(index) => Err(ApiError::bad_field(
            format!("input.lines[{index}].productId"),
            "all products of an order must be priced in one currency",
        )),
        None => Ok(first),
    }
}

async fn write_lines(
    txn: &DatabaseTransaction,
    order: &order::Model,
    priced: &[(&Sellable, i64)],
    prices: &[i64],
) -> Result<(), DbErr> {
    let lines = priced
        .iter()
        .zip(prices)
        .map(
            |((Sellable { product, .. }, quantity), price)| order_line::ActiveModel {
                id: Set(Uuid::now_v7()),
                order_id: Set(order.id),
                product_id: Set(product.id),
                quantity: Set(*quantity),
                returned_quantity: Set(0),
                unit_price: Set(*price),
                currency: Set(order.currency.clone()),
                package_tag: Set(product.package_tag.clone()),
            },
        );
    order_line::Entity::insert_many(lines)
        .exec_without_returning(txn)
        .await?;
    Ok(())
}
