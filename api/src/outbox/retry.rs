//! An admin's retry of a dead-lettered delivery: the FAILED order goes back to PENDING
//! with its stock reserved again, and its dead rows back in the queue with fresh attempts,
//! in one transaction.

use chrono::Utc;
use entities::{
    enums::{ChangeSource, OrderStatus},
    order,
};
use sea_orm::{DbErr, EntityTrait, QuerySelect};
use uuid::Uuid;

use super::queue;
use crate::{
    effects::Effects,
    error::ApiError,
    orders::status_sync::apply::{self, Applied, Authority, Observation, StatusApplier},
};

/// Retries the delivery of failed order `order_id`; returns the order as it now stands.
pub async fn retry_delivery(
    applier: &StatusApplier,
    order_id: Uuid,
) -> Result<order::Model, ApiError> {
    let now = Utc::now();
    let mut effects = Effects::default();
    let txn = applier.begin().await?;
    let current = order::Entity::find_by_id(order_id)
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::NotFound {
            entity: "Order",
            id: order_id.to_string(),
        })?;
    if current.status != OrderStatus::Failed {
        return Err(ApiError::Conflict(format!(
            "order {order_id} is {:?}; only FAILED deliveries can be retried",
            current.status
        )));
    }
    let observed = Observation {
        status: Some(OrderStatus::Pending),
        reason: Some("delivery retried by an admin".into()),
        ..Observation::default()
    };
    let applied = apply::transition(
        &txn,
        &current,
        &observed,
        ChangeSource::Admin,
        Authority::AdminRetry,
        now,
        &mut effects,
    )
    .await?;
    if let Applied::OutOfStock(shortage) = applied {
        txn.rollback().await?;
        return Err(ApiError::OutOfStock {
            product_id: shortage.product_id.to_string(),
            available: shortage.available,
        });
    }
    let revived = queue::revive(&txn, order_id, now).await?;
    if revived == 0 {
        txn.rollback().await?;
        return Err(ApiError::Conflict(format!(
            "order {order_id} has no dead-lettered delivery to retry"
        )));
    }
    txn.commit().await?;
    applier
        .announce(&applied, effects, ChangeSource::Admin)
        .await;
    reload(applier, order_id).await.map_err(ApiError::from)
}

async fn reload(applier: &StatusApplier, order_id: Uuid) -> Result<order::Model, DbErr> {
    order::Entity::find_by_id(order_id)
        .one(applier.db())
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("order {order_id}")))
}
