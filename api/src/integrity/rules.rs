//! The rules, one query (or a few) each.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use entities::{
    alert,
    enums::{OrderStatus, QueueStatus},
    order, order_line, outbox, purchase, purchase_line, stock_level,
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, Iterable, QueryFilter,
    QuerySelect,
    sea_query::{Expr, ExprTrait, Query, SelectStatement},
};
use uuid::Uuid;

use super::Violation;
use crate::{events::outbox::kinds, orders::transitions::holds_reservation};

/// The invariants.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rule {
    /// A stock row's `reserved` equals the units on the open orders holding it.
    Reservations,
    /// No stock row has a negative `on_hand`, `reserved` or `available`.
    NegativeStock,
    /// An order the POS took was submitted by exactly one outbox row.
    OneDelivery,
    /// No two orders name the same POS order.
    OnePosOrder,
    /// No outbox row waits long past its due time.
    StuckOutbox,
    /// Every dead-lettered outbox row raised its alert.
    DeadLetterAlerted,
    /// A purchase Canopy recorded from its order totals the sum of its lines.
    PurchaseTotals,
}

impl Rule {
    /// Every invariant.
    pub const ALL: [Rule; 7] = [
        Rule::Reservations,
        Rule::NegativeStock,
        Rule::OneDelivery,
        Rule::OnePosOrder,
        Rule::StuckOutbox,
        Rule::DeadLetterAlerted,
        Rule::PurchaseTotals,
    ];

    /// Its name in reports, e.g. `reservations`.
    pub const fn code(self) -> &'static str {
        match self {
            Rule::Reservations => "reservations",
            Rule::NegativeStock => "negative_stock",
            Rule::OneDelivery => "one_delivery",
            Rule::OnePosOrder => "one_pos_order",
            Rule::StuckOutbox => "stuck_outbox",
            Rule::DeadLetterAlerted => "dead_letter_alerted",
            Rule::PurchaseTotals => "purchase_totals",
        }
    }
}

/// The statuses of an order the POS has taken (it left PENDING through a submission).
const TAKEN: [OrderStatus; 7] = [
    OrderStatus::Submitted,
    OrderStatus::Confirmed,
    OrderStatus::Ready,
    OrderStatus::Shipped,
    OrderStatus::Delivered,
    OrderStatus::Completed,
    OrderStatus::Returned,
];

/// [`Rule::Reservations`]: per stock row, the units of the lines of orders whose status
/// holds a reservation.
pub(super) async fn reservations(db: &impl ConnectionTrait) -> Result<Vec<Violation>, DbErr> {
    let orders: HashMap<Uuid, Uuid> = order::Entity::find()
        .select_only()
        .columns([order::Column::Id, order::Column::LocationId])
        .filter(order::Column::Status.is_in(holding_statuses()))
        .into_tuple::<(Uuid, Uuid)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let lines: Vec<(Uuid, Uuid, i64)> = order_line::Entity::find()
        .select_only()
        .columns([
            order_line::Column::OrderId,
            order_line::Column::ProductId,
            order_line::Column::Quantity,
        ])
        .filter(order_line::Column::OrderId.in_subquery(holding_orders()))
        .into_tuple()
        .all(db)
        .await?;
    let mut expected: BTreeMap<(Uuid, Uuid), i64> = BTreeMap::new();
    for (order_id, product_id, quantity) in lines {
        if let Some(location_id) = orders.get(&order_id) {
            *expected.entry((product_id, *location_id)).or_default() += quantity;
        }
    }
    let mut found = Vec::new();
    for row in stock_level::Entity::find().all(db).await? {
        let held = expected
            .remove(&(row.product_id, row.location_id))
            .unwrap_or(0);
        if row.reserved != held {
            found.push(Violation {
                rule: Rule::Reservations,
                ids: vec![row.id],
                message: format!(
                    "stock row {} (product {}, location {}) has {} reserved; its open orders hold {held}",
                    row.id, row.product_id, row.location_id, row.reserved
                ),
            });
        }
    }
    for ((product_id, location_id), held) in expected {
        found.push(Violation {
            rule: Rule::Reservations,
            ids: vec![product_id, location_id],
            message: format!(
                "open orders hold {held} of product {product_id} at location {location_id}, which has no stock row"
            ),
        });
    }
    Ok(found)
}

