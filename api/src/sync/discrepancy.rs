//! Discrepancies: POS data that contradicts what Canopy holds, spotted while a batch is
//! applied and raised as alerts (through the batch's [`Effects`], so only once the batch
//! commits; an open alert with the same key is counted, never duplicated).
//!
//! The rules (DESIGN.md, "Inventory rules") — in every case the POS wins: its count is
//! applied as it is, and the alert tells admins what to look at.
//! - **Below reserved**: the POS's on-hand is below the units Canopy holds for online
//!   orders; the open orders on that product and store are named in the alert (they may
//!   not be fulfillable). Critical.
//! - **Unexplained jump**: on-hand moved by more than the connection's threshold
//!   (settings key [`JUMP_THRESHOLD_SETTING`], default [`DEFAULT_JUMP_THRESHOLD`]) beyond
//!   what the sales and returns recorded between the two counts explain. Warning.
//! - **Vanished product**: a full catalog no longer lists a product that open orders
//!   contain. Critical.
//! - **Duplicate external id**: one batch lists the same POS id twice with different
//!   data; the newest record is applied. Warning.
//!
//! Alerts and logs carry ids and counts only, never personal data.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use entities::{
    enums::{AlertSeverity, OrderStatus},
    order, order_line, purchase, purchase_line,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, JoinType, QueryFilter, QuerySelect,
    RelationTrait,
};
use serde_json::json;
use uuid::Uuid;

use super::apply::ApplyContext;
use crate::{alerts::NewAlert, db::CHUNK, effects::Effects};

/// The connection settings key holding the unexplained-jump threshold, in units.
pub const JUMP_THRESHOLD_SETTING: &str = "discrepancy_jump_threshold";
/// The unexplained-jump threshold when the settings name none.
pub const DEFAULT_JUMP_THRESHOLD: i64 = 100;

/// Order statuses in which an order still counts on its products.
const OPEN: [OrderStatus; 4] = [
    OrderStatus::Pending,
    OrderStatus::Submitted,
    OrderStatus::Confirmed,
    OrderStatus::Ready,
];

/// A connection's discrepancy thresholds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DiscrepancyRules {
    /// The largest on-hand change, in units, that needs no explanation.
    pub jump_threshold: i64,
}

impl Default for DiscrepancyRules {
    fn default() -> Self {
        Self {
            jump_threshold: DEFAULT_JUMP_THRESHOLD,
        }
    }
}

impl DiscrepancyRules {
    /// The rules configured in a connection's settings (defaults for what is missing).
    pub fn from_settings(settings: &serde_json::Value) -> Self {
        Self {
            jump_threshold: settings
                .get(JUMP_THRESHOLD_SETTING)
                .and_then(serde_json::Value::as_i64)
                .filter(|threshold| *threshold >= 0)
                .unwrap_or(DEFAULT_JUMP_THRESHOLD),
        }
    }
}

/// A stock row's on-hand count as the POS just changed it.
#[derive(Clone, Copy, Debug)]
pub struct StockChange {
    /// The product.
    pub product_id: Uuid,
    /// The store.
    pub location_id: Uuid,
    /// On-hand before.
    pub before: i64,
    /// On-hand as the POS now says.
    pub after: i64,
    /// Units Canopy holds for online orders.
    pub reserved: i64,
    /// The POS time of the previous count, if known.
    pub since: Option<DateTime<Utc>>,
    /// The POS time of this count.
    pub at: DateTime<Utc>,
}

/// Checks an applied stock change against the below-reserved and jump rules.
pub async fn check_stock(
    db: &impl ConnectionTrait,
    ctx: &ApplyContext,
    change: &StockChange,
    effects: &mut Effects,
) -> Result<(), DbErr> {
    if change.after < change.reserved {
        let orders = open_orders(db, &[change.product_id], Some(change.location_id)).await?;
        raise(
            effects,
            NewAlert {
                severity: AlertSeverity::Critical,
                kind: "stock_below_reserved",
                connection_id: Some(ctx.connection_id),
                product_id: Some(change.product_id),
                location_id: Some(change.location_id),
                message: format!(
                    "the POS counts {} on hand but {} are reserved for online orders",
                    change.after, change.reserved
                ),
                details: json!({
                    "before": change.before,
                    "after": change.after,
                    "reserved": change.reserved,
                    "openOrders": orders.get(&change.product_id).cloned().unwrap_or_default(),
                }),
                dedupe_key: format!(
                    "stock_below_reserved:{}:{}",
                    change.product_id, change.location_id
                ),
            },
        );
    }
    let delta = change.after - change.before;
    if delta.abs() <= ctx.discrepancies.jump_threshold {
        return Ok(());
    }
    let (sold, returned) = sales_between(db, change).await?;
    let unexplained = delta + sold - returned;
    if unexplained.abs() > ctx.discrepancies.jump_threshold {
        raise(
            effects,
            NewAlert {
                severity: AlertSeverity::Warning,
                kind: "stock_unexplained_jump",
                connection_id: Some(ctx.connection_id),
                product_id: Some(change.product_id),
                location_id: Some(change.location_id),
                message: format!(
                    "on-hand went from {} to {} with {} sold and {} returned in between",
                    change.before, change.after, sold, returned
                ),
                details: json!({
                    "before": change.before,
                    "after": change.after,
                    "sold": sold,
                    "returned": returned,
                    "unexplained": unexplained,
                    "threshold": ctx.discrepancies.jump_threshold,
                }),
                dedupe_key: format!(
                    "stock_unexplained_jump:{}:{}",
                    change.product_id, change.location_id
                ),
            },
        );
    }
    Ok(())
}

