//! `alerts`: alerts as they open and as they are resolved, for admins only.
//!
//! Events are signals: each one is answered with the alert as stored, so subscribers
//! see the same `Alert` as `Query.alerts`. A subscriber that fell behind gets every alert
//! opened or resolved since the last event it saw, re-read from the database.

use std::{collections::VecDeque, time::Duration};

use async_graphql::{Context, Subscription};
use chrono::{DateTime, Utc};
use entities::alert::Model;
use futures::{
    Stream, StreamExt,
    stream::{self, BoxStream},
};
use sea_orm::DatabaseConnection;

use crate::{
    admin::alerts::{changed_since, find},
    auth::RoleGuard,
    error::ApiError,
    events::{
        EventBusExt, Received,
        alert::{ALERT_RESOLVED_TOPIC, ALERT_TOPIC, AlertEvent},
    },
    graphql::{app_state, types::Alert},
};

/// How far before the last event seen a re-read starts (clock differences of replicas).
const REREAD_MARGIN: Duration = Duration::from_secs(5);
/// The most alerts one re-read delivers.
const REREAD_LIMIT: u64 = 200;

/// Alert subscriptions.
#[derive(Default)]
pub struct AlertsSubscription;

#[Subscription]
impl AlertsSubscription {
    /// Alerts as they open (a repeat of an open alert is not announced again) and as
    /// they are resolved (`resolvedAt` set). Admins only.
    #[graphql(guard = "RoleGuard::admin()")]
    async fn alerts(
        &self,
        ctx: &Context<'_>,
    ) -> Result<impl Stream<Item = Alert> + use<>, ApiError> {
        let state = app_state(ctx)?;
        let events = stream::select(
            state.events.subscribe_events(&ALERT_TOPIC),
            state.events.subscribe_events(&ALERT_RESOLVED_TOPIC),
        );
        let feed = AlertFeed {
            events: events.boxed(),
            db: state.db.clone(),
            seen_until: Utc::now(),
            ready: VecDeque::new(),
        };
        Ok(stream::unfold(feed, |mut feed| async move {
            feed.next().await.map(|alert| (Alert(alert), feed))
        }))
    }
}

/// One subscriber's view of the alert topics.
struct AlertFeed {
    events: BoxStream<'static, Received<AlertEvent>>,
    db: DatabaseConnection,
    /// The newest time among the events received: where a re-read starts.
    seen_until: DateTime<Utc>,
    /// Alerts re-read after a lag, not yet delivered.
    ready: VecDeque<Model>,
}

impl AlertFeed {
    async fn next(&mut self) -> Option<Model> {
        loop {
            if let Some(alert) = self.ready.pop_front() {
                return Some(alert);
            }
            match self.events.next().await? {
                Received::Event(event) => {
                    self.seen_until = self.seen_until.max(event.resolved_at.unwrap_or(event.at));
                    match find(&self.db, event.id).await {
                        Ok(Some(alert)) => return Some(alert),
                        Ok(None) => {}
                        Err(error) => tracing::warn!(%error, "announced alert could not be read"),
                    }
                }
                Received::Lagged { skipped } => {
                    tracing::debug!(skipped, "alert subscriber fell behind; re-reading");
                    match changed_since(&self.db, self.seen_until - REREAD_MARGIN, REREAD_LIMIT)
                        .await
                    {
                        Ok(alerts) => self.ready.extend(alerts),
                        Err(error) => tracing::warn!(%error, "alert re-read failed"),
                    }
                }
            }
        }
    }
}
