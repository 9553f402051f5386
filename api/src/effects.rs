//! What a committed batch must tell the rest of Canopy: cache tags to invalidate, stock
//! events to publish, alerts to raise. Collected while applying, acted on only after the
//! commit, so nothing is announced that a rollback could take back.

use std::collections::BTreeSet;

use chrono::Utc;
use entities::{enums::ChangeSource, stock_level};
use providers::model::RejectedRecord;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::{
    alerts::{self, NewAlert, Repeat},
    cache::{SharedCache, tags},
    db::CHUNK,
    events::{
        EventBusExt, SharedEventBus,
        stock::{STOCK_TOPIC, StockEvent},
    },
};

/// The side effects of one batch.
#[derive(Debug, Default)]
pub struct Effects {
    tags: BTreeSet<String>,
    stock: BTreeSet<(Uuid, Uuid)>,
    alerts: Vec<(NewAlert, Repeat)>,
    cleared: Vec<String>,
    rejected: Vec<RejectedRecord>,
    deferred: u64,
    changes: u64,
}

impl Effects {
    /// A product's own fields changed.
    pub fn product_changed(&mut self, product_id: Uuid) {
        self.changes += 1;
        self.tags.insert(tags::CATALOG.to_owned());
        self.tags.insert(tags::product(product_id));
    }

    /// A product's on-hand count changed at a location.
    pub fn stock_changed(&mut self, product_id: Uuid, location_id: Uuid) {
        self.changes += 1;
        self.tags.insert(tags::STOCK.to_owned());
        self.tags.insert(tags::product_stock(product_id));
        self.tags.insert(tags::stock_at(location_id));
        self.stock.insert((product_id, location_id));
    }

    /// A location's fields changed.
    pub fn location_changed(&mut self, location_id: Uuid) {
        self.changes += 1;
        self.tags.insert(tags::LOCATIONS.to_owned());
        self.tags.insert(tags::location(location_id));
    }

    /// A customer's profile changed.
    pub fn customer_changed(&mut self, customer_id: Uuid) {
        self.changes += 1;
        self.tags.insert(tags::customer(customer_id));
    }

    /// A customer's purchase history changed.
    pub fn purchases_changed(&mut self, customer_id: Uuid) {
        self.changes += 1;
        self.tags.insert(tags::purchases(customer_id));
    }

    /// An alert to raise (a repeat only counts).
    pub fn alert(&mut self, alert: NewAlert) {
        self.alerts.push((alert, Repeat::Count));
    }

    /// An alert to raise whose repeats bring it up to date ([`Repeat::Refresh`]).
    pub fn current_alert(&mut self, alert: NewAlert) {
        self.alerts.push((alert, Repeat::Refresh));
    }

    /// A condition that no longer holds: its open alert (by dedupe key), if any, is
    /// resolved by the system.
    pub fn condition_cleared(&mut self, dedupe_key: String) {
        self.cleared.push(dedupe_key);
    }

    /// A record the POS sent that Canopy cannot use (kept apart; whoever applied the
    /// batch counts them and raises one alert for them, see [`Effects::take_rejected`]).
    pub fn reject(&mut self, record: RejectedRecord) {
        self.rejected.push(record);
    }

    /// Takes the records kept apart so far.
    pub fn take_rejected(&mut self) -> Vec<RejectedRecord> {
        std::mem::take(&mut self.rejected)
    }

    /// A record that has to wait for a later run (it names something not synced yet).
    pub fn defer(&mut self) {
        self.deferred += 1;
    }

    /// Records left for a later run so far.
    pub fn deferred(&self) -> u64 {
        self.deferred
    }

    /// The stock rows changed, as `(product, location)`.
    pub fn stock_changes(&self) -> impl Iterator<Item = &(Uuid, Uuid)> {
        self.stock.iter()
    }

    /// Records changed so far (the `canopy_sync_changes_applied_total` metric).
    pub fn change_count(&self) -> u64 {
        self.changes
    }

    /// Whether nothing needs announcing.
    pub fn is_empty(&self) -> bool {
        self.tags.is_empty()
            && self.stock.is_empty()
            && self.alerts.is_empty()
            && self.cleared.is_empty()
    }
}

/// Counts `count` changes applied from one stream of a connection of `kind` (a
/// [`providers::model::PosKind::as_str`]) by `source` (poll, reconcile, webhook).
pub fn record_applied(kind: &'static str, stream: &'static str, source: &'static str, count: u64) {
    metrics::counter!(
        "canopy_sync_changes_applied_total",
        "kind" => kind,
        "stream" => stream,
        "source" => source,
    )
    .increment(count);
}

/// Acts on committed [`Effects`]. Failures here cost freshness, never correctness (the
/// database is the truth, cache entries expire), so they are logged, not returned.
#[derive(Clone)]
pub struct Announcer {
    db: DatabaseConnection,
    cache: SharedCache,
    events: SharedEventBus,
}

impl Announcer {
    /// Announces through `cache` and `events`, reading current rows from `db`.
    pub fn new(db: DatabaseConnection, cache: SharedCache, events: SharedEventBus) -> Self {
        Self { db, cache, events }
    }

    /// The event bus it publishes on.
    pub fn events(&self) -> &SharedEventBus {
        &self.events
    }

    /// Raises the alerts, resolves those of cleared conditions, invalidates the tags and
    /// publishes one event per changed stock row.
    pub async fn announce(&self, effects: Effects, source: ChangeSource) {
        let now = Utc::now();
        for (alert, repeat) in &effects.alerts {
            match alerts::raise_with(&self.db, alert, *repeat, now).await {
                Ok(Some(opened)) => alerts::announce(self.events.as_ref(), &opened).await,
                Ok(None) => {}
                Err(error) => {
                    tracing::error!(%error, kind = alert.kind, "could not raise an alert")
                }
            }
        }
        for key in &effects.cleared {
            match alerts::resolve_condition(&self.db, key, alerts::SYSTEM, now).await {
                Ok(Some(resolved)) => alerts::announce(self.events.as_ref(), &resolved).await,
                Ok(None) => {}
                Err(error) => tracing::error!(%error, key, "could not resolve an alert"),
            }
        }
        if !effects.tags.is_empty() {
            let tags: Vec<&str> = effects.tags.iter().map(String::as_str).collect();
            if let Err(error) = self.cache.invalidate_tags(&tags).await {
                tracing::warn!(%error, "cache invalidation failed; entries expire on their own");
            }
        }
        if let Err(error) = self.publish_stock(&effects.stock, source).await {
            tracing::warn!(%error, "stock events not published");
        }
    }

    async fn publish_stock(
        &self,
        changed: &BTreeSet<(Uuid, Uuid)>,
        source: ChangeSource,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        let products: Vec<Uuid> = changed
            .iter()
            .map(|(product, _)| *product)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        for chunk in products.chunks(CHUNK) {
            let rows = stock_level::Entity::find()
                .filter(stock_level::Column::ProductId.is_in(chunk.iter().copied()))
                .all(&self.db)
                .await?;
            for row in rows
                .iter()
                .filter(|row| changed.contains(&(row.product_id, row.location_id)))
            {
                self.events
                    .publish_event(&STOCK_TOPIC, &StockEvent::from_level(row, source))
                    .await?;
            }
        }
        Ok(())
    }
}
