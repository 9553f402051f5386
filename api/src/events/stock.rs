//! Stock change events: what the sync engine (and, later, reservations) publish after a
//! committed change to a stock level, and what `stockChanged` subscriptions forward.

use chrono::{DateTime, Utc};
use entities::{enums::ChangeSource, stock_level};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Topic;

/// The topic every stock change is published on.
pub const STOCK_TOPIC: Topic<StockEvent> = Topic::new("stock");

/// A product's stock at a location right after a committed change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StockEvent {
    /// The product.
    pub product_id: Uuid,
    /// The location.
    pub location_id: Uuid,
    /// Units on hand, as the POS last said.
    pub on_hand: i64,
    /// Units held for online orders.
    pub reserved: i64,
    /// `max(0, on_hand - reserved)`.
    pub available: i64,
    /// What caused the change.
    pub source: ChangeSource,
    /// When Canopy applied it.
    pub at: DateTime<Utc>,
}

impl StockEvent {
    /// The event for a stock row as it stands after a change from `source`.
    pub fn from_level(level: &stock_level::Model, source: ChangeSource) -> Self {
        Self {
            product_id: level.product_id,
            location_id: level.location_id,
            on_hand: level.on_hand,
            reserved: level.reserved,
            available: level.available(),
            source,
            at: level.updated_at,
        }
    }
}
