//! Returns recorded on orders: units per line and the refund, following the POS.
//!
//! Both a return Canopy sent (its receipt) and one made at the register (a return
//! transaction linked to the order in the synced purchases) end here. The order keeps the
//! larger of what it recorded and what the POS says, so the same return seen twice (the
//! receipt, then the synced transaction) counts once. When every unit is back the order
//! becomes RETURNED; a partial return keeps its status and is stored as an order event
//! with the refund.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entities::{
    enums::{ChangeSource, OrderStatus},
    order, order_event, order_line,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    IntoActiveModel, QueryFilter,
};
use uuid::Uuid;

use crate::{events::order::OrderEvent, orders::transitions};

/// What the POS says has been returned of one order, in total so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReturnedSoFar {
    /// Units returned per product.
    pub units: HashMap<Uuid, i64>,
    /// Refunded so far, minor units.
    pub refunded: i64,
    /// The POS's id of the return that brought us here.
    pub return_id: String,
}

/// Records `returned` on `order` inside the caller's transaction; the event to publish
/// when anything changed.
pub(super) async fn record(
    db: &impl ConnectionTrait,
    order: &order::Model,
    returned: &ReturnedSoFar,
    source: ChangeSource,
    now: DateTime<Utc>,
) -> Result<Option<OrderEvent>, DbErr> {
    let lines = order_line::Entity::find()
        .filter(order_line::Column::OrderId.eq(order.id))
        .all(db)
        .await?;
    let mut changed = false;
    let mut all_back = true;
    let mut remaining: HashMap<Uuid, i64> = returned.units.clone();
    for line in &lines {
        // several lines of one product share its returned units, in line order
        let left = remaining.entry(line.product_id).or_default();
        let target = (*left).clamp(0, line.quantity).max(line.returned_quantity);
        *left -= target;
        if target != line.returned_quantity {
            let mut row = line.clone().into_active_model();
            row.returned_quantity = Set(target);
            row.update(db).await?;
            changed = true;
        }
        all_back &= target == line.quantity;
    }
    let refunded = returned.refunded.max(order.refunded_total);
    changed |= refunded != order.refunded_total;
    if !changed {
        return Ok(None);
    }
    let to = if all_back && transitions::allowed(order.status, OrderStatus::Returned) {
        OrderStatus::Returned
    } else {
        order.status
    };
    let mut row = order.clone().into_active_model();
    row.refunded_total = Set(refunded);
    row.status = Set(to);
    row.updated_at = Set(now);
    row.update(db).await?;
    let event = order_event::Model {
        id: Uuid::now_v7(),
        order_id: order.id,
        from_status: Some(order.status),
        to_status: to,
        source,
        vendor_status: None,
        detail: Some(serde_json::json!({
            "returnId": returned.return_id,
            "refundedTotal": refunded,
            "refunded": refunded - order.refunded_total,
            "currency": order.currency,
        })),
        at: now,
    };
    order_event::Entity::insert(event.clone().into_active_model().reset_all())
        .exec_without_returning(db)
        .await?;
    Ok(Some(OrderEvent::from_row(&event, order.customer_id)))
}