/// The units of `product_id` at `location_id` on the lines of orders whose status holds
/// a reservation (the reconciler's figure for one stock row, read in its transaction).
pub(super) async fn held_at(
    db: &impl ConnectionTrait,
    product_id: Uuid,
    location_id: Uuid,
) -> Result<i64, DbErr> {
    let quantities: Vec<i64> = order_line::Entity::find()
        .select_only()
        .column(order_line::Column::Quantity)
        .filter(order_line::Column::ProductId.eq(product_id))
        .filter(
            order_line::Column::OrderId.in_subquery(
                holding_orders()
                    .and_where(order::Column::LocationId.eq(location_id))
                    .to_owned(),
            ),
        )
        .into_tuple()
        .all(db)
        .await?;
    Ok(quantities.into_iter().sum())
}

/// `SELECT id FROM orders WHERE status` holds a reservation, to narrow further.
fn holding_orders() -> SelectStatement {
    Query::select()
        .column(order::Column::Id)
        .from(order::Entity)
        .and_where(order::Column::Status.is_in(holding_statuses()))
        .to_owned()
}

/// The statuses whose orders hold stock reserved.
fn holding_statuses() -> Vec<OrderStatus> {
    OrderStatus::iter()
        .filter(|status| holds_reservation(*status))
        .collect()
}

/// [`Rule::NegativeStock`].
pub(super) async fn negative_stock(db: &impl ConnectionTrait) -> Result<Vec<Violation>, DbErr> {
    let rows = stock_level::Entity::find()
        .filter(
            Condition::any()
                .add(stock_level::Column::OnHand.lt(0))
                .add(stock_level::Column::Reserved.lt(0))
                .add(
                    Expr::col(stock_level::Column::Reserved)
                        .gt(Expr::col(stock_level::Column::OnHand)),
                ),
        )
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| Violation {
            rule: Rule::NegativeStock,
            ids: vec![row.id],
            message: format!(
                "stock row {} (product {}, location {}): on hand {}, reserved {}, available {}",
                row.id,
                row.product_id,
                row.location_id,
                row.on_hand,
                row.reserved,
                row.available()
            ),
        })
        .collect())
}

/// [`Rule::OneDelivery`] and [`Rule::OnePosOrder`].
pub(super) async fn deliveries(db: &impl ConnectionTrait) -> Result<Vec<Violation>, DbErr> {
    let taken: Vec<order::Model> = order::Entity::find()
        .filter(order::Column::Status.is_in(TAKEN))
        .all(db)
        .await?;
    let submissions: Vec<Uuid> = outbox::Entity::find()
        .select_only()
        .column(outbox::Column::AggregateId)
        .filter(outbox::Column::Kind.eq(kinds::SUBMIT_ORDER))
        .into_tuple()
        .all(db)
        .await?;
    let mut per_order: HashMap<Uuid, usize> = HashMap::new();
    for id in submissions {
        *per_order.entry(id).or_default() += 1;
    }
    let mut found = Vec::new();
    let mut pos_orders: BTreeMap<(Option<Uuid>, String), Vec<Uuid>> = BTreeMap::new();
    for order in &taken {
        let rows = per_order.get(&order.id).copied().unwrap_or(0);
        if rows != 1 {
            found.push(Violation {
                rule: Rule::OneDelivery,
                ids: vec![order.id],
                message: format!(
                    "order {} is {:?} with {rows} submission row(s) in the outbox",
                    order.id, order.status
                ),
            });
        }
    }
    for order in order::Entity::find()
        .filter(order::Column::ExternalId.is_not_null())
        .all(db)
        .await?
    {
        if let Some(external) = order.external_id {
            pos_orders
                .entry((order.connection_id, external))
                .or_default()
                .push(order.id);
        }
    }
    for ((connection, external), orders) in pos_orders {
        if orders.len() > 1 {
            found.push(Violation {
                rule: Rule::OnePosOrder,
                message: format!(
                    "{} orders name POS order {external} of connection {}",
                    orders.len(),
                    connection.map_or_else(|| "-".to_owned(), |c| c.to_string())
                ),
                ids: orders,
            });
        }
    }
    Ok(found)
}

