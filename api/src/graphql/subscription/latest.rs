//! Latest-value-wins delivery of stock changes to one subscriber.
//!
//! The bus buffers a bounded number of events per subscriber and never waits for one
//! ([`Received::Lagged`] tells a subscriber it fell behind). On top of that, each time
//! the subscriber asks for the next event, [`LatestStock`] first takes every event
//! already waiting and keeps only the newest per (product, location), so a slow reader
//! gets current levels instead of a backlog. When events were lost, it re-reads from
//! the database the subscriber's stock rows changed since the last event it saw (less a
//! margin for clocks of other replicas), so nothing is missed for long.

use std::{
    collections::{HashMap, VecDeque},
    time::Duration,
};

use chrono::{DateTime, Utc};
use entities::enums::ChangeSource;
use futures::{FutureExt, Stream, StreamExt, stream::BoxStream};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use super::stock::StockFilter;
use crate::events::{Received, stock::StockEvent};

/// How far before the last event seen a re-read starts, for replicas whose clocks run
/// slightly apart and for changes committed while their events were in flight.
const REREAD_MARGIN: Duration = Duration::from_secs(5);
/// The most rows one re-read delivers (the most recently changed ones).
const REREAD_LIMIT: u64 = 1000;

/// One subscriber's view of the stock topic.
pub(super) struct LatestStock {
    changes: BoxStream<'static, Received<StockEvent>>,
    filter: StockFilter,
    db: DatabaseConnection,
    pending: Pending,
    /// The newest `at` among the events received (wanted or not): where a re-read starts.
    seen_until: DateTime<Utc>,
    ended: bool,
}

impl LatestStock {
    /// Follows `changes`, keeping those `filter` accepts; re-reads lost ones from `db`.
    pub(super) fn new(
        changes: BoxStream<'static, Received<StockEvent>>,
        filter: StockFilter,
        db: DatabaseConnection,
    ) -> Self {
        Self {
            changes,
            filter,
            db,
            pending: Pending::default(),
            seen_until: Utc::now(),
            ended: false,
        }
    }

    /// The events, newest level per (product, location), until the bus closes.
    pub(super) fn into_stream(self) -> impl Stream<Item = StockEvent> + Send + 'static {
        futures::stream::unfold(self, |mut latest| async move {
            latest.next().await.map(|event| (event, latest))
        })
    }

    async fn next(&mut self) -> Option<StockEvent> {
        loop {
            let mut lagged = false;
            while !self.ended {
                match self.changes.next().now_or_never() {
                    Some(Some(received)) => lagged |= self.take(received),
                    Some(None) => self.ended = true,
                    None => break,
                }
            }
            if lagged {
                self.reread().await;
            }
            if let Some(event) = self.pending.pop() {
                return Some(event);
            }
            if self.ended {
                return None;
            }
            match self.changes.next().await {
                Some(received) => {
                    if self.take(received) {
                        self.reread().await;
                    }
                }
                None => self.ended = true,
            }
        }
    }

    /// Keeps a wanted event; `true` when events were lost.
    fn take(&mut self, received: Received<StockEvent>) -> bool {
        match received {
            Received::Event(event) => {
                self.seen_until = self.seen_until.max(event.at);
                if self.filter.matches(&event) {
                    self.pending.put(event);
                }
                false
            }
            Received::Lagged { skipped } => {
                tracing::debug!(skipped, "stock subscriber fell behind; re-reading");
                true
            }
        }
    }

    /// Queues the wanted rows changed since the last event seen, as they stand now.
    async fn reread(&mut self) {
        let since = self.seen_until - REREAD_MARGIN;
        match self
            .filter
            .changed_since(&self.db, since, REREAD_LIMIT)
            .await
        {
            Ok(rows) => {
                for row in &rows {
                    self.pending
                        .put(StockEvent::from_level(row, ChangeSource::System));
                }
            }
            Err(error) => {
                tracing::warn!(%error, "stock re-read failed; the subscriber may be stale");
            }
        }
    }
}

/// Events waiting for the subscriber: one per (product, location), in first-arrival order.
#[derive(Default)]
struct Pending {
    order: VecDeque<(Uuid, Uuid)>,
    latest: HashMap<(Uuid, Uuid), StockEvent>,
}

impl Pending {
    /// Queues `event`, replacing a waiting one of the same product and location unless
    /// that one is newer.
    fn put(&mut self, event: StockEvent) {
        let key = (event.product_id, event.location_id);
        match self.latest.get_mut(&key) {
            Some(waiting) if waiting.at > event.at => {}
            Some(waiting) => *waiting = event,
            None => {
                self.order.push_back(key);
                self.latest.insert(key, event);
            }
        }
    }

    fn pop(&mut self) -> Option<StockEvent> {
        let key = self.order.pop_front()?;
        self.latest.remove(&key)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::sync::Arc;

    use sea_orm::Database;

    use super::*;
    use crate::events::{EventBusExt, MemoryEventBus, SharedEventBus, stock::STOCK_TOPIC};

    fn level(product: Uuid, location: Uuid, on_hand: i64) -> StockEvent {
        StockEvent {
            product_id: product,
            location_id: location,
            on_hand,
            reserved: 0,
            available: on_hand,
            source: ChangeSource::Poll,
            at: Utc::now(),
        }
    }

    #[tokio::test]
    async fn a_reader_that_fell_behind_gets_the_latest_level_once() {
        let db = Database::connect("sqlite::memory:").await.unwrap();
        crate::db::migrate(&db).await.unwrap();
        let bus: SharedEventBus = Arc::new(MemoryEventBus::new(4));
        let (product, location) = (Uuid::now_v7(), Uuid::now_v7());
        let other = Uuid::now_v7();
        let latest = LatestStock::new(
            bus.subscribe_events(&STOCK_TOPIC),
            StockFilter::default(),
            db,
        );
        let mut stream = Box::pin(latest.into_stream());
        for on_hand in 0..100 {
            bus.publish_event(&STOCK_TOPIC, &level(product, location, on_hand))
                .await
                .unwrap();
        }
        bus.publish_event(&STOCK_TOPIC, &level(other, location, 7))
            .await
            .unwrap();

        let first = stream.next().await.unwrap();
        assert_eq!((first.product_id, first.on_hand), (product, 99));
        let second = stream.next().await.unwrap();
        assert_eq!((second.product_id, second.on_hand), (other, 7));
        assert!(
            stream.next().now_or_never().is_none(),
            "nothing else is owed"
        );
    }
}
