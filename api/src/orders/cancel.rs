//! `cancelOrder`: a customer cancels their own order before it is READY (or SHIPPED),
//! an admin any order the transition table lets move to CANCELLED. In one transaction:
//! the status, the order event, the released reservation and a `cancel_order` outbox
//! row. The row is written whether or not the POS has the order yet: a submission may
//! be in flight, and the sender waits for it or drops the row when nothing reached the
//! POS.

use chrono::Utc;
use entities::{
    enums::{ChangeSource, OrderStatus},
    order,
};
use sea_orm::{DatabaseTransaction, EntityTrait, QuerySelect};
use serde_json::json;
use uuid::Uuid;

use super::{
    events,
    status_sync::apply::{self, Applied, Authority, Observation},
    transitions,
    txn::begin_write,
};
use crate::{
    effects::Effects,
    error::ApiError,
    events::outbox::{enqueue, kinds},
    services::orders::OrderScope,
    state::AppState,
};

/// Cancels order `order_id` for a viewer of `scope`; `CONFLICT` when its status no
/// longer allows it, `NOT_FOUND` when the viewer cannot see it.
pub async fn cancel(
    state: &AppState,
    scope: OrderScope,
    order_id: Uuid,
    reason: Option<String>,
) -> Result<order::Model, ApiError> {
    let source = match scope {
        OrderScope::All => ChangeSource::Admin,
        OrderScope::Customer(_) => ChangeSource::Api,
    };
    let reason = reason
        .map(|text| text.trim().to_owned())
        .filter(|text| !text.is_empty())
        .unwrap_or_else(|| "cancelled by the customer".to_owned());
    let txn = begin_write(&state.db).await?;
    let current = locked_order(&txn, scope, order_id).await?;
    if !may_cancel(scope, current.status) {
        txn.rollback().await?;
        return Err(ApiError::Conflict(format!(
            "an order in status {:?} can no longer be cancelled{}",
            current.status,
            match scope {
                OrderScope::Customer(_) => " by its customer",
                OrderScope::All => "",
            }
        )));
    }
    let now = Utc::now();
    let mut effects = Effects::default();
    let observed = Observation {
        status: Some(OrderStatus::Cancelled),
        reason: Some(reason.clone()),
        detail: Some(json!({ "reason": reason })),
        ..Observation::default()
    };
    let applied = apply::transition(
        &txn,
        &current,
        &observed,
        source,
        Authority::Pos,
        now,
        &mut effects,
    )
    .await?;
    if !matches!(applied, Applied::Changed(_)) {
        txn.rollback().await?;
        return Err(ApiError::Conflict("the order cannot be cancelled".into()));
    }
    enqueue(
        &txn,
        kinds::CANCEL_ORDER,
        order_id,
        json!({ "reason": reason }),
        now,
    )
    .await?;
    let updated = order::Entity::find_by_id(order_id)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::internal("the cancelled order vanished"))?;
    txn.commit().await?;
    events::applier(state)
        .announce(&applied, effects, source)
        .await;
    Ok(updated)
}

/// The order, locked for the transaction, if the viewer may see it.
pub(super) async fn locked_order(
    txn: &DatabaseTransaction,
    scope: OrderScope,
    order_id: Uuid,
) -> Result<order::Model, ApiError> {
    order::Entity::find_by_id(order_id)
        .lock_exclusive()
        .one(txn)
        .await?
        .filter(|order| scope.allows(order))
        .ok_or_else(|| ApiError::NotFound {
            entity: "Order",
            id: order_id.to_string(),
        })
}

/// Whether a viewer of `scope` may cancel an order in `status`: customers until the
/// store has it ready, admins whenever the transition table allows.
const fn may_cancel(scope: OrderScope, status: OrderStatus) -> bool {
    match scope {
        OrderScope::Customer(_) => matches!(
            status,
            OrderStatus::Pending | OrderStatus::Submitted | OrderStatus::Confirmed
        ),
        OrderScope::All => transitions::allowed(status, OrderStatus::Cancelled),
    }
}