/// Raises a critical alert for each of `vanished` (products a full catalog no longer
/// lists) that open orders contain.
pub async fn check_vanished(
    db: &impl ConnectionTrait,
    ctx: &ApplyContext,
    vanished: &[Uuid],
    effects: &mut Effects,
) -> Result<(), DbErr> {
    let orders = open_orders(db, vanished, None).await?;
    for (product_id, orders) in orders {
        raise(
            effects,
            NewAlert {
                severity: AlertSeverity::Critical,
                kind: "product_vanished",
                connection_id: Some(ctx.connection_id),
                product_id: Some(product_id),
                location_id: None,
                message: format!(
                    "the POS no longer lists a product in {} open order(s)",
                    orders.len()
                ),
                details: json!({ "before": "listed", "after": "absent", "openOrders": orders }),
                dedupe_key: format!("product_vanished:{}:{product_id}", ctx.connection_id),
            },
        );
    }
    Ok(())
}

/// Raises a warning for each POS id that `records` (as `(id, fingerprint)`) list more
/// than once with different data (an identical repeat is harmless).
pub fn check_duplicates<F: PartialEq>(
    ctx: &ApplyContext,
    endpoint: &str,
    records: impl IntoIterator<Item = (String, F)>,
    effects: &mut Effects,
) {
    let mut seen: HashMap<String, F> = HashMap::new();
    let mut reported: HashSet<String> = HashSet::new();
    for (id, fingerprint) in records {
        match seen.get(&id) {
            Some(first) if *first != fingerprint && reported.insert(id.clone()) => raise(
                effects,
                NewAlert {
                    severity: AlertSeverity::Warning,
                    kind: "pos_duplicate_id",
                    connection_id: Some(ctx.connection_id),
                    product_id: None,
                    location_id: None,
                    message: format!(
                        "the POS listed {endpoint} id {id} more than once in one batch; the newest was applied"
                    ),
                    details: json!({ "endpoint": endpoint, "externalId": id }),
                    dedupe_key: format!("pos_duplicate_id:{}:{endpoint}:{id}", ctx.connection_id),
                },
            ),
            Some(_) => {}
            None => {
                seen.insert(id, fingerprint);
            }
        }
    }
}

/// Logs a discrepancy (ids and counts only) and queues its alert.
fn raise(effects: &mut Effects, alert: NewAlert) {
    tracing::warn!(
        kind = alert.kind,
        connection = ?alert.connection_id,
        product = ?alert.product_id,
        location = ?alert.location_id,
        details = %alert.details,
        "inventory discrepancy"
    );
    effects.alert(alert);
}

/// The open orders containing each of `products` (at `location`, when given).
async fn open_orders(
    db: &impl ConnectionTrait,
    products: &[Uuid],
    location: Option<Uuid>,
) -> Result<HashMap<Uuid, Vec<Uuid>>, DbErr> {
    let mut found: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for chunk in products.chunks(CHUNK) {
        let mut query = order_line::Entity::find()
            .join(JoinType::InnerJoin, order_line::Relation::Order.def())
            .filter(order_line::Column::ProductId.is_in(chunk.iter().copied()))
            .filter(order::Column::Status.is_in(OPEN));
        if let Some(location) = location {
            query = query.filter(order::Column::LocationId.eq(location));
        }
        for line in query.all(db).await? {
            let orders = found.entry(line.product_id).or_default();
            if !orders.contains(&line.order_id) {
                orders.push(line.order_id);
            }
        }
    }
    Ok(found)
}

/// Units of the changed product sold and returned at its store between the two POS
/// counts (voided sales excluded).
async fn sales_between(
    db: &impl ConnectionTrait,
    change: &StockChange,
) -> Result<(i64, i64), DbErr> {
    let mut query = purchase_line::Entity::find()
        .find_also_related(purchase::Entity)
        .filter(purchase_line::Column::ProductId.eq(change.product_id))
        .filter(purchase::Column::LocationId.eq(change.location_id))
        .filter(purchase::Column::IsVoid.eq(false))
        .filter(purchase::Column::OccurredAt.lte(change.at));
    if let Some(since) = change.since {
        query = query.filter(purchase::Column::OccurredAt.gt(since));
    }
    let (mut sold, mut returned) = (0, 0);
    for (line, purchase) in query.all(db).await? {
        match purchase {
            Some(purchase) if purchase.is_return => returned += line.quantity,
            Some(_) => sold += line.quantity,
            None => {}
        }
    }
    Ok((sold, returned))
}
