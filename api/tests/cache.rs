//! One cache contract, run against the in-process cache and the real Redis.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use api::cache::{Cache, CacheExt, MemoryCache, RedisCache};
use bytes::Bytes;
use common::service_url;
use serde::{Deserialize, Serialize};

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Menu {
    items: Vec<String>,
}

async fn cache_contract(cache: &dyn Cache) {
    const HOUR: Duration = Duration::from_secs(3600);
    cache.ping().await.unwrap();

    // get / set / delete
    assert_eq!(cache.get("absent").await.unwrap(), None);
    cache
        .set("k", Bytes::from_static(b"v1"), HOUR)
        .await
        .unwrap();
    assert_eq!(
        cache.get("k").await.unwrap(),
        Some(Bytes::from_static(b"v1"))
    );
    cache
        .set("k", Bytes::from_static(b"v2"), HOUR)
        .await
        .unwrap();
    assert_eq!(
        cache.get("k").await.unwrap(),
        Some(Bytes::from_static(b"v2"))
    );
    cache.delete("k").await.unwrap();
    assert_eq!(cache.get("k").await.unwrap(), None);

    // time to live
    cache
        .set(
            "short",
            Bytes::from_static(b"x"),
            Duration::from_millis(100),
        )
        .await
        .unwrap();
    let deadline = tokio::time::Instant::now() + common::WAIT;
    while cache.get("short").await.unwrap().is_some() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "entry never expired"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // typed values
    let menu = Menu {
        items: vec!["Blue Dream 3.5g".into(), "Gummies 10pk".into()],
    };
    cache.set_json("menu", &menu, HOUR).await.unwrap();
    assert_eq!(cache.get_json::<Menu>("menu").await.unwrap(), Some(menu));

    // tag invalidation orphans exactly the keys built on the bumped tag
    let product_key = cache
        .tagged_key("products", &["location:1", "catalog"])
        .await
        .unwrap();
    let other_key = cache.tagged_key("products", &["location:2"]).await.unwrap();
    cache
        .set(&product_key, Bytes::from_static(b"page"), HOUR)
        .await
        .unwrap();
    cache
        .set(&other_key, Bytes::from_static(b"page2"), HOUR)
        .await
        .unwrap();
    assert_eq!(
        cache
            .tagged_key("products", &["location:1", "catalog"])
            .await
            .unwrap(),
        product_key,
        "keys are stable until invalidated"
    );
    cache.invalidate_tags(&["location:1"]).await.unwrap();
    let fresh_key = cache
        .tagged_key("products", &["location:1", "catalog"])
        .await
        .unwrap();
    assert_ne!(fresh_key, product_key);
    assert_eq!(cache.get(&fresh_key).await.unwrap(), None);
    assert_eq!(
        cache
            .get(&cache.tagged_key("products", &["location:2"]).await.unwrap())
            .await
            .unwrap(),
        Some(Bytes::from_static(b"page2"))
    );
    assert_eq!(cache.tag_versions(&[]).await.unwrap(), Vec::<u64>::new());
}

#[tokio::test]
async fn memory_cache_keeps_the_contract() {
    cache_contract(&MemoryCache::new(1000)).await;
}

#[tokio::test]
async fn redis_cache_keeps_the_contract() {
    let Some(url) = service_url("TEST_REDIS_URL") else {
        return;
    };
    let manager = redis::Client::open(url)
        .unwrap()
        .get_connection_manager()
        .await
        .unwrap();
    let prefix = format!("canopy-test-{}", uuid::Uuid::new_v4().simple());
    let circuit = std::sync::Arc::new(api::cache::RedisCircuit::new(3, Duration::from_secs(1)));
    cache_contract(&RedisCache::start(manager, &prefix, circuit)).await;
}

#[tokio::test]
async fn memory_cache_is_bounded() {
    let cache = MemoryCache::new(10);
    for i in 0..1000 {
        cache
            .set(
                &format!("k{i}"),
                Bytes::from_static(b"v"),
                Duration::from_secs(60),
            )
            .await
            .unwrap();
    }
    let mut present = 0;
    for i in 0..1000 {
        if cache.get(&format!("k{i}")).await.unwrap().is_some() {
            present += 1;
        }
    }
    assert!(present <= 20, "{present} entries kept for a capacity of 10");
}
