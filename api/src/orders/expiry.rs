//! Reservation expiry: an order still PENDING when its `reservation_expires_at` passes
//! (the POS never took it) is CANCELLED with the reason "reservation expired", its stock
//! released and the change recorded as an order event, like any other cancellation
//! (with a `cancel_order` outbox row in case a submission attempt did reach the POS).
//!
//! The outbox sender makes the same check just before it sends an order, so an order
//! that ran out while its row waited in the queue is expired, never sent.
//!
//! Every replica may sweep: each order is re-read under a row lock and only moved while
//! it is still PENDING and expired, so a sweep never races a submission into a wrong
//! state and no order is expired twice.

use std::time::Duration;

use chrono::{DateTime, Utc};
use entities::{
    enums::{ChangeSource, OrderStatus},
    order,
};
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;
use tokio_util::{sync::CancellationToken, task::TaskTracker};
use uuid::Uuid;

use super::{
    events,
    status_sync::{
        StatusApplier,
        apply::{self, Applied, Authority, Observation},
    },
    txn::begin_write,
};
use crate::{
    effects::Effects,
    events::outbox::{enqueue, kinds},
    state::AppState,
};

/// The reason recorded on expired orders and their events.
pub const EXPIRED: &str = "reservation expired";
/// Orders expired per statement batch.
const BATCH: u64 = 100;

/// Starts the sweeper on `tracker`; it runs every `sweep_interval` until `shutdown`.
pub fn start(state: AppState, tracker: &TaskTracker, shutdown: CancellationToken) {
    let interval = state
        .config
        .checkout
        .sweep_interval
        .max(Duration::from_millis(10));
    tracker.spawn(async move {
        let mut ticks = tokio::time::interval(interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = shutdown.cancelled() => break,
                _ = ticks.tick() => {
                    if let Err(error) = sweep(&state, Utc::now()).await {
                        tracing::warn!(%error, "reservation expiry sweep failed; retrying next tick");
                    }
                }
            }
        }
    });
}

/// Expires every order whose reservation ran out by `now`; returns how many.
pub async fn sweep(state: &AppState, now: DateTime<Utc>) -> Result<usize, DbErr> {
    let applier = events::applier(state);
    let mut expired = 0;
    loop {
        let due: Vec<Uuid> = order::Entity::find()
            .select_only()
            .column(order::Column::Id)
            .filter(order::Column::Status.eq(OrderStatus::Pending))
            .filter(order::Column::ReservationExpiresAt.lte(now))
            .order_by_asc(order::Column::ReservationExpiresAt)
            .limit(BATCH)
            .into_tuple()
            .all(&state.db)
            .await?;
        let found = due.len();
        for order_id in due {
            if expire(&applier, order_id, now).await? {
                expired += 1;
            }
        }
        if u64::try_from(found).unwrap_or(u64::MAX) < BATCH {
            return Ok(expired);
        }
    }
}

/// Expires one order if it is still PENDING and expired by `now`; returns whether it
/// did. The outbox sender calls it too, just before it would send an order.
pub async fn expire(
    applier: &StatusApplier,
    order_id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let txn = begin_write(applier.db()).await?;
    let current = order::Entity::find_by_id(order_id)
        .lock_exclusive()
        .one(&txn)
        .await?;
    let Some(current) = current.filter(|order| {
        order.status == OrderStatus::Pending
            && order.reservation_expires_at.is_some_and(|at| at <= now)
    }) else {
        txn.rollback().await?;
        return Ok(false);
    };
    let mut effects = Effects::default();
    let observed = Observation {
        status: Some(OrderStatus::Cancelled),
        reason: Some(EXPIRED.to_owned()),
        detail: Some(json!({ "reason": EXPIRED })),
        ..Observation::default()
    };
    let applied = apply::transition(
        &txn,
        &current,
        &observed,
        ChangeSource::System,
        Authority::Pos,
        Utc::now(),
        &mut effects,
    )
    .await?;
    if !matches!(applied, Applied::Changed(_)) {
        txn.rollback().await?;
        return Ok(false);
    }
    enqueue(
        &txn,
        kinds::CANCEL_ORDER,
        order_id,
        json!({ "reason": EXPIRED }),
        now,
    )
    .await?;
    txn.commit().await?;
    tracing::info!(order = %order_id, "reservation expired; order cancelled");
    applier
        .announce(&applied, effects, ChangeSource::System)
        .await;
    Ok(true)
}