/// [`Rule::StuckOutbox`] (due before `stuck_before` and still waiting) and
/// [`Rule::DeadLetterAlerted`].
pub(super) async fn outbox(
    db: &impl ConnectionTrait,
    stuck_before: DateTime<Utc>,
) -> Result<Vec<Violation>, DbErr> {
    let mut found = Vec::new();
    let stuck = outbox::Entity::find()
        .filter(outbox::Column::Status.is_in([QueueStatus::Pending, QueueStatus::InFlight]))
        .filter(outbox::Column::NextAttemptAt.lt(stuck_before))
        .all(db)
        .await?;
    for row in stuck {
        found.push(Violation {
            rule: Rule::StuckOutbox,
            ids: vec![row.id, row.aggregate_id],
            message: format!(
                "outbox row {} ({} of {}) has waited since {} after {} attempt(s)",
                row.id, row.kind, row.aggregate_id, row.next_attempt_at, row.attempts
            ),
        });
    }
    let dead = outbox::Entity::find()
        .filter(outbox::Column::Status.eq(QueueStatus::Dead))
        .all(db)
        .await?;
    if dead.is_empty() {
        return Ok(found);
    }
    let alerted: HashSet<String> = alert::Entity::find()
        .select_only()
        .column(alert::Column::DedupeKey)
        .filter(alert::Column::Kind.eq("order_delivery_dead_letter"))
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    for row in dead {
        let key = format!(
            "order_delivery_dead_letter:{}:{}",
            row.aggregate_id, row.kind
        );
        if !alerted.contains(&key) {
            found.push(Violation {
                rule: Rule::DeadLetterAlerted,
                ids: vec![row.id, row.aggregate_id],
                message: format!(
                    "outbox row {} ({} of {}) is dead-lettered without its alert",
                    row.id, row.kind, row.aggregate_id
                ),
            });
        }
    }
    Ok(found)
}

/// [`Rule::PurchaseTotals`]: the totals of the purchases Canopy recorded from its own
/// orders against the sum of their lines' amounts. A POS transaction's total is the
/// POS's word and may hold tax and discounts its lines do not carry, so it is not checked.
pub(super) async fn purchase_totals(db: &impl ConnectionTrait) -> Result<Vec<Violation>, DbErr> {
    let lines: Vec<(Uuid, i64)> = purchase_line::Entity::find()
        .select_only()
        .columns([
            purchase_line::Column::PurchaseId,
            purchase_line::Column::Amount,
        ])
        .into_tuple()
        .all(db)
        .await?;
    let mut sums: HashMap<Uuid, i64> = HashMap::new();
    for (purchase_id, amount) in lines {
        *sums.entry(purchase_id).or_default() += amount;
    }
    let purchases: Vec<(Uuid, i64)> = purchase::Entity::find()
        .select_only()
        .columns([purchase::Column::Id, purchase::Column::Total])
        .filter(purchase::Column::ExternalId.is_null())
        .into_tuple()
        .all(db)
        .await?;
    Ok(purchases
        .into_iter()
        .filter_map(|(id, total)| {
            let lines = sums.get(&id).copied()?;
            (lines != total).then(|| Violation {
                rule: Rule::PurchaseTotals,
                ids: vec![id],
                message: format!("purchase {id} totals {total} but its lines sum to {lines}"),
            })
        })
        .collect())
}
