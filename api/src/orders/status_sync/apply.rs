//! Applying one observed status to one order: the transition check, the order row, its
//! order event, the reservation release and, once fulfilled, the order's sale purchase
//! ([`sale`]) in one transaction; after the commit the
//! [`OrderEvent`], stock events and alerts are announced.
//!
//! Every path that changes an order's status after placement goes through here: the
//! outbox (SUBMITTED, FAILED), the pollers and webhooks (the POS's statuses), returns
//! found in the POS's transactions and an admin's retry.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entities::{
    enums::{AlertSeverity, ChangeSource, OrderStatus},
    order, order_event, order_line,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, DbErr, EntityTrait, IntoActiveModel, QueryFilter, QuerySelect,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

use super::returns::{self, ReturnedSoFar};
use uuid::Uuid;

use crate::{
    alerts::NewAlert,
    effects::{Announcer, Effects},
    events::{
        EventBusExt, SharedEventBus,
        order::{ORDER_TOPIC, OrderEvent},
    },
    orders::{reservations, sale, transitions},
};

/// What the POS (or Canopy itself) says about an order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Observation {
    /// The status mapped onto Canopy's; `None` when the vendor's value is unknown.
    pub status: Option<OrderStatus>,
    /// The vendor's own status text, kept as received.
    pub vendor_status: Option<String>,
    /// Why (a rejection, a cancellation, the last delivery error).
    pub reason: Option<String>,
    /// The POS's order id, once known.
    pub external_id: Option<String>,
    /// Extra facts stored on the order event (a refund, a return id).
    pub detail: Option<serde_json::Value>,
}

/// What applying an observation did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Applied {
    /// The status changed; the event was stored and published.
    Changed(OrderEvent),
    /// Nothing new (same status, or only the vendor text or external id were stored).
    Unchanged,
    /// The transition is impossible: refused, alerted and logged.
    Refused {
        /// The order's status.
        from: OrderStatus,
        /// The status reported.
        to: OrderStatus,
    },
    /// The vendor status maps onto nothing Canopy knows: kept in `vendor_status`, logged.
    UnknownVendorStatus,
    /// A late report of a status the order has already passed (delivered out of order):
    /// ignored, its vendor text included.
    Stale,
    /// No such order.
    NoOrder,
    /// Taking the reservation back (an admin's retry) failed: nothing was changed.
    OutOfStock(reservations::Shortage),
}

/// Which transitions an application may make.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Authority {
    /// The POS or the outbox: the shared transition table.
    Pos,
    /// An admin retrying a failed delivery: FAILED → PENDING too.
    AdminRetry,
}

/// Applies observations to orders and announces the results.
#[derive(Clone)]
pub struct StatusApplier {
    db: DatabaseConnection,
    events: SharedEventBus,
    announcer: Announcer,
}

impl StatusApplier {
    /// An applier writing to `db`, announcing through `announcer` and `events`.
    pub fn new(db: DatabaseConnection, events: SharedEventBus, announcer: Announcer) -> Self {
        Self {
            db,
            events,
            announcer,
        }
    }

    /// The database it writes to.
    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Applies `observed` from `source` to order `order_id`.
    pub async fn apply(
        &self,
        order_id: Uuid,
        observed: Observation,
        source: ChangeSource,
        authority: Authority,
    ) -> Result<Applied, DbErr> {
        let now = Utc::now();
        let mut effects = Effects::default();
        let txn = self.begin().await?;
        let Some(current) = order::Entity::find_by_id(order_id)
            .lock_exclusive()
            .one(&txn)
            .await?
        else {
            return Ok(Applied::NoOrder);
        };
        let applied = transition(
            &txn,
            &current,
            &observed,
            source,
            authority,
            now,
            &mut effects,
        )
        .await?;
        if matches!(applied, Applied::OutOfStock(_)) {
            txn.rollback().await?;
            return Ok(applied);
        }
        txn.commit().await?;
        self.announce(&applied, effects, source).await;
        Ok(applied)
    }

    /// Announces a committed application: the order event, then stock and alerts.
    pub(crate) async fn announce(&self, applied: &Applied, effects: Effects, source: ChangeSource) {
        if let Applied::Changed(event) = applied
            && let Err(error) = self.events.publish_event(&ORDER_TOPIC, event).await
        {
            tracing::warn!(order = %event.order_id, %error, "order event not published");
        }
        if !effects.is_empty() {
            self.announcer.announce(effects, source).await;
        }
    }

    /// Announces effects committed by the caller's own transaction (alerts).
    pub async fn announce_effects(&self, effects: Effects, source: ChangeSource) {
        self.announcer.announce(effects, source).await;
    }

    /// Records on order `order_id` a return the POS confirmed: `units` per product and
    /// `refund` more than the POS had reported before `return_id`.
    pub async fn record_return(
        &self,
        order_id: Uuid,
        units: HashMap<Uuid, i64>,
        refund: i64,
        return_id: &str,
        source: ChangeSource,
    ) -> Result<Applied, DbErr> {
        self.record_returned(order_id, source, |order, lines| ReturnedSoFar {
            units: units
                .iter()
                .map(|(product, quantity)| {
                    let before: i64 = lines
                        .iter()
                        .filter(|l| l.product_id == *product)
                        .map(|l| l.returned_quantity)
                        .sum();
                    (*product, before + quantity)
                })
                .collect(),
            refunded: order.refunded_total + refund,
            return_id: return_id.to_owned(),
        })
        .await
    }

