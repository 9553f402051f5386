//! Order events written by checkout (placement, cancellation, expiry) and their
//! announcement after the commit, through the same applier the delivery side uses so
//! every status change reaches `orderStatusChanged`, the cache and the stock events
//! the same way.

use chrono::{DateTime, Utc};
use entities::{
    enums::{ChangeSource, OrderStatus},
    order, order_event,
};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, IntoActiveModel};
use uuid::Uuid;

use super::status_sync::{StatusApplier, apply::Applied};
use crate::{
    effects::{Announcer, Effects},
    events::order::OrderEvent,
    state::AppState,
};

/// The applier over the state's database, bus and cache.
pub fn applier(state: &AppState) -> StatusApplier {
    StatusApplier::new(
        state.db.clone(),
        state.events.clone(),
        Announcer::new(state.db.clone(), state.cache.clone(), state.events.clone()),
    )
}

/// Writes the `order_events` row of `order` moving `from` → `to`.
pub async fn record(
    db: &impl ConnectionTrait,
    order: &order::Model,
    from: Option<OrderStatus>,
    to: OrderStatus,
    source: ChangeSource,
    detail: Option<serde_json::Value>,
    at: DateTime<Utc>,
) -> Result<OrderEvent, DbErr> {
    let row = order_event::Model {
        id: Uuid::now_v7(),
        order_id: order.id,
        from_status: from,
        to_status: to,
        source,
        vendor_status: None,
        detail,
        at,
    };
    order_event::Entity::insert(row.clone().into_active_model())
        .exec_without_returning(db)
        .await?;
    Ok(OrderEvent::from_row(&row, order.customer_id))
}

/// Announces a committed change: the order event, then the stock rows it touched.
pub async fn announce(
    state: &AppState,
    event: Option<OrderEvent>,
    stock: &[(Uuid, Uuid)],
    source: ChangeSource,
) {
    let mut effects = Effects::default();
    for (product, location) in stock {
        effects.stock_changed(*product, *location);
    }
    let applied = event.map_or(Applied::Unchanged, Applied::Changed);
    applier(state).announce(&applied, effects, source).await;
}
