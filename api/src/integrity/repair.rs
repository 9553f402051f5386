//! The reconciler: repairs what it safely can and raises an alert for the rest.
//!
//! The one repair is a leaked reservation: a stock row reserving more units than the
//! open orders at its location hold (an order ended without releasing its stock). The
//! surplus is released under the row's lock, with the orders' lines read in the same
//! transaction, so an order placed meanwhile (its reservation and lines commit
//! together) is never under-counted. A row reserving too little, negative stock,
//! doubled deliveries and the rest need a person: one alert per rule names how many
//! rows and the first of them, and is resolved by the system once a run finds the rule
//! holding again.

use std::{collections::BTreeMap, time::Duration};

use chrono::Utc;
use entities::{
    enums::{AlertSeverity, ChangeSource},
    stock_level,
};
use sea_orm::{
    ActiveModelTrait, DatabaseConnection, DbErr, EntityTrait, IntoActiveModel, QuerySelect, Set,
};
use tokio_util::{sync::CancellationToken, task::TaskTracker};
use uuid::Uuid;

use super::{Rule, Violation, check, rules::held_at};
use crate::{
    alerts::NewAlert,
    effects::{Announcer, Effects},
    orders::txn::begin_write,
    state::AppState,
};

/// What one reconciliation did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reconciled {
    /// The stock rows whose leaked reservation was released, with the units released.
    pub released: Vec<(Uuid, i64)>,
    /// The violations left for a person (each rule raised its alert).
    pub remaining: Vec<Violation>,
}

/// Starts the reconciler on `tracker`: every `interval` until `shutdown`.
pub fn start(
    state: AppState,
    interval: Duration,
    stuck_after: Duration,
    tracker: &TaskTracker,
    shutdown: CancellationToken,
) {
    tracker.spawn(async move {
        let mut ticks = tokio::time::interval(interval.max(Duration::from_millis(10)));
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = shutdown.cancelled() => break,
                _ = ticks.tick() => {
                    if let Err(error) = reconcile(&state, stuck_after).await {
                        tracing::warn!(%error, "reconciliation failed; retrying next tick");
                    }
                }
            }
        }
    });
}

/// Checks every invariant, releases leaked reservations, and raises one alert per rule
/// still broken after that.
pub async fn reconcile(state: &AppState, stuck_after: Duration) -> Result<Reconciled, DbErr> {
    let report = check(&state.db, stuck_after).await?;
    let mut effects = Effects::default();
    let mut released = Vec::new();
    for violation in &report.violations {
        if let (Rule::Reservations, [row_id]) = (violation.rule, violation.ids.as_slice())
            && let Some((row, units)) = release_leak(&state.db, *row_id).await?
        {
            tracing::warn!(stock_row = %row.id, units, "released a leaked reservation");
            effects.stock_changed(row.product_id, row.location_id);
            released.push((row.id, units));
        }
    }
    let remaining = if released.is_empty() {
        report.violations
    } else {
        check(&state.db, stuck_after).await?.violations
    };
    for alert in alerts(&remaining) {
        effects.alert(alert);
    }
    for rule in Rule::ALL {
        if !remaining.iter().any(|violation| violation.rule == rule) {
            effects.condition_cleared(condition(rule.code()));
        }
    }
    Announcer::new(state.db.clone(), state.cache.clone(), state.events.clone())
        .announce(effects, ChangeSource::System)
        .await;
    Ok(Reconciled {
        released,
        remaining,
    })
}

/// Releases the surplus of stock row `id` over what its open orders hold, if any;
/// returns the row as it was and the units released.
async fn release_leak(
    db: &DatabaseConnection,
    id: Uuid,
) -> Result<Option<(stock_level::Model, i64)>, DbErr> {
    let txn = begin_write(db).await?;
    let Some(row) = stock_level::Entity::find_by_id(id)
        .lock_exclusive()
        .one(&txn)
        .await?
    else {
        txn.rollback().await?;
        return Ok(None);
    };
    let held = held_at(&txn, row.product_id, row.location_id).await?;
    let surplus = row.reserved - held;
    if surplus <= 0 {
        txn.rollback().await?;
        return Ok(None);
    }
    let mut update = row.clone().into_active_model();
    update.reserved = Set(held);
    update.updated_at = Set(Utc::now());
    update.update(&txn).await?;
    txn.commit().await?;
    Ok(Some((row, surplus)))
}

/// The alert condition of the rule with `code`.
fn condition(code: &str) -> String {
    format!("integrity_violation:{code}")
}

/// One alert per broken rule: how many violations, and the first one.
fn alerts(violations: &[Violation]) -> Vec<NewAlert> {
    let mut by_rule: BTreeMap<&'static str, Vec<&Violation>> = BTreeMap::new();
    for violation in violations {
        by_rule
            .entry(violation.rule.code())
            .or_default()
            .push(violation);
    }
    by_rule
        .into_iter()
        .filter_map(|(code, found)| {
            let first = found.first()?;
            Some(NewAlert {
                severity: AlertSeverity::Critical,
                kind: "integrity_violation",
                connection_id: None,
                product_id: None,
                location_id: None,
                message: format!(
                    "{} violation(s) of the {code} invariant; first: {}",
                    found.len(),
                    first.message
                ),
                details: serde_json::json!({
                    "rule": code,
                    "count": found.len(),
                    "ids": first.ids,
                }),
                dedupe_key: condition(code),
            })
        })
        .collect()
}
