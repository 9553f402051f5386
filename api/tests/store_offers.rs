//! One retailer, two stores, each on its own Dutchie key (two simulators numbering their
//! products apart, with the same SKUs, other prices and other counts): Canopy holds one
//! product per SKU with each store's stock and price, each store's menu shows its own
//! price, and an order at each store is charged that store's price. A catalog priced in
//! another currency than its store sells in is kept apart and changes nothing. On
//! SQLite and PostgreSQL.
#![allow(clippy::unwrap_used)]

mod checkout_support;
mod common;
mod sync_support;

use std::collections::{BTreeSet, HashMap};

use api::{auth::Role, sync::RunMode};
use checkout_support::PLACE;
use common::{
    TestApp,
    fixtures::{BackendApp, Seed, each_backend},
    gql::data,
};
use entities::{alert, location, product, stock_level};
use providers::{
    dutchie::{self, DutchieSimOptions, DutchieSimulator},
    model::{ExternalProduct, Money},
    simulator::{
        SimClock, SimStore, Simulator,
        seed::{self, SeedConfig},
    },
};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use sync_support::{SyncEnv, seed_config};
use uuid::Uuid;

/// What the second store charges over the first, in cents.
const DEARER_BY: i64 = 250;

/// The second store's POS: its ids numbered after the first's, another seed's counts,
/// every price `DEARER_BY` higher.
fn second_store() -> SimStore {
    let store = SimStore::new(SimClock::new());
    for _ in 0..10_000 {
        store.next_id();
    }
    seed::populate(
        &store,
        &SeedConfig {
            seed: 12,
            ..seed_config()
        },
    );
    let ids: Vec<String> = store.read(|s| s.products.keys().cloned().collect());
    let dearer = |money: &mut Option<Money>| {
        if let Some(money) = money {
            money.amount += DEARER_BY;
        }
    };
    for id in ids {
        store
            .update_product(&id, |p| {
                dearer(&mut p.rec_price);
                dearer(&mut p.med_price);
            })
            .unwrap();
    }
    store
}

async fn dutchie(store: SimStore) -> DutchieSimulator {
    dutchie::start(store, DutchieSimOptions::default())
        .await
        .unwrap()
}

/// The one store a Dutchie connection serves.
async fn store_of(app: &TestApp, connection: Uuid) -> location::Model {
    let mut stores = location::Entity::find()
        .filter(location::Column::ConnectionId.eq(connection))
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(stores.len(), 1, "a Dutchie key serves one store");
    stores.remove(0)
}

/// The simulator's products by SKU, with the units on hand at the store it serves.
fn catalog(sim: &DutchieSimulator) -> HashMap<String, (ExternalProduct, i64)> {
    let location = sim.keys()[0].location_id.clone();
    sim.store().read(|s| {
        s.products
            .values()
            .map(|p| {
                let on_hand = s.on_hand(&p.external_id, &location);
                (p.sku.clone().unwrap(), (p.clone(), on_hand))
            })
            .collect()
    })
}

