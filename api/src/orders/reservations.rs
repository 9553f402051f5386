//! Stock reserved for online orders: the only code that writes `stock_levels.reserved`.
//!
//! Reserving is one conditional UPDATE per line (`… WHERE on_hand - reserved >= q`): the
//! database decides, so concurrent orders on any number of replicas can never reserve
//! more than is available. Callers run these inside their transaction and roll back on
//! a [`Shortage`]; after the commit they announce the changed rows (cache tags, stock
//! events).

use entities::{order_line, stock_level};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait},
};
use uuid::Uuid;

/// Not enough stock to reserve a line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shortage {
    /// The product that ran short.
    pub product_id: Uuid,
    /// Units still available of it.
    pub available: i64,
}

/// Reserves every line of `order_id` at `location_id` again (an admin's retry of a
/// failed order), one conditional UPDATE per line; the caller rolls back on a shortage.
pub async fn reserve_order(
    db: &impl ConnectionTrait,
    order_id: Uuid,
    location_id: Uuid,
) -> Result<Result<Vec<(Uuid, Uuid)>, Shortage>, DbErr> {
    let lines = order_line::Entity::find()
        .filter(order_line::Column::OrderId.eq(order_id))
        .all(db)
        .await?;
    let mut changed = Vec::with_capacity(lines.len());
    for line in lines {
        if let Err(shortage) = reserve(db, line.product_id, location_id, line.quantity).await? {
            return Ok(Err(shortage));
        }
        changed.push((line.product_id, location_id));
    }
    Ok(Ok(changed))
}

/// Reserves `quantity` units of `product_id` at `location_id` with one conditional
/// UPDATE; a [`Shortage`] (with what is left) when fewer are available.
pub async fn reserve(
    db: &impl ConnectionTrait,
    product_id: Uuid,
    location_id: Uuid,
    quantity: i64,
) -> Result<Result<(), Shortage>, DbErr> {
    let result = stock_level::Entity::update_many()
        .col_expr(
            stock_level::Column::Reserved,
            Expr::col(stock_level::Column::Reserved).add(quantity),
        )
        .col_expr(
            stock_level::Column::UpdatedAt,
            Expr::value(chrono::Utc::now()),
        )
        .filter(stock_level::Column::ProductId.eq(product_id))
        .filter(stock_level::Column::LocationId.eq(location_id))
        .filter(
            Expr::col(stock_level::Column::OnHand)
                .sub(Expr::col(stock_level::Column::Reserved))
                .gte(quantity),
        )
        .exec(db)
        .await?;
    if result.rows_affected > 0 {
        return Ok(Ok(()));
    }
    let available = stock_level::Entity::find()
        .filter(stock_level::Column::ProductId.eq(product_id))
        .filter(stock_level::Column::LocationId.eq(location_id))
        .one(db)
        .await?
        .map_or(0, |level| level.available());
    Ok(Err(Shortage {
        product_id,
        available,
    }))
}

/// Releases the units `order_id` holds at `location_id`, one conditional UPDATE per line;
/// returns the `(product, location)` rows changed, for cache invalidation and stock
/// events after the commit. Call it once, when the order leaves a status that
/// [`super::transitions::holds_reservation`].
pub async fn release(
    db: &impl ConnectionTrait,
    order_id: Uuid,
    location_id: Uuid,
) -> Result<Vec<(Uuid, Uuid)>, DbErr> {
    let lines = order_line::Entity::find()
        .filter(order_line::Column::OrderId.eq(order_id))
        .all(db)
        .await?;
    let mut changed = Vec::with_capacity(lines.len());
    for line in lines {
        let result = stock_level::Entity::update_many()
            .col_expr(
                stock_level::Column::Reserved,
                Expr::col(stock_level::Column::Reserved).sub(line.quantity),
            )
            .col_expr(
                stock_level::Column::UpdatedAt,
                Expr::value(chrono::Utc::now()),
            )
            .filter(stock_level::Column::ProductId.eq(line.product_id))
            .filter(stock_level::Column::LocationId.eq(location_id))
            .filter(stock_level::Column::Reserved.gte(line.quantity))
            .exec(db)
            .await?;
        if result.rows_affected > 0 {
            changed.push((line.product_id, location_id));
        }
    }
    Ok(changed)
}
