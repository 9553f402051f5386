//! The order handlers of the outbox: hand a placed order to its POS (its customer first
//! where the POS matches orders to its own customer records), cancel it there, record a
//! return; each records the POS's answer on the order through the status applier.

use chrono::Utc;
use entities::{
    enums::{ChangeSource, OrderStatus, QueueStatus},
    order, outbox,
};
use providers::model::ReturnRequest;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde::Deserialize;
use uuid::Uuid;

use super::{
    SendError,
    send::Dispatcher,
    submission::{self, OrderContext},
};
use crate::{
    events::outbox::kinds,
    orders::{
        expiry,
        status_sync::{apply::Authority, reported::observation},
    },
};

/// The payload of a `cancel_order` row.
#[derive(Debug, Default, Deserialize)]
pub(super) struct CancelPayload {
    reason: Option<String>,
}

/// The payload of a `return_order` row.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ReturnPayload {
    lines: Vec<ReturnLine>,
    reason: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReturnLine {
    product_id: Uuid,
    quantity: i64,
}

impl Dispatcher {
    pub(super) async fn submit(
        &self,
        row: &outbox::Model,
        ctx: &OrderContext,
    ) -> Result<(), SendError> {
        let order = &ctx.order;
        if order.external_id.is_some() || !self.sendable(row, order).await? {
            return Ok(());
        }
        let db = self.applier.db();
        let (mut submission, customer) = ctx.submission(db).await?;
        let adapter = self.adapters.get(&ctx.connection)?;
        // POSes that match orders to their own customer records (Dutchie) get the
        // customer first; the id is kept for the next order
        if submission.customer.external_id.is_none() && adapter.capabilities().customer_write {
            let external = adapter
                .upsert_customer(&submission::external_customer(&customer))
                .await?;
            ctx.remember_customer(db, customer.id, &external).await?;
            submission.customer.external_id = Some(external);
            // that call may have waited for the POS's rate limit: look again
            let current = order::Entity::find_by_id(order.id)
                .one(db)
                .await?
                .ok_or(SendError::Unsendable("the order no longer exists".into()))?;
            if !self.sendable(row, &current).await? {
                return Ok(());
            }
        }
        let submitted = adapter.submit_order(&submission).await?;
        let mut observed = observation(&submitted.status);
        observed.external_id = Some(submitted.external_id);
        // the POS took it: an unknown or "pending" answer still means SUBMITTED
        if matches!(observed.status, None | Some(OrderStatus::Pending)) {
            observed.status = Some(OrderStatus::Submitted);
        }
        self.applier
            .apply(order.id, observed, ChangeSource::Outbox, Authority::Pos)
            .await?;
        Ok(())
    }

    pub(super) async fn cancel(
        &self,
        ctx: &OrderContext,
        payload: CancelPayload,
    ) -> Result<(), SendError> {
        let Some(external_id) = &ctx.order.external_id else {
            return if self.submission_pending(ctx.order.id).await? {
                Err(SendError::Waiting("the order is not at the POS yet".into()))
            } else {
                Ok(())
            };
        };
        let adapter = self.adapters.get(&ctx.connection)?;
        let status = adapter
            .cancel_order(
                external_id,
                payload.reason.as_deref().unwrap_or("cancelled in Canopy"),
            )
            .await?;
        self.applier
            .apply(
                ctx.order.id,
                observation(&status),
                ChangeSource::Outbox,
                Authority::Pos,
            )
            .await?;
        Ok(())
    }

    pub(super) async fn submit_return(
        &self,
        ctx: &OrderContext,
        payload: ReturnPayload,
    ) -> Result<(), SendError> {
        let external_order_id = ctx.order.external_id.clone().ok_or(SendError::Unsendable(
            "a return of an order the POS never took".into(),
        ))?;
        let lines = payload
            .lines
            .iter()
            .map(|l| ctx.line(l.product_id, l.quantity))
            .collect::<Result<Vec<_>, _>>()?;
        let adapter = self.adapters.get(&ctx.connection)?;
        let receipt = adapter
            .submit_return(&ReturnRequest {
                order_id: ctx.order.id,
                external_order_id,
                lines,
                reason: payload.reason,
            })
            .await?;
        let returned = payload
            .lines
            .iter()
            .map(|l| (l.product_id, l.quantity))
            .collect();
        self.applier
            .record_return(
                ctx.order.id,
                returned,
                receipt.refund.amount,
                &receipt.external_id,
                ChangeSource::Outbox,
            )
            .await?;
        Ok(())
    }

    /// Whether `order`, read just now, is still to be sent by `row`. One whose
    /// reservation ran out while the row waited is expired first, as the sweeper would
    /// (cancelled, stock released, a `cancel_order` row written). A cancelled or expired
    /// order is not sent, unless an earlier attempt may have reached the POS, whose
    /// order we must then learn of so the cancellation can follow it there.
    async fn sendable(&self, row: &outbox::Model, order: &order::Model) -> Result<bool, SendError> {
        let status = if self.expire_if_due(order).await? {
            OrderStatus::Cancelled
        } else {
            order.status
        };
        Ok(status == OrderStatus::Pending || row.attempts > 1)
    }

    /// Expires order `order_id` if it is still PENDING with its reservation run out;
    /// `true` when it did. Checked before anything else about the order, so an order
    /// that could never be sent (a store without a POS) is expired, not failed.
    pub(super) async fn expired_before_sending(&self, order_id: Uuid) -> Result<bool, SendError> {
        match order::Entity::find_by_id(order_id)
            .one(self.applier.db())
            .await?
        {
            Some(order) => self.expire_if_due(&order).await,
            None => Ok(false),
        }
    }

    /// Expires `order` when it is PENDING past its reservation; `true` when it did.
    async fn expire_if_due(&self, order: &order::Model) -> Result<bool, SendError> {
        let now = Utc::now();
        Ok(order.status == OrderStatus::Pending
            && order.reservation_expires_at.is_some_and(|at| at <= now)
            && expiry::expire(&self.applier, order.id, now).await?)
    }

    /// Whether the order's submission may still reach the POS.
    async fn submission_pending(&self, order_id: Uuid) -> Result<bool, SendError> {
        let waiting = outbox::Entity::find()
            .filter(outbox::Column::AggregateId.eq(order_id))
            .filter(outbox::Column::Kind.eq(kinds::SUBMIT_ORDER))
            .filter(outbox::Column::Status.is_in([QueueStatus::Pending, QueueStatus::InFlight]))
            .count(self.applier.db())
            .await?;
        Ok(waiting > 0)
    }
}