async fn one_product_per_sku_priced_and_stocked_per_store(backend: &str, app: &TestApp) {
    let env = SyncEnv::of_app(&app.state);
    let first = dutchie(seed::seeded(&seed_config())).await;
    let second = dutchie(second_store()).await;
    let mut stores = Vec::new();
    for sim in [&first, &second] {
        let connection = env.connect(sim).await;
        env.sync
            .sync_connection(connection.id, RunMode::Full)
            .await
            .unwrap();
        stores.push(store_of(app, connection.id).await);
    }
    let (north, south) = (&stores[0], &stores[1]);
    let (at_north, at_south) = (catalog(&first), catalog(&second));
    assert_eq!(
        at_north.keys().collect::<BTreeSet<_>>(),
        at_south.keys().collect(),
        "the same SKUs"
    );
    let north_ids: BTreeSet<&str> = at_north
        .values()
        .map(|(p, _)| p.external_id.as_str())
        .collect();
    assert!(
        at_south
            .values()
            .all(|(p, _)| !north_ids.contains(p.external_id.as_str())),
        "each POS numbers its products apart"
    );

    let products = product::Entity::find().all(&app.state.db).await.unwrap();
    assert_eq!(
        products.len(),
        at_north.len(),
        "{backend}: one product per SKU"
    );
    let (mut counts_differ, mut prices_differ) = (0, 0);
    for product in &products {
        let sku = product.sku.clone().unwrap();
        let rows: HashMap<Uuid, stock_level::Model> = stock_level::Entity::find()
            .filter(stock_level::Column::ProductId.eq(product.id))
            .all(&app.state.db)
            .await
            .unwrap()
            .into_iter()
            .map(|row| (row.location_id, row))
            .collect();
        assert_eq!(rows.len(), 2, "{backend} {sku}: a row at each store");
        for (store, sold) in [(north, &at_north[&sku]), (south, &at_south[&sku])] {
            let row = &rows[&store.id];
            let (pos, on_hand) = sold;
            assert_eq!(row.on_hand, *on_hand, "{backend} {sku} at {}", store.name);
            assert_eq!(
                (
                    row.price,
                    row.med_price,
                    row.listed,
                    row.max_per_transaction
                ),
                (
                    pos.rec_price.as_ref().map(|m| m.amount),
                    pos.med_price.as_ref().map(|m| m.amount),
                    pos.active,
                    pos.max_per_transaction
                ),
                "{backend} {sku} at {}",
                store.name
            );
        }
        counts_differ += usize::from(rows[&south.id].on_hand != rows[&north.id].on_hand);
        prices_differ += usize::from(rows[&south.id].price != rows[&north.id].price);
    }
    assert!(counts_differ > 0, "{backend}: the stores hold other counts");
    assert!(
        prices_differ > products.len() / 2,
        "{backend}: the stores ask other prices ({prices_differ})"
    );

    // a product both stores list and hold at other prices, ordered at each: each charges
    // its own price
    let price = |sold: &(ExternalProduct, i64)| sold.0.rec_price.as_ref().map(|m| m.amount);
    let (sku, _) = at_north
        .iter()
        .filter(|(sku, sold)| {
            let (p, on_hand) = sold;
            let there = &at_south[*sku];
            p.active
                && *on_hand > 0
                && there.1 > 0
                && price(sold) != price(there)
                && p.flower_equivalent_grams < Some(5.0)
        })
        .min_by_key(|(sku, _)| (*sku).clone())
        .unwrap();
    let product = products
        .iter()
        .find(|p| p.sku.as_ref() == Some(sku))
        .unwrap();
    let north_price = price(&at_north[sku]).unwrap();
    let south_price = price(&at_south[sku]).unwrap();
    let menu = r"query($at: ID!) { products(locationId: $at, first: 100) { nodes { id price { amount } } } }";
    for (store, price) in [(north, north_price), (south, south_price)] {
        let body = data(app, None, menu, json!({ "at": store.id.to_string() })).await;
        let shown = body["products"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["id"] == product.id.to_string())
            .map(|n| n["price"]["amount"].clone());
        assert_eq!(
            shown,
            Some(json!(price)),
            "{backend}: menu of {}",
            store.name
        );
    }
    let customer = Seed::new(&app.state.db)
        .customer("two.stores@example.com", "Ada", "Buyer")
        .await;
    let token = app.token(Role::Customer, &customer.id.to_string());
    for (store, price) in [(north, north_price), (south, south_price)] {
        let input = json!({
            "locationId": store.id,
            "fulfillment": "PICKUP",
            "idempotencyKey": format!("order-at-{}", store.id),
            "lines": [{ "productId": product.id, "quantity": 2 }],
        });
        let body = data(app, Some(&token), PLACE, json!({ "input": input })).await;
        assert_eq!(
            body["placeOrder"]["total"]["amount"],
            2 * price,
            "{backend}: an order at {} is charged its price",
            store.name
        );
    }
}

async fn a_catalog_in_another_currency_is_kept_apart(backend: &str, app: &TestApp) {
    let env = SyncEnv::of_app(&app.state);
    let sim = dutchie(seed::seeded(&seed_config())).await;
    // the store is in California (USD) but the connection reads its prices as CAD
    let connection = env.connect_with(&sim, json!({ "currency": "CAD" })).await;
    // the run ends; every catalog record is kept apart
    let _ = env.sync.sync_connection(connection.id, RunMode::Full).await;
    assert_eq!(
        product::Entity::find().count(&app.state.db).await.unwrap(),
        0,
        "{backend}: nothing of the rejected records is stored"
    );
    assert_eq!(
        stock_level::Entity::find()
            .count(&app.state.db)
            .await
            .unwrap(),
        0,
        "{backend}"
    );
    let alerts = alert::Entity::find()
        .filter(alert::Column::ConnectionId.eq(connection.id))
        .filter(alert::Column::Kind.eq("pos_bad_record"))
        .all(&app.state.db)
        .await
        .unwrap();
    assert!(
        alerts.iter().any(|a| a
            .message
            .contains("field `recPrice` is in CAD but the store sells in USD")),
        "{backend}: {alerts:?}"
    );
}

#[tokio::test]
async fn two_dutchie_stores_of_one_retailer() {
    for BackendApp { backend, app } in each_backend().await {
        one_product_per_sku_priced_and_stocked_per_store(backend, &app).await;
    }
}

#[tokio::test]
async fn a_price_in_another_currency_is_rejected() {
    for BackendApp { backend, app } in each_backend().await {
        a_catalog_in_another_currency_is_kept_apart(backend, &app).await;
    }
}