    /// Records on order `order_id` the POS's totals of what has been returned so far.
    pub async fn record_returned_so_far(
        &self,
        order_id: Uuid,
        returned: ReturnedSoFar,
        source: ChangeSource,
    ) -> Result<Applied, DbErr> {
        self.record_returned(order_id, source, |_, _| returned)
            .await
    }

    async fn record_returned(
        &self,
        order_id: Uuid,
        source: ChangeSource,
        returned: impl FnOnce(&order::Model, &[order_line::Model]) -> ReturnedSoFar,
    ) -> Result<Applied, DbErr> {
        let txn = self.begin().await?;
        let Some(current) = order::Entity::find_by_id(order_id)
            .lock_exclusive()
            .one(&txn)
            .await?
        else {
            return Ok(Applied::NoOrder);
        };
        let lines = order_line::Entity::find()
            .filter(order_line::Column::OrderId.eq(order_id))
            .all(&txn)
            .await?;
        let returned = returned(&current, &lines);
        let applied = match returns::record(&txn, &current, &returned, source, Utc::now()).await? {
            Some(event) => Applied::Changed(event),
            None => Applied::Unchanged,
        };
        txn.commit().await?;
        self.announce(&applied, Effects::default(), source).await;
        Ok(applied)
    }

    pub(crate) async fn begin(&self) -> Result<DatabaseTransaction, DbErr> {
        self.db
            .begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..TransactionOptions::default()
            })
            .await
    }
}

/// The transition itself, inside the caller's transaction.
pub(crate) async fn transition(
    db: &impl ConnectionTrait,
    current: &order::Model,
    observed: &Observation,
    source: ChangeSource,
    authority: Authority,
    now: DateTime<Utc>,
    effects: &mut Effects,
) -> Result<Applied, DbErr> {
    if let Some(reported) = observed.status
        && transitions::is_behind(current.status, reported)
    {
        tracing::debug!(order = %current.id, current = ?current.status, ?reported, ?source, "late order status ignored");
        metrics::counter!("canopy_order_status_stale_total", "source" => format!("{source:?}"))
            .increment(1);
        return Ok(Applied::Stale);
    }
    let mut row = current.clone().into_active_model();
    let mut touched = false;
    if let Some(vendor) = &observed.vendor_status
        && current.vendor_status.as_ref() != Some(vendor)
    {
        row.vendor_status = Set(Some(vendor.clone()));
        touched = true;
    }
    if let Some(external) = &observed.external_id
        && current.external_id.is_none()
    {
        row.external_id = Set(Some(external.clone()));
        touched = true;
    }
    let outcome = match observed.status {
        None => {
            tracing::warn!(
                order = %current.id,
                vendor_status = observed.vendor_status.as_deref().unwrap_or_default(),
                "unknown vendor order status kept as vendor_status"
            );
            Applied::UnknownVendorStatus
        }
        Some(to) if to == current.status => Applied::Unchanged,
        Some(to) if !permitted(authority, current.status, to) => {
            tracing::warn!(order = %current.id, from = ?current.status, to = ?to, ?source, "impossible order transition refused");
            effects.alert(refused_alert(current, to, observed, source));
            Applied::Refused {
                from: current.status,
                to,
            }
        }
        Some(to) => {
            row.status = Set(to);
            if observed.reason.is_some() {
                row.status_reason = Set(observed.reason.clone());
            }
            touched = true;
            if !transitions::holds_reservation(current.status) && transitions::holds_reservation(to)
            {
                match reservations::reserve_order(db, current.id, current.location_id).await? {
                    Ok(changed) => {
                        for (product, location) in changed {
                            effects.stock_changed(product, location);
                        }
                    }
                    Err(shortage) => return Ok(Applied::OutOfStock(shortage)),
                }
            }
            if transitions::holds_reservation(current.status) && !transitions::holds_reservation(to)
            {
                for (product, location) in
                    reservations::release(db, current.id, current.location_id).await?
                {
                    effects.stock_changed(product, location);
                }
                row.reservation_expires_at = Set(None);
            }
            let event = order_event::Model {
                id: Uuid::now_v7(),
                order_id: current.id,
                from_status: Some(current.status),
                to_status: to,
                source,
                vendor_status: observed.vendor_status.clone(),
                detail: observed.detail.clone(),
                at: now,
            };
            order_event::Entity::insert(event.clone().into_active_model().reset_all())
                .exec_without_returning(db)
                .await?;
            if sale::is_fulfilled(to) && sale::record(db, current, now).await? {
                effects.purchases_changed(current.customer_id);
            }
            Applied::Changed(OrderEvent::from_row(&event, current.customer_id))
        }
    };
    if touched {
        row.updated_at = Set(now);
        row.update(db).await?;
    }
    Ok(outcome)
}

fn permitted(authority: Authority, from: OrderStatus, to: OrderStatus) -> bool {
    transitions::allowed(from, to)
        || (authority == Authority::AdminRetry && transitions::allowed_for_admin_retry(from, to))
}

fn refused_alert(
    order: &order::Model,
    to: OrderStatus,
    observed: &Observation,
    source: ChangeSource,
) -> NewAlert {
    NewAlert {
        severity: AlertSeverity::Warning,
        kind: "order_transition_refused",
        connection_id: order.connection_id,
        product_id: None,
        location_id: Some(order.location_id),
        message: format!(
            "order {}: impossible status change {:?} -> {:?} reported by {:?} refused",
            order.id, order.status, to, source
        ),
        details: serde_json::json!({
            "orderId": order.id,
            "from": order.status,
            "to": to,
            "vendorStatus": observed.vendor_status,
            "source": source,
        }),
        dedupe_key: format!("order_transition_refused:{}:{:?}", order.id, to),
    }
}
