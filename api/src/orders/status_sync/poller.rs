//! Polling the POSes whose webhooks do not report every order change (those without
//! order webhooks, or whose webhooks leave some changes out): every interval, the
//! status of each open order at each such connection, and the return transactions the
//! sync engine stored since the last round. Polls are background calls on the POS rate
//! budget ([`providers::http::background`]): they keep to their configured share of a
//! connection's limit and wait while an order delivery is waiting.

use chrono::{DateTime, TimeDelta, Utc};
use entities::{
    enums::{ChangeSource, OrderStatus},
    location, order, provider_connection,
};
use futures::{StreamExt, stream};
use providers::PosProvider;
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter, sea_query::Query};
use tokio_util::{sync::CancellationToken, task::TaskTracker};

use super::{
    apply::{Authority, StatusApplier},
    pos_returns,
    reported::observation,
};
use crate::{
    config::StatusSyncConfig,
    connections::{self, Adapters},
};

/// The statuses in which the POS may still move an order.
pub const OPEN: [OrderStatus; 5] = [
    OrderStatus::Submitted,
    OrderStatus::Confirmed,
    OrderStatus::Ready,
    OrderStatus::Shipped,
    OrderStatus::Delivered,
];

/// Polls order statuses and POS returns.
#[derive(Clone)]
pub struct StatusPoller {
    applier: StatusApplier,
    adapters: Adapters,
    config: StatusSyncConfig,
}

impl StatusPoller {
    /// A poller recording with `applier`, reaching POSes through `adapters`.
    pub fn new(applier: StatusApplier, adapters: Adapters, config: StatusSyncConfig) -> Self {
        Self {
            applier,
            adapters,
            config,
        }
    }

    /// Starts the polling loop on `tracker` until `shutdown`.
    pub fn start(self, tracker: &TaskTracker, shutdown: CancellationToken) {
        tracker.spawn(async move {
            tracing::info!("order status poller started");
            // returns stored shortly before start-up are looked at once more
            let mut since = Utc::now() - TimeDelta::minutes(10);
            loop {
                // a round waits on rate-limited POS calls; a shutdown drops it at once
                // (each order's status is read again by the next process)
                since = tokio::select! {
                    () = shutdown.cancelled() => break,
                    next = self.round(since) => next,
                };
                tokio::select! {
                    () = shutdown.cancelled() => break,
                    () = tokio::time::sleep(self.config.poll_interval) => {}
                }
            }
            tracing::info!("order status poller stopped");
        });
    }

    /// One round over every connection; returns where the next round's look at return
    /// transactions starts.
    pub async fn round(&self, since: DateTime<Utc>) -> DateTime<Utc> {
        let started = Utc::now();
        match connections::enabled(self.applier.db()).await {
            Ok(connections) => {
                for connection in connections {
                    // the POS budget goes to order delivery first
                    let polled = providers::http::background(
                        self.config.poll_budget_share,
                        self.poll_connection(&connection),
                    );
                    if let Err(error) = polled.await {
                        tracing::warn!(connection = %connection.id, %error, "order status poll failed");
                    }
                }
            }
            Err(error) => tracing::warn!(%error, "could not list provider connections"),
        }
        match pos_returns::reconcile(&self.applier, since).await {
            // purchases committed during this round are looked at again next round
            Ok(_) => started - TimeDelta::seconds(5),
            Err(error) => {
                tracing::warn!(%error, "could not reconcile POS returns");
                since
            }
        }
    }

    /// Asks the POS of `connection` for the status of each of its open orders.
    pub async fn poll_connection(
        &self,
        connection: &provider_connection::Model,
    ) -> Result<(), DbErr> {
        let adapter = match self.adapters.get(connection) {
            Ok(adapter) => adapter,
            Err(error) => {
                tracing::warn!(connection = %connection.id, %error, "could not build the adapter");
                return Ok(());
            }
        };
        let capabilities = adapter.capabilities();
        if capabilities.webhooks && capabilities.order_webhooks_complete {
            return Ok(()); // every order change arrives by webhook
        }
        let mut locations = Query::select();
        locations
            .column(location::Column::Id)
            .from(location::Entity)
            .and_where(location::Column::ConnectionId.eq(connection.id));
        let open = order::Entity::find()
            .filter(order::Column::Status.is_in(OPEN))
            .filter(order::Column::ExternalId.is_not_null())
            .filter(order::Column::LocationId.in_subquery(locations))
            .all(self.applier.db())
            .await?;
        stream::iter(open)
            .for_each_concurrent(self.config.concurrency.max(1), |order| {
                let adapter = adapter.clone();
                async move { self.poll_order(adapter.as_ref(), &order).await }
            })
            .await;
        Ok(())
    }

    async fn poll_order(&self, adapter: &dyn PosProvider, order: &order::Model) {
        let Some(external_id) = &order.external_id else {
            return;
        };
        let status = match adapter.order_status(external_id).await {
            Ok(status) => status,
            Err(error) => {
                tracing::warn!(order = %order.id, %error, "could not read an order's status");
                return;
            }
        };
        if let Err(error) = self
            .applier
            .apply(
                order.id,
                observation(&status),
                ChangeSource::Poll,
                Authority::Pos,
            )
            .await
        {
            tracing::warn!(order = %order.id, %error, "could not record an order's status");
        }
    }
}
