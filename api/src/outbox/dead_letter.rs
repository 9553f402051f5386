//! The end of the road for a row: dead-lettered after too many attempts or a permanent
//! refusal. An undeliverable order becomes FAILED (its reservation released); every
//! dead letter raises an alert an admin can act on with `retryOrderDelivery`.

use chrono::Utc;
use entities::{
    enums::{AlertSeverity, ChangeSource, OrderStatus},
    outbox,
};

use super::{SendError, queue};
use crate::{
    alerts::NewAlert,
    effects::Effects,
    events::outbox::kinds,
    orders::status_sync::apply::{Authority, Observation, StatusApplier},
};

/// Dead-letters `row` after `error`; an order that could not be submitted fails.
pub async fn bury(
    applier: &StatusApplier,
    row: &outbox::Model,
    error: &SendError,
) -> Result<(), sea_orm::DbErr> {
    let now = Utc::now();
    let message = error.to_string();
    if !queue::dead(applier.db(), row, &message, now).await? {
        return Ok(()); // another sender took the row over in the meantime
    }
    tracing::error!(outbox = %row.id, order = %row.aggregate_id, kind = %row.kind, attempts = row.attempts, error = %message, "outbox row dead-lettered");
    if row.kind == kinds::SUBMIT_ORDER {
        let observed = Observation {
            status: Some(OrderStatus::Failed),
            reason: Some(format!("not delivered to the POS: {message}")),
            ..Observation::default()
        };
        applier
            .apply(
                row.aggregate_id,
                observed,
                ChangeSource::Outbox,
                Authority::Pos,
            )
            .await?;
    }
    let mut effects = Effects::default();
    effects.alert(NewAlert {
        severity: AlertSeverity::Critical,
        kind: "order_delivery_dead_letter",
        connection_id: error.connection_id(),
        product_id: None,
        location_id: None,
        message: format!(
            "{} {}: {} dead-lettered after {} attempt(s): {message}",
            if row.kind == kinds::PUSH_CUSTOMER {
                "customer"
            } else {
                "order"
            },
            row.aggregate_id,
            row.kind,
            row.attempts
        ),
        details: serde_json::json!({
            "orderId": row.aggregate_id,
            "outboxId": row.id,
            "kind": row.kind,
            "attempts": row.attempts,
        }),
        dedupe_key: format!(
            "order_delivery_dead_letter:{}:{}",
            row.aggregate_id, row.kind
        ),
    });
    applier
        .announce_effects(effects, ChangeSource::Outbox)
        .await;
    Ok(())
}
