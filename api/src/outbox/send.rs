//! One attempt at one outbox row, routed by its kind to its handler: the order handlers
//! (`order`: submit, cancel, return) or the customer push
//! ([`super::customer_push`]).

use entities::outbox;
use uuid::Uuid;

use super::{SendError, customer_push, submission::OrderContext};
use crate::{
    connections::Adapters, events::outbox::kinds, orders::status_sync::apply::StatusApplier,
};

/// Sends outbox rows through the adapters.
#[derive(Clone)]
pub struct Dispatcher {
    pub(super) applier: StatusApplier,
    pub(super) adapters: Adapters,
}

impl Dispatcher {
    /// A dispatcher recording answers with `applier`, reaching POSes through `adapters`.
    pub fn new(applier: StatusApplier, adapters: Adapters) -> Self {
        Self { applier, adapters }
    }

    /// The applier it records with.
    pub fn applier(&self) -> &StatusApplier {
        &self.applier
    }

    /// One attempt at `row`; on success, the POS connection that took an order's
    /// delivery (`None` when no POS was needed, or for a customer push).
    pub async fn send(&self, row: &outbox::Model) -> Result<Option<Uuid>, SendError> {
        let db = self.applier.db();
        if row.kind == kinds::PUSH_CUSTOMER {
            customer_push::send(db, &self.adapters, row).await?;
            return Ok(None);
        }
        if row.kind == kinds::SUBMIT_ORDER && self.expired_before_sending(row.aggregate_id).await? {
            return Ok(None);
        }
        let ctx = OrderContext::load(db, row.aggregate_id).await?;
        match row.kind.as_str() {
            kinds::SUBMIT_ORDER => self.submit(row, &ctx).await?,
            kinds::CANCEL_ORDER => self.cancel(&ctx, payload(row)?).await?,
            kinds::RETURN_ORDER => self.submit_return(&ctx, payload(row)?).await?,
            other => {
                return Err(SendError::BadPayload(format!(
                    "unknown outbox kind {other}"
                )));
            }
        }
        Ok(Some(ctx.connection.id))
    }
}

/// The payload of `row`, as its kind's handler reads it.
fn payload<T: serde::de::DeserializeOwned>(row: &outbox::Model) -> Result<T, SendError> {
    serde_json::from_value(row.payload.clone())
        .map_err(|error| SendError::BadPayload(format!("{} payload: {error}", row.kind)))
}
