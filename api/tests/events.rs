//! One event bus contract, run against the in-process bus and Redis pub/sub, plus the
//! Redis listener's recovery from a dropped connection.
#![allow(clippy::unwrap_used)]

mod common;

use std::{future::Future, time::Duration};

use api::events::{
    EventBus, EventBusExt, ListenerTiming, MemoryEventBus, Received, RedisEventBus, Topic,
};
use common::{WAIT, service_url};
use futures::{Stream, StreamExt};
use serde::{Deserialize, Serialize};
use tokio::time::timeout;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct StockChanged {
    product: u32,
    available: i64,
}

const STOCK: Topic<StockChanged> = Topic::new("stock");
const ORDERS: Topic<StockChanged> = Topic::new("orders");

async fn next<T>(stream: &mut (impl Stream<Item = T> + Unpin)) -> T {
    timeout(WAIT, stream.next())
        .await
        .expect("no event in time")
        .expect("the subscription ended")
}

/// `capacity` must be 2 (the bus's per-subscriber buffer).
async fn bus_contract<F: Future<Output = ()>>(bus: &dyn EventBus, subscribed: impl Fn() -> F) {
    let mut stock = bus.subscribe_events(&STOCK);
    let mut orders = bus.subscribe_events(&ORDERS);
    subscribed().await;

    // delivery, in order, to the right topic only
    for product in 1..=2 {
        bus.publish_event(
            &STOCK,
            &StockChanged {
                product,
                available: 5,
            },
        )
        .await
        .unwrap();
    }
    bus.publish_event(
        &ORDERS,
        &StockChanged {
            product: 9,
            available: 0,
        },
    )
    .await
    .unwrap();
    assert_eq!(
        next(&mut stock).await,
        Received::Event(StockChanged {
            product: 1,
            available: 5
        })
    );
    assert_eq!(
        next(&mut stock).await,
        Received::Event(StockChanged {
            product: 2,
            available: 5
        })
    );
    assert_eq!(
        next(&mut orders).await,
        Received::Event(StockChanged {
            product: 9,
            available: 0
        })
    );

    // a slow subscriber skips ahead and is told how much it missed
    for product in 10..15 {
        bus.publish_event(
            &STOCK,
            &StockChanged {
                product,
                available: 1,
            },
        )
        .await
        .unwrap();
    }
    bus.publish_event(
        &ORDERS,
        &StockChanged {
            product: 0,
            available: 0,
        },
    )
    .await
    .unwrap();
    next(&mut orders).await; // every stock event before it has been delivered too
    assert_eq!(next(&mut stock).await, Received::Lagged { skipped: 3 });
    assert_eq!(
        next(&mut stock).await,
        Received::Event(StockChanged {
            product: 13,
            available: 1
        })
    );
    assert_eq!(
        next(&mut stock).await,
        Received::Event(StockChanged {
            product: 14,
            available: 1
        })
    );

    // undecodable payloads are skipped
    bus.publish(STOCK.name(), bytes::Bytes::from_static(b"not json"))
        .await
        .unwrap();
    bus.publish_event(
        &STOCK,
        &StockChanged {
            product: 20,
            available: 2,
        },
    )
    .await
    .unwrap();
    assert_eq!(
        next(&mut stock).await,
        Received::Event(StockChanged {
            product: 20,
            available: 2
        })
    );
}

#[tokio::test]
async fn memory_bus_keeps_the_contract() {
    bus_contract(&MemoryEventBus::new(2), || async {}).await;
}

async fn redis_bus(url: &str, listener_url: &str) -> RedisEventBus {
    let publisher = redis::Client::open(url)
        .unwrap()
        .get_connection_manager()
        .await
        .unwrap();
    let prefix = format!("canopy-test-{}", uuid::Uuid::new_v4().simple());
    RedisEventBus::start(
        redis::Client::open(listener_url).unwrap(),
        publisher,
        std::sync::Arc::new(api::cache::RedisCircuit::new(3, Duration::from_secs(1))),
        &prefix,
        2,
        ListenerTiming {
            io_timeout: Duration::from_secs(2),
            heartbeat: Duration::from_secs(15),
            max_reconnect_delay: Duration::from_secs(5),
        },
    )
}

async fn wait_for_subscriptions(bus: &RedisEventBus, count: u64) {
    let mut subscriptions = bus.subscriptions();
    timeout(WAIT, subscriptions.wait_for(|n| *n >= count))
        .await
        .expect("the listener did not subscribe in time")
        .unwrap();
}

#[tokio::test]
async fn redis_bus_keeps_the_contract() {
    let Some(url) = service_url("TEST_REDIS_URL") else {
        return;
    };
    let bus = redis_bus(&url, &url).await;
    bus_contract(&bus, || wait_for_subscriptions(&bus, 1)).await;
}

#[tokio::test]
async fn redis_bus_resubscribes_after_the_connection_drops() {
    let Some(url) = service_url("TEST_REDIS_URL") else {
        return;
    };
    let target = redis::Client::open(url.as_str()).unwrap();
    let target = target.get_connection_info().addr().to_string();
    let proxy = common::proxy::TcpProxy::start(&target).await;
    let bus = redis_bus(&url, &format!("redis://{}", proxy.addr())).await;
    let mut stock = bus.subscribe_events(&STOCK);
    wait_for_subscriptions(&bus, 1).await;

    proxy.sever();
    wait_for_subscriptions(&bus, 2).await;
    // events published while it was cut never arrive: the subscriber is told to re-read
    assert_eq!(next(&mut stock).await, Received::Lagged { skipped: 0 });

    bus.publish_event(
        &STOCK,
        &StockChanged {
            product: 7,
            available: 3,
        },
    )
    .await
    .unwrap();
    assert_eq!(
        next(&mut stock).await,
        Received::Event(StockChanged {
            product: 7,
            available: 3
        })
    );
}
