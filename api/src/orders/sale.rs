//! The sale an online order becomes once it is fulfilled (COMPLETED or DELIVERED): one
//! purchase linked to the order, written at once with the order's total, lines and
//! location, so the customer's history shows it before the POS's transaction is pulled.
//!
//! The partial unique index `ux_purchases_order_sale` keeps it one row: writing it does
//! nothing when the order already has a sale purchase (the POS's transaction came
//! first, or the order was fulfilled twice over), and the transactions sync takes the
//! row over with the POS's figures when the transaction arrives later
//! ([`take_over`]).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entities::{
    enums::{OrderStatus, PurchaseSource},
    order, order_line, product, purchase, purchase_line,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, TryInsertResult, sea_query::OnConflict,
};
use uuid::Uuid;

use crate::compliance::class;

/// The statuses at which an order has been handed over and counts as a sale.
pub fn is_fulfilled(status: OrderStatus) -> bool {
    matches!(status, OrderStatus::Completed | OrderStatus::Delivered)
}

/// Writes the sale purchase of fulfilled `order` at `at` unless the order has one;
/// returns whether it was written.
pub async fn record(
    db: &impl ConnectionTrait,
    order: &order::Model,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let id = Uuid::now_v7();
    let row = purchase::Model {
        id,
        customer_id: Some(order.customer_id),
        source: PurchaseSource::Online,
        order_id: Some(order.id),
        connection_id: None,
        external_id: None,
        return_of_external_id: None,
        location_id: order.location_id,
        total: order.total,
        currency: order.currency.clone(),
        occurred_at: at,
        is_return: false,
        is_void: false,
        created_at: at,
        updated_at: at,
    };
    // the only key this row can collide on is the order's sale
    let inserted = purchase::Entity::insert(row.into_active_model())
        .on_conflict(OnConflict::new().do_nothing().to_owned())
        .try_insert()
        .exec_without_returning(db)
        .await?;
    if !matches!(inserted, TryInsertResult::Inserted(n) if n > 0) {
        return Ok(false);
    }
    let lines = order_line::Entity::find()
        .filter(order_line::Column::OrderId.eq(order.id))
        .all(db)
        .await?;
    let products: HashMap<Uuid, product::Model> = product::Entity::find()
        .filter(product::Column::Id.is_in(lines.iter().map(|l| l.product_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let rows: Vec<purchase_line::ActiveModel> = lines
        .iter()
        .map(|line| {
            // quantities are small counts: exact in f64
            #[allow(clippy::cast_precision_loss)]
            let units = line.quantity as f64;
            purchase_line::Model {
                id: Uuid::now_v7(),
                purchase_id: id,
                product_id: Some(line.product_id),
                external_product_id: None,
                quantity: line.quantity,
                amount: line.unit_price * line.quantity,
                currency: line.currency.clone(),
                returned: false,
                flower_equivalent_grams: products
                    .get(&line.product_id)
                    .map_or(0.0, |p| class::unit_grams(p) * units),
                product_class: None,
                package_tag: line.package_tag.clone(),
            }
            .into_active_model()
        })
        .collect();
    if !rows.is_empty() {
        purchase_line::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    Ok(true)
}

/// The standing sale purchase (neither a return nor voided) of each of `orders` that
/// has one, by order: Canopy's own until a POS transaction takes it over.
pub async fn sales_of(
    db: &impl ConnectionTrait,
    orders: &[Uuid],
) -> Result<HashMap<Uuid, purchase::Model>, DbErr> {
    if orders.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(purchase::Entity::find()
        .filter(purchase::Column::OrderId.is_in(orders.iter().copied()))
        .filter(purchase::Column::IsReturn.eq(false))
        .filter(purchase::Column::IsVoid.eq(false))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|row| row.order_id.map(|order| (order, row)))
        .collect())
}

/// Gives the order's sale purchase `ours` the POS transaction's figures (`pos`: its
/// connection, id, location, total and time); the caller writes the POS's lines in
/// place of the order's, which this deletes.
pub async fn take_over(
    db: &impl ConnectionTrait,
    ours: &purchase::Model,
    pos: &purchase::Model,
) -> Result<(), DbErr> {
    purchase_line::Entity::delete_many()
        .filter(purchase_line::Column::PurchaseId.eq(ours.id))
        .exec(db)
        .await?;
    let mut row = ours.clone().into_active_model();
    row.connection_id = Set(pos.connection_id);
    row.external_id = Set(pos.external_id.clone());
    row.location_id = Set(pos.location_id);
    row.total = Set(pos.total);
    row.currency = Set(pos.currency.clone());
    row.occurred_at = Set(pos.occurred_at);
    row.updated_at = Set(pos.updated_at);
    purchase::Entity::update(row).exec(db).await?;
    Ok(())
}
