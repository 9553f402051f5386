//! Raising alerts: one open alert per condition (`dedupe_key`); a repeat bumps it (and,
//! raised with [`Repeat::Refresh`], brings its severity, message and details up to date).
//! [`announce`] tells the event bus when an alert opens or is resolved; [`outage`] keeps
//! one alert open while Redis is down.

pub mod edge_purge;
pub mod outage;

use chrono::{DateTime, Utc};
use entities::{
    alert::{self, Column, Entity},
    enums::AlertSeverity,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, SqlErr,
    sea_query::{Expr, ExprTrait},
};
use uuid::Uuid;

use crate::events::{
    EventBus, EventBusExt,
    alert::{ALERT_RESOLVED_TOPIC, ALERT_TOPIC, AlertEvent},
};

/// Who resolves an alert whose condition cleared by itself (an outage that ended).
pub const SYSTEM: &str = "system";

/// An alert to raise. The message and details carry no secrets and no personal data.
#[derive(Clone, Debug, PartialEq)]
pub struct NewAlert {
    /// How bad it is.
    pub severity: AlertSeverity,
    /// The kind of condition, e.g. `pos_bad_record`.
    pub kind: &'static str,
    /// The POS connection concerned.
    pub connection_id: Option<Uuid>,
    /// The product concerned.
    pub product_id: Option<Uuid>,
    /// The location concerned.
    pub location_id: Option<Uuid>,
    /// A one-line summary for admins.
    pub message: String,
    /// Structured details.
    pub details: serde_json::Value,
    /// Identifies the condition: while an alert with this key is open, no other opens.
    pub dedupe_key: String,
}

/// What a repeat of an open alert changes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Repeat {
    /// Only the count and last-seen time: the alert keeps what its first occurrence said
    /// (a discrepancy's before and after).
    #[default]
    Count,
    /// Also severity, message and details: the alert says how things are now (how many
    /// records the last run rejected, and why).
    Refresh,
}

/// Opens `alert`, or counts one more occurrence of the open alert with its key.
/// Returns the alert when this call opened it (`None` for a repeat), so the caller can
/// announce new alerts once.
pub async fn raise(
    db: &impl ConnectionTrait,
    alert: &NewAlert,
    now: DateTime<Utc>,
) -> Result<Option<alert::Model>, DbErr> {
    raise_with(db, alert, Repeat::Count, now).await
}

/// [`raise`], with `repeat` saying what a repeat changes.
pub async fn raise_with(
    db: &impl ConnectionTrait,
    alert: &NewAlert,
    repeat: Repeat,
    now: DateTime<Utc>,
) -> Result<Option<alert::Model>, DbErr> {
    if bump(db, alert, repeat, now).await? {
        return Ok(None);
    }
    let opened = alert::Model {
        id: Uuid::now_v7(),
        severity: alert.severity,
        kind: alert.kind.to_owned(),
        connection_id: alert.connection_id,
        product_id: alert.product_id,
        location_id: alert.location_id,
        order_id: None,
        message: alert.message.clone(),
        details: alert.details.clone(),
        dedupe_key: alert.dedupe_key.clone(),
        occurrences: 1,
        created_at: now,
        last_seen_at: now,
        resolved_at: None,
        resolved_by: None,
    };
    let row = opened.clone().into_active_model().reset_all();
    match Entity::insert(row).exec_without_returning(db).await {
        Ok(_) => Ok(Some(opened)),
        // another writer opened the same alert in between: count this occurrence on it
        Err(error) if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            bump(db, alert, repeat, now).await.map(|_| None)
        }
        Err(error) => Err(error),
    }
}

/// Counts one occurrence on the open alert with `alert`'s key (refreshing it from
/// `alert` when `repeat` says so); `false` when none is open.
async fn bump(
    db: &impl ConnectionTrait,
    alert: &NewAlert,
    repeat: Repeat,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let mut update = Entity::update_many();
    update = update
        .col_expr(Column::Occurrences, Expr::col(Column::Occurrences).add(1))
        .col_expr(Column::LastSeenAt, Expr::value(now));
    if repeat == Repeat::Refresh {
        update = update
            .col_expr(Column::Severity, Expr::value(alert.severity))
            .col_expr(Column::Message, Expr::value(alert.message.clone()))
            .col_expr(Column::Details, Expr::value(alert.details.clone()));
    }
    let result = update
        .filter(Column::DedupeKey.eq(&alert.dedupe_key))
        .filter(Column::ResolvedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// Publishes `alert` on the bus: on [`ALERT_TOPIC`] while it is open (call it once, when
/// [`raise`] opened it), on [`ALERT_RESOLVED_TOPIC`] once resolved. A failure costs
/// subscribers freshness only (the alert is stored), so it is logged, not returned.
pub async fn announce(events: &(impl EventBus + ?Sized), alert: &alert::Model) {
    let topic = if alert.is_open() {
        &ALERT_TOPIC
    } else {
        &ALERT_RESOLVED_TOPIC
    };
    if let Err(error) = events.publish_event(topic, &AlertEvent::from(alert)).await {
        tracing::warn!(%error, kind = %alert.kind, "alert event not published");
    }
}

/// Resolves the open alert of condition `dedupe_key` as `actor` (a system actor when the
/// condition cleared by itself, such as an outage that ended); `None` when none is open.
pub async fn resolve_condition(
    db: &impl ConnectionTrait,
    dedupe_key: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Option<alert::Model>, DbErr> {
    let Some(open) = Entity::find()
        .filter(Column::DedupeKey.eq(dedupe_key))
        .filter(Column::ResolvedAt.is_null())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let resolved = Entity::update_many()
        .col_expr(Column::ResolvedAt, Expr::value(now))
        .col_expr(Column::ResolvedBy, Expr::value(actor))
        .filter(Column::Id.eq(open.id))
        .filter(Column::ResolvedAt.is_null())
        .exec(db)
        .await?;
    Ok((resolved.rows_affected > 0).then(|| alert::Model {
        resolved_at: Some(now),
        resolved_by: Some(actor.to_owned()),
        ..open
    }))
}
