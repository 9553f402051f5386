//! The webhook worker: applies stored deliveries, oldest first, as soon as the receiver
//! signals one (in process) and on a periodic sweep that also picks up deliveries left
//! in flight by a replica that died.
//!
//! Stock counts go through [`crate::sync::apply::apply_stock`] in one transaction that
//! also marks the delivery done, so a delivery's counts are applied exactly once and a
//! count older than the stored one changes nothing. Order status changes go to the
//! orders module's hook (idempotent: a status already reached is no transition), and
//! the connection's poller is asked for a run, since a POS order moves stock.

use std::{sync::Arc, time::Duration};

use chrono::{TimeDelta, Utc};
use entities::{enums::ChangeSource, webhook_delivery};
use providers::model::{Batch, ExternalCustomer, StockSnapshot, WebhookEvent};
use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
use tokio::sync::Notify;
use tokio_util::{sync::CancellationToken, task::TaskTracker};

use super::queue;
use crate::{
    alerts::NewAlert,
    connections,
    effects::{self, Effects},
    orders::status_sync::{StatusApplier, webhook::on_order_status},
    state::SyncControl,
    sync::{
        SyncError, Synchronizer, apply,
        cursor::Stream,
        engine::apply_context,
        rejections::{self, EndpointTally},
    },
};

/// The endpoint name webhook deliveries are counted and alerted under.
const WEBHOOK_ENDPOINT: &str = "webhook";

/// How the worker paces itself (flags and environment variables of `serve`).
#[derive(clap::Args, Clone, Copy, Debug, PartialEq, Eq)]
pub struct WebhookConfig {
    /// Time between sweeps for deliveries nobody signalled (or left in flight).
    #[arg(id = "webhook_sweep_interval", long = "webhook-sweep-interval", env = "CANOPY_WEBHOOK_SWEEP_INTERVAL", default_value = "10s", value_parser = humantime::parse_duration)]
    pub sweep_interval: Duration,
    /// How long a delivery may stay in flight before it counts as abandoned.
    #[arg(long = "webhook-stale-after", env = "CANOPY_WEBHOOK_STALE_AFTER", default_value = "2m", value_parser = humantime::parse_duration)]
    pub stale_after: Duration,
    /// Attempts before a delivery is given up (`DEAD`, with an alert).
    #[arg(
        id = "webhook_max_attempts",
        long = "webhook-max-attempts",
        env = "CANOPY_WEBHOOK_MAX_ATTEMPTS",
        default_value_t = 5
    )]
    pub max_attempts: i32,
}

impl Default for WebhookConfig {
    /// The clap defaults, without flags or environment.
    fn default() -> Self {
        crate::config::clap_defaults()
    }
}

/// Applies stored webhook deliveries.
#[derive(Clone)]
pub struct WebhookWorker {
    sync: Synchronizer,
    control: SyncControl,
    orders: StatusApplier,
    signal: Arc<Notify>,
    config: WebhookConfig,
}

impl WebhookWorker {
    /// A worker applying through `sync`, woken through `control`.
    pub fn new(sync: Synchronizer, control: &SyncControl, config: WebhookConfig) -> Self {
        let announcer = sync.announcer().clone();
        Self {
            orders: StatusApplier::new(sync.db().clone(), announcer.events().clone(), announcer),
            signal: control.webhook_signal(),
            control: control.clone(),
            sync,
            config,
        }
    }

    /// Runs the worker on `tracker` until `shutdown`.
    pub fn start(self, tracker: &TaskTracker, shutdown: CancellationToken) {
        tracker.spawn(async move { self.run(shutdown).await });
    }

    async fn run(self, shutdown: CancellationToken) {
        let stale = TimeDelta::from_std(self.config.stale_after).unwrap_or(TimeDelta::MAX);
        loop {
            match queue::release_stale(self.sync.db(), stale, Utc::now()).await {
                Ok(0) => {}
                Ok(released) => {
                    tracing::warn!(released, "webhook deliveries abandoned in flight, requeued")
                }
                Err(error) => {
                    tracing::warn!(%error, "could not requeue abandoned webhook deliveries")
                }
            }
            self.drain().await;
            tokio::select! {
                () = shutdown.cancelled() => break,
                () = self.signal.notified() => {}
                () = tokio::time::sleep(self.config.sweep_interval) => {}
            }
        }
    }

