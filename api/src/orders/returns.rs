//! `returnOrder`: a customer (their own order) or an admin asks for some units of a
//! COMPLETED or DELIVERED order back. Checkout validates (products on the order, no
//! more units than are still out, counting returns already queued) and queues a
//! `return_order` outbox row; the POS rings the return up and the delivery side records
//! `returned_quantity`, the refund (`refunded_total`) and RETURNED once every unit is
//! back, following what the POS confirmed. POSes that take no returns through their API
//! are refused at once (returns there are rung up at the register and synced back).

use std::collections::HashMap;

use chrono::Utc;
use entities::{
    enums::{OrderStatus, QueueStatus},
    order, order_line, outbox, provider_connection,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

use super::{
    cancel::locked_order,
    input::{NewLine, validate_lines},
    txn::begin_write,
};
use crate::{
    connections,
    error::ApiError,
    events::outbox::{enqueue, kinds},
    secrets::Keyring,
    services::orders::OrderScope,
    state::AppState,
};

/// Queues the return of `lines` of order `order_id` for a viewer of `scope`.
pub async fn request_return(
    state: &AppState,
    scope: OrderScope,
    order_id: Uuid,
    lines: Vec<NewLine>,
    reason: Option<String>,
) -> Result<order::Model, ApiError> {
    validate_lines(&lines, "lines", &state.config.checkout)?;
    let txn = begin_write(&state.db).await?;
    let current = locked_order(&txn, scope, order_id).await?;
    if !matches!(
        current.status,
        OrderStatus::Completed | OrderStatus::Delivered
    ) {
        txn.rollback().await?;
        return Err(ApiError::Conflict(format!(
            "only COMPLETED or DELIVERED orders can be returned (this one is {:?})",
            current.status
        )));
    }
    if let Err(error) = pos_takes_returns(state, &current).await {
        txn.rollback().await?;
        return Err(error);
    }
    let ordered = order_line::Entity::find()
        .filter(order_line::Column::OrderId.eq(order_id))
        .all(&txn)
        .await?;
    let queued = queued_returns(&txn, order_id).await?;
    for (index, line) in lines.iter().enumerate() {
        let Some(ordered) = ordered.iter().find(|o| o.product_id == line.product_id) else {
            txn.rollback().await?;
            return Err(ApiError::bad_field(
                format!("lines[{index}].productId"),
                "this product is not on the order",
            ));
        };
        let out = ordered.quantity
            - ordered.returned_quantity
            - queued.get(&line.product_id).copied().unwrap_or_default();
        if line.quantity > out {
            txn.rollback().await?;
            return Err(ApiError::bad_field(
                format!("lines[{index}].quantity"),
                format!(
                    "only {} unit(s) of this product can still be returned",
                    out.max(0)
                ),
            ));
        }
    }
    let payload = json!({
        "lines": lines
            .iter()
            .map(|line| json!({ "productId": line.product_id, "quantity": line.quantity }))
            .collect::<Vec<_>>(),
        "reason": reason,
    });
    enqueue(&txn, kinds::RETURN_ORDER, order_id, payload, Utc::now()).await?;
    txn.commit().await?;
    Ok(current)
}

/// Refuses returns for a POS whose API takes none.
async fn pos_takes_returns(state: &AppState, order: &order::Model) -> Result<(), ApiError> {
    let Some(connection_id) = order.connection_id else {
        return Err(ApiError::Conflict(
            "this order's store has no POS connection to return it through".into(),
        ));
    };
    let Some(connection) = provider_connection::Entity::find_by_id(connection_id)
        .one(&state.db)
        .await?
    else {
        return Err(ApiError::Conflict(
            "this order's POS connection no longer exists".into(),
        ));
    };
    let adapter = connections::connect(&Keyring::new(&state.master_key), &connection)
        .map_err(ApiError::internal)?;
    if adapter.capabilities().returns {
        Ok(())
    } else {
        Err(ApiError::Conflict(
            "this store's POS takes returns at the register only; they appear here once rung up"
                .into(),
        ))
    }
}

/// Units per product in returns queued and not yet confirmed by the POS.
async fn queued_returns(
    txn: &sea_orm::DatabaseTransaction,
    order_id: Uuid,
) -> Result<HashMap<Uuid, i64>, ApiError> {
    let rows = outbox::Entity::find()
        .filter(outbox::Column::AggregateId.eq(order_id))
        .filter(outbox::Column::Kind.eq(kinds::RETURN_ORDER))
        .filter(outbox::Column::Status.is_in([QueueStatus::Pending, QueueStatus::InFlight]))
        .all(txn)
        .await?;
    let mut queued = HashMap::new();
    for row in rows {
        let lines = row.payload["lines"].as_array().cloned().unwrap_or_default();
        for line in lines {
            let product = line["productId"]
                .as_str()
                .and_then(|id| Uuid::try_parse(id).ok());
            if let (Some(product), Some(quantity)) = (product, line["quantity"].as_i64()) {
                *queued.entry(product).or_insert(0) += quantity;
            }
        }
    }
    Ok(queued)
}
