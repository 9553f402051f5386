//! Between the adapters' order vocabulary (`providers::model`) and the stored enums.

use entities::enums::{Fulfillment, OrderStatus};
use providers::model;

/// The stored status for an adapter's mapped status.
pub const fn order_status(status: model::OrderStatus) -> OrderStatus {
    match status {
        model::OrderStatus::Pending => OrderStatus::Pending,
        model::OrderStatus::Submitted => OrderStatus::Submitted,
        model::OrderStatus::Confirmed => OrderStatus::Confirmed,
        model::OrderStatus::Ready => OrderStatus::Ready,
        model::OrderStatus::Shipped => OrderStatus::Shipped,
        model::OrderStatus::Delivered => OrderStatus::Delivered,
        model::OrderStatus::Completed => OrderStatus::Completed,
        model::OrderStatus::Cancelled => OrderStatus::Cancelled,
        model::OrderStatus::Returned => OrderStatus::Returned,
        model::OrderStatus::Failed => OrderStatus::Failed,
    }
}

/// The adapters' fulfillment for a stored one.
pub const fn fulfillment(fulfillment: Fulfillment) -> model::Fulfillment {
    match fulfillment {
        Fulfillment::Pickup => model::Fulfillment::Pickup,
        Fulfillment::Delivery => model::Fulfillment::Delivery,
    }
}
