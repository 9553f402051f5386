//! The response cache of public reads, through HTTP, on the in-process cache and on the
//! real Redis: what is served from the cache is proven by counting SQL statements.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use api::{
    AppState,
    auth::Role,
    cache::tags,
    config::Config,
    effects::{Announcer, Effects},
};
use common::{TestApp, fixtures::Seed, service_url, spawn_app_adjusted};
use entities::{
    enums::{ChangeSource, ProductCategory},
    stock_level,
};
use reqwest::{Response, header};
use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
use serde_json::{Value, json};
use uuid::Uuid;

const MENU: &str = "query Menu($first: Int) {
  products(first: $first) {
    totalCount
    edges { cursor node { id name brand category price { amount currency }
      stock { location { id } onHand reserved available updatedAt } } }
  }
}";

/// The same document, laid out differently.
const MENU_COMPACT: &str = "query Menu($first:Int){products(first:$first){totalCount,edges{cursor,node{id,name,brand,category,price{amount,currency},stock{location{id},onHand,reserved,available,updatedAt}}}}}";

/// A test server whose database counts the statements it runs.
struct CountingApp {
    app: TestApp,
    statements: Arc<AtomicUsize>,
    stock: stock_level::Model,
}

impl CountingApp {
    /// A server configured by `configure`, seeded with two products stocked at one store.
    async fn start(configure: impl FnOnce(&mut Config)) -> Self {
        let statements = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&statements);
        let app = spawn_app_adjusted(configure, move |state| {
            let mut db = state.db.clone();
            db.set_metric_callback(move |_| {
                counter.fetch_add(1, Ordering::SeqCst);
            });
            AppState { db, ..state }
        })
        .await;
        let seed = Seed::new(&app.state.db);
        let store = seed.location("Mission").await;
        let flower = seed
            .product(
                "Blue Dream 3.5g",
                "Glass House",
                ProductCategory::Flower,
                3500,
            )
            .await;
        let gummies = seed
            .product("Gummies 10pk", "Kiva", ProductCategory::Edible, 2000)
            .await;
        let stock = seed.stock(&flower, &store, 12, 2).await;
        seed.stock(&gummies, &store, 40, 0).await;
        Self {
            app,
            statements,
            stock,
        }
    }

    /// POSTs `query` as the holder of `token`; returns the response and how many SQL
    /// statements it ran.
    async fn post(&self, token: Option<&str>, query: &str) -> (Response, usize) {
        let mut request = self
            .app
            .client
            .post(self.app.url("/graphql"))
            .header(header::ACCEPT, "application/graphql-response+json")
            .json(&json!({ "query": query, "variables": { "first": 50 } }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        self.counted(request).await
    }

    /// The menu over GET as the holder of `token`.
    async fn get(&self, token: Option<&str>) -> (Response, usize) {
        let mut request = self
            .app
            .client
            .get(self.app.url("/graphql"))
            .header(header::ACCEPT, "application/graphql-response+json")
            .query(&[("query", MENU), ("variables", r#"{"first":50}"#)]);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        self.counted(request).await
    }

    async fn counted(&self, request: reqwest::RequestBuilder) -> (Response, usize) {
        let before = self.statements.load(Ordering::SeqCst);
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 200);
        (response, self.statements.load(Ordering::SeqCst) - before)
    }

    /// Sets the on-hand count of the seeded flower stock directly in the database, as a
    /// writer that forgot to invalidate would.
    async fn set_on_hand(&self, on_hand: i64) {
        let mut row = self.stock.clone().into_active_model();
        row.on_hand = Set(on_hand);
        row.update(&self.app.state.db).await.unwrap();
    }
}

fn cache_control(response: &Response) -> &str {
    response
        .headers()
        .get(header::CACHE_CONTROL)
        .unwrap()
        .to_str()
        .unwrap()
}

async fn json(response: Response) -> Value {
    let body: Value = response.json().await.unwrap();
    assert!(body.get("errors").is_none(), "unexpected errors: {body}");
    body
}

fn flower_on_hand(body: &Value) -> i64 {
    body["data"]["products"]["edges"][0]["node"]["stock"][0]["onHand"]
        .as_i64()
        .unwrap()
}

/// A unique Redis prefix on `TEST_REDIS_URL`, or `None` (skip) when it is unset.
fn redis_config() -> Option<impl FnOnce(&mut Config)> {
    let url = service_url("TEST_REDIS_URL")?;
    Some(move |config: &mut Config| {
        config.redis_url = Some(url.parse().unwrap());
        config.redis_prefix = format!("canopy-test-{}", Uuid::new_v4().simple());
    })
}

async fn repeated_public_queries_are_served_from_the_cache(app: CountingApp) {
    let (first, ran) = app.post(None, MENU).await;
    assert!(ran > 0, "the first read must execute");
    assert_eq!(cache_control(&first), "private, no-store");
    let first = first.bytes().await.unwrap();

    let (again, ran) = app.post(None, MENU).await;
    assert_eq!(ran, 0, "a repeated read must not touch the database");
    assert_eq!(
        again.bytes().await.unwrap(),
        first,
        "the cached body is the same bytes"
    );

    let (relaid, ran) = app.post(None, MENU_COMPACT).await;
    assert_eq!(ran, 0, "layout does not change the key");
    assert_eq!(relaid.bytes().await.unwrap(), first);

    let storefront = app.app.token(Role::Storefront, "storefront");
    let (shared, ran) = app.post(Some(&storefront), MENU).await;
    assert_eq!(ran, 0, "storefronts share the anonymous entries");
    assert_eq!(shared.bytes().await.unwrap(), first);

    let (get, ran) = app.get(None).await;
    assert_eq!(ran, 0);
    let control = cache_control(&get);
    let max_age: u32 = control
        .strip_prefix("public, max-age=")
        .unwrap_or_else(|| panic!("GET must be publicly cacheable, got {control}"))
        .parse()
        .unwrap();
    assert!(
        max_age <= 10,
        "stock levels allow 10 s at most, got {max_age}"
    );
    assert_eq!(get.headers()[header::VARY], "accept, authorization");
    assert_eq!(get.bytes().await.unwrap(), first);

    let other_page = MENU.replace("$first: Int", "$first: Int = 1");
    let (_, ran) = app.post(None, &other_page).await;
    assert!(ran > 0, "another document is another entry");
    app.app.stop().await.unwrap();
}

async fn a_tag_invalidation_makes_the_next_read_fresh(app: CountingApp) {
    let (first, _) = app.post(None, MENU).await;
    assert_eq!(flower_on_hand(&json(first).await), 12);

    app.set_on_hand(7).await;
    let (stale, ran) = app.post(None, MENU).await;
    assert_eq!(ran, 0);
    assert_eq!(
        flower_on_hand(&json(stale).await),
        12,
        "still the cached entry"
    );

    app.app
        .state
        .cache
        .invalidate_tags(&[tags::STOCK])
        .await
        .unwrap();
    let (fresh, ran) = app.post(None, MENU).await;
    assert!(ran > 0, "an invalidated entry must not be read");
    assert_eq!(flower_on_hand(&json(fresh).await), 7);

    let (_, ran) = app.post(None, MENU).await;
    assert_eq!(ran, 0, "the fresh response is cached in turn");
    app.app.stop().await.unwrap();
}

/// One store's menu with its stock there.
const STORE_MENU: &str = "query($store: ID) {
  products(locationId: $store, first: 50) {
    edges { node { id name stock(locationId: $store) { onHand available } } }
  }
}";

async fn a_sale_at_one_store_leaves_the_other_stores_menu_cached(app: CountingApp) {
    let seed = Seed::new(&app.app.state.db);
    let castro = seed.location("Castro").await;
    let tea = seed
        .product("Tea 10pk", "Kikoko", ProductCategory::Edible, 1800)
        .await;
    seed.stock(&tea, &castro, 9, 0).await;
    let menu_of = |store: Uuid| {
        app.app
            .client
            .post(app.app.url("/graphql"))
            .json(&json!({ "query": STORE_MENU, "variables": { "store": store } }))
    };
    let mission = app.stock.location_id;
    for store in [mission, castro.id] {
        let (_, ran) = app.counted(menu_of(store)).await;
        assert!(ran > 0);
        let (_, ran) = app.counted(menu_of(store)).await;
        assert_eq!(ran, 0, "cached");
    }

    // a sale at the Mission, announced as every writer announces it
    app.set_on_hand(11).await;
    let mut effects = Effects::default();
    effects.stock_changed(app.stock.product_id, mission);
    let state = &app.app.state;
    Announcer::new(state.db.clone(), state.cache.clone(), state.events.clone())
        .announce(effects, ChangeSource::Poll)
        .await;

    let (castro_menu, ran) = app.counted(menu_of(castro.id)).await;
    assert_eq!(
        ran, 0,
        "the Castro's menu shows no Mission stock: still cached"
    );
    assert!(json(castro_menu).await.to_string().contains("Tea 10pk"));
    let (mission_menu, ran) = app.counted(menu_of(mission)).await;
    assert!(ran > 0, "the Mission's menu is read again");
    assert!(
        json(mission_menu)
            .await
            .to_string()
            .contains("\"onHand\":11")
    );
    app.app.stop().await.unwrap();
}

#[tokio::test]
async fn a_sale_at_one_store_leaves_the_other_stores_menu_cached_in_memory() {
    a_sale_at_one_store_leaves_the_other_stores_menu_cached(CountingApp::start(|_| {}).await).await;
}

#[tokio::test]
async fn a_sale_at_one_store_leaves_the_other_stores_menu_cached_in_redis() {
    let Some(redis) = redis_config() else { return };
    a_sale_at_one_store_leaves_the_other_stores_menu_cached(CountingApp::start(redis).await).await;
}

#[tokio::test]
async fn repeated_public_queries_are_served_from_memory() {
    repeated_public_queries_are_served_from_the_cache(CountingApp::start(|_| {}).await).await;
}

#[tokio::test]
async fn repeated_public_queries_are_served_from_redis() {
    let Some(redis) = redis_config() else { return };
    repeated_public_queries_are_served_from_the_cache(CountingApp::start(redis).await).await;
}

#[tokio::test]
async fn a_tag_invalidation_makes_the_next_read_fresh_in_memory() {
    a_tag_invalidation_makes_the_next_read_fresh(CountingApp::start(|_| {}).await).await;
}

#[tokio::test]
async fn a_tag_invalidation_makes_the_next_read_fresh_in_redis() {
    let Some(redis) = redis_config() else { return };
    a_tag_invalidation_makes_the_next_read_fresh(CountingApp::start(redis).await).await;
}

#[tokio::test]
async fn concurrent_misses_execute_once() {
    let app = CountingApp::start(|_| {}).await;
    // Each request's own count overlaps the others': count the whole batch instead.
    let before = app.statements.load(Ordering::SeqCst);
    futures::future::join_all((0..8).map(|_| app.post(None, MENU))).await;
    let together = app.statements.load(Ordering::SeqCst) - before;

    app.app
        .state
        .cache
        .invalidate_tags(&[tags::CATALOG])
        .await
        .unwrap();
    let (_, once) = app.post(None, MENU).await;
    assert!(once > 0);
    assert_eq!(
        together, once,
        "eight concurrent misses ran the statements of one"
    );
    app.app.stop().await.unwrap();
}

#[tokio::test]
async fn customer_and_admin_reads_are_never_cached() {
    let app = CountingApp::start(|_| {}).await;
    let customer = app.app.token(Role::Customer, &Uuid::now_v7().to_string());
    let admin = app.app.token(Role::Admin, "ops");
    for token in [&customer, &admin] {
        for _ in 0..2 {
            let (response, ran) = app.post(Some(token), MENU).await;
            assert!(ran > 0, "a private read must execute every time");
            assert_eq!(cache_control(&response), "private, no-store");
        }
        let (response, ran) = app.get(Some(token)).await;
        assert!(ran > 0);
        assert_eq!(cache_control(&response), "private, no-store");
    }
    let (_, ran) = app.post(None, MENU).await;
    assert!(ran > 0, "private reads left nothing for anonymous readers");
    app.app.stop().await.unwrap();
}

#[tokio::test]
async fn responses_with_errors_are_not_cached() {
    let app = CountingApp::start(|_| {}).await;
    let query = r#"{ products(first: 2) { totalCount } product(id: "not-an-id") { id } }"#;
    for _ in 0..2 {
        let (response, ran) = app.post(None, query).await;
        assert!(ran > 0, "a response with errors must not be replayed");
        let body: Value = response.json().await.unwrap();
        assert!(body["errors"].is_array());
    }
    app.app.stop().await.unwrap();
}

#[tokio::test]
async fn the_response_cache_can_be_switched_off() {
    let app = CountingApp::start(|config| config.response_cache = false).await;
    for _ in 0..2 {
        let (response, ran) = app.get(None).await;
        assert!(ran > 0, "with the cache off every read executes");
        assert!(cache_control(&response).starts_with("public, max-age="));
    }
    app.app.stop().await.unwrap();
}

#[tokio::test]
async fn a_public_get_carries_a_strong_etag_and_revalidates_with_304() {
    let app = CountingApp::start(|_| {}).await;
    let (first, _) = app.get(None).await;
    let etag = first.headers()[header::ETAG].clone();
    assert!(
        etag.to_str().unwrap().starts_with('"'),
        "a strong validator: {etag:?}"
    );
    let body = first.bytes().await.unwrap();

    let revalidate = |tag: &header::HeaderValue| {
        app.app
            .client
            .get(app.app.url("/graphql"))
            .header(header::ACCEPT, "application/graphql-response+json")
            .header(header::IF_NONE_MATCH, tag.clone())
            .query(&[("query", MENU), ("variables", r#"{"first":50}"#)])
            .send()
    };
    let unchanged = revalidate(&etag).await.unwrap();
    assert_eq!(unchanged.status(), 304);
    assert_eq!(unchanged.headers()[header::ETAG], etag);
    assert!(unchanged.bytes().await.unwrap().is_empty());

    // after a change the validator no longer matches: the new body, a new tag
    app.set_on_hand(3).await;
    app.app
        .state
        .cache
        .invalidate_tags(&[tags::STOCK])
        .await
        .unwrap();
    let changed = revalidate(&etag).await.unwrap();
    assert_eq!(changed.status(), 200);
    assert_ne!(changed.headers()[header::ETAG], etag);
    assert_ne!(changed.bytes().await.unwrap(), body);

    // private answers carry none
    let (post, _) = app.post(None, MENU).await;
    assert!(post.headers().get(header::ETAG).is_none());
    app.app.stop().await.unwrap();
}