    /// Applies deliveries until none is waiting (or the database fails).
    pub async fn drain(&self) {
        loop {
            match queue::claim_next(self.sync.db(), Utc::now()).await {
                Ok(Some(delivery)) => self.process(delivery).await,
                Ok(None) => return,
                Err(error) => {
                    tracing::warn!(%error, "could not claim a webhook delivery");
                    return;
                }
            }
        }
    }

    async fn process(&self, delivery: webhook_delivery::Model) {
        match self.apply(&delivery).await {
            Ok(()) => {
                metrics::histogram!("canopy_webhook_latency_seconds").record(
                    (Utc::now() - delivery.received_at)
                        .as_seconds_f64()
                        .max(0.0),
                );
            }
            Err(error) => {
                let give_up = delivery.attempts >= self.config.max_attempts;
                tracing::warn!(delivery = %delivery.id, attempts = delivery.attempts, give_up, %error, "webhook delivery failed");
                if let Err(db_error) = queue::fail(
                    self.sync.db(),
                    delivery.id,
                    &error.to_string(),
                    give_up,
                    Utc::now(),
                )
                .await
                {
                    tracing::error!(error = %db_error, "could not record a webhook failure");
                }
                if give_up {
                    self.dead_letter(&delivery).await;
                }
            }
        }
    }

    async fn apply(&self, delivery: &webhook_delivery::Model) -> Result<(), SyncError> {
        let events = queue::events(delivery)
            .map_err(|error| SyncError::Database(sea_orm::DbErr::Json(error.to_string())))?;
        let connection = connections::find(self.sync.db(), delivery.connection_id).await?;
        let ctx = apply_context(&connection, false);
        let mut stock = StockSnapshot {
            records: Vec::new(),
            complete: false,
            rejected: Vec::new(),
        };
        let mut statuses = Vec::new();
        let mut customers = Batch::<ExternalCustomer>::default();
        for event in events {
            match event {
                WebhookEvent::Stock { records, .. } => stock.records.extend(records),
                WebhookEvent::OrderStatus {
                    status,
                    order_reference,
                    customer,
                    ..
                } => {
                    statuses.push((status, order_reference));
                    customers.items.extend(customer.map(|c| *c));
                }
            }
        }
        // orders first: applying a status twice is no transition, so a retry is safe
        for (status, reference) in &statuses {
            on_order_status(&self.orders, connection.id, status, reference.as_deref()).await?;
        }
        let mut effects = Effects::default();
        let txn = self
            .sync
            .db()
            .begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..TransactionOptions::default()
            })
            .await?;
        if !stock.records.is_empty() {
            apply::apply_stock(&txn, &ctx, &stock, &mut effects).await?;
        }
        // the people named on carts: matched and merged like a customer poll (webhooks
        // move no cursor, so the watermark is not used)
        if !customers.items.is_empty() {
            apply::apply_customers(&txn, &ctx, &customers, &mut effects).await?;
        }
        queue::complete(&txn, delivery.id, Utc::now()).await?;
        txn.commit().await?;
        let rejected = effects.take_rejected();
        let read = (stock.records.len() + customers.items.len()) as u64;
        let tally = EndpointTally::new(WEBHOOK_ENDPOINT, read, effects.deferred(), &rejected);
        if let Some(alert) = rejections::alert(connection.id, &tally, &rejected) {
            effects.current_alert(alert);
        }
        effects::record_applied(
            connection.kind.as_str(),
            Stream::Stock.as_str(),
            "webhook",
            effects.change_count(),
        );
        self.sync
            .announcer()
            .announce(effects, ChangeSource::Webhook)
            .await;
        if !statuses.is_empty()
            && let Err(error) = self.control.trigger(connection.id).await
        {
            tracing::warn!(connection = %connection.id, %error, "could not ask for a stock poll");
        }
        Ok(())
    }

    /// Raises the alert for a delivery given up on.
    async fn dead_letter(&self, delivery: &webhook_delivery::Model) {
        let mut effects = Effects::default();
        effects.alert(NewAlert {
            severity: entities::enums::AlertSeverity::Critical,
            kind: "webhook_dead",
            connection_id: Some(delivery.connection_id),
            product_id: None,
            location_id: None,
            message: format!(
                "a POS webhook could not be applied after {} attempts",
                delivery.attempts
            ),
            details: serde_json::json!({ "deliveryId": delivery.delivery_id }),
            dedupe_key: format!(
                "webhook_dead:{}:{}",
                delivery.connection_id, delivery.delivery_id
            ),
        });
        self.sync
            .announcer()
            .announce(effects, ChangeSource::Webhook)
            .await;
    }
}
