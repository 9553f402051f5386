//! The read API through HTTP on SQLite and PostgreSQL: catalog paging and filters,
//! products with stock, locations, orders and customers with their access rules.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashSet;

use api::auth::Role;
use chrono::{Duration, Utc};
use common::{
    first_code,
    fixtures::{Seed, each_backend},
    gql::{data, execute, node_ids},
};
use entities::{
    enums::{OrderStatus, ProductCategory},
    stock_level,
};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, IntoActiveModel};
use serde_json::{Value, json};

const PRODUCTS: &str = r"
query Products($first: Int, $after: String, $search: String, $category: ProductCategory, $locationId: ID) {
  products(first: $first, after: $after, search: $search, category: $category, locationId: $locationId) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { id name brand category } }
  }
}";

#[tokio::test]
async fn products_page_forward_through_the_whole_catalog() {
    for BackendApp { backend, app } in each_backend().await {
        let seed = Seed::new(&app.state.db);
        let store = seed.location("Store").await;
        let mut ids = Vec::new();
        for n in 0..25 {
            let product = seed
                .product(
                    &format!("Product {n:02}"),
                    "Acme",
                    ProductCategory::Edible,
                    1_000,
                )
                .await;
            seed.stock(&product, &store, 1, 0).await;
            ids.push(product.id.to_string());
        }

        let mut seen = Vec::new();
        let mut after = Value::Null;
        let mut pages = 0;
        loop {
            let page = data(&app, None, PRODUCTS, json!({ "first": 10, "after": after })).await;
            let products = &page["products"];
            assert_eq!(products["totalCount"], 25, "{backend}");
            assert_eq!(
                products["pageInfo"]["hasPreviousPage"],
                pages > 0,
                "{backend}"
            );
            seen.extend(node_ids(products));
            pages += 1;
            if products["pageInfo"]["hasNextPage"] == false {
                break;
            }
            after = products["pageInfo"]["endCursor"].clone();
        }
        assert_eq!(pages, 3, "{backend}");
        assert_eq!(seen, ids, "{backend}: every product once, in id order");
    }
}

#[tokio::test]
async fn products_filter_by_search_category_and_location() {
    for BackendApp { backend, app } in each_backend().await {
        let seed = Seed::new(&app.state.db);
        let downtown = seed.location("Downtown").await;
        let uptown = seed.location("Uptown").await;
        let blue_dream = seed
            .product("Blue Dream", "Farmhouse", ProductCategory::Flower, 3_500)
            .await;
        let gummies = seed
            .product(
                "Sour Gummies",
                "BLUEBIRD Edibles",
                ProductCategory::Edible,
                2_000,
            )
            .await;
        let percent = seed
            .product(
                "100% Pure Rosin",
                "Pressed",
                ProductCategory::Concentrate,
                6_000,
            )
            .await;
        let og = seed
            .product("OG Kush", "Farmhouse", ProductCategory::Flower, 4_000)
            .await;
        // no store lists it: on no menu
        seed.product("Blue Moon", "Farmhouse", ProductCategory::Flower, 3_000)
            .await;
        seed.stock(&blue_dream, &downtown, 5, 0).await;
        seed.stock(&gummies, &uptown, 7, 0).await;
        seed.stock(&og, &downtown, 0, 0).await;
        seed.stock(&percent, &uptown, 2, 0).await;

        let ids = |value: &Value| {
            node_ids(&value["products"])
                .into_iter()
                .collect::<HashSet<_>>()
        };
        let set = |products: &[&entities::product::Model]| {
            products
                .iter()
                .map(|p| p.id.to_string())
                .collect::<HashSet<_>>()
        };

        // Search matches the name or the brand, ignoring case.
        let found = data(&app, None, PRODUCTS, json!({ "search": "bLuE" })).await;
        assert_eq!(ids(&found), set(&[&blue_dream, &gummies]), "{backend}");
        assert_eq!(found["products"]["totalCount"], 2, "{backend}");

        // LIKE wildcards in the term are literal.
        let found = data(&app, None, PRODUCTS, json!({ "search": "100%" })).await;
        assert_eq!(ids(&found), set(&[&percent]), "{backend}");
        let found = data(&app, None, PRODUCTS, json!({ "search": "%" })).await;
        assert_eq!(ids(&found), set(&[&percent]), "{backend}");

        let found = data(&app, None, PRODUCTS, json!({ "category": "FLOWER" })).await;
        assert_eq!(ids(&found), set(&[&blue_dream, &og]), "{backend}");

        // Products listed at the location (even with none on hand).
        let downtown_id = downtown.id.to_string();
        let found = data(&app, None, PRODUCTS, json!({ "locationId": downtown_id })).await;
        assert_eq!(ids(&found), set(&[&blue_dream, &og]), "{backend}");

        let found = data(
            &app,
            None,
            PRODUCTS,
            json!({ "locationId": downtown_id, "category": "FLOWER", "search": "kush" }),
        )
        .await;
        assert_eq!(ids(&found), set(&[&og]), "{backend}");
        assert_eq!(found["products"]["totalCount"], 1, "{backend}");
    }
}

/// Changes the offer of a stock row.
async fn offer(
    app: &common::TestApp,
    row: stock_level::Model,
    adjust: impl FnOnce(&mut stock_level::ActiveModel),
) {
    let mut row = row.into_active_model();
    adjust(&mut row);
    row.update(&app.state.db).await.unwrap();
}

#[tokio::test]
async fn each_store_has_its_own_menu_price_and_limit() {
    const MENU: &str = r"
    query Menu($locationId: ID) {
      products(locationId: $locationId) {
        nodes {
          id price { amount currency } maxPerTransaction
          stock { location { id } price { amount } listed maxPerTransaction }
        }
      }
    }";
    const PRODUCT: &str = r"
    query Product($id: ID!, $at: ID) {
      product(id: $id) { from: price { amount } here: price(locationId: $at) { amount } active }
    }";
    for BackendApp { backend, app } in each_backend().await {
        let seed = Seed::new(&app.state.db);
        let north = seed.location("North").await;
        let south = seed.location("South").await;
        let east = seed.location("East").await;
        let flower = seed
            .product("Eighth", "Farmhouse", ProductCategory::Flower, 3_500)
            .await;
        seed.stock(&flower, &north, 4, 0).await;
        let at_south = seed.stock(&flower, &south, 9, 0).await;
        offer(&app, at_south, |row| {
            row.price = Set(Some(3_900));
            row.max_per_transaction = Set(Some(2));
        })
        .await;
        // east has it in stock at a lower price but does not list it online
        let at_east = seed.stock(&flower, &east, 9, 0).await;
        offer(&app, at_east, |row| {
            row.price = Set(Some(3_000));
            row.listed = Set(false);
        })
        .await;
        let unlisted = seed
            .product("Vault Eighth", "Farmhouse", ProductCategory::Flower, 2_000)
            .await;
        let vault = seed.stock(&unlisted, &north, 1, 0).await;
        offer(&app, vault, |row| row.listed = Set(false)).await;

        let menu = |location: &entities::location::Model| {
            data(
                &app,
                None,
                MENU,
                json!({ "locationId": location.id.to_string() }),
            )
        };
        let north_menu = menu(&north).await;
        let nodes = &north_menu["products"]["nodes"];
        assert_eq!(
            nodes.as_array().unwrap().len(),
            1,
            "{backend}: {north_menu}"
        );
        assert_eq!(nodes[0]["id"], flower.id.to_string(), "{backend}");
        assert_eq!(
            nodes[0]["price"],
            json!({ "amount": 3_500, "currency": "USD" })
        );
        assert_eq!(nodes[0]["maxPerTransaction"], Value::Null, "{backend}");
        let south_menu = menu(&south).await;
        let nodes = &south_menu["products"]["nodes"];
        assert_eq!(
            nodes[0]["price"]["amount"], 3_900,
            "{backend}: {south_menu}"
        );
        assert_eq!(nodes[0]["maxPerTransaction"], 2, "{backend}");
        let stock = nodes[0]["stock"].as_array().unwrap();
        assert_eq!(stock.len(), 3, "{backend}: every store's row");
        for level in stock {
            let (price, listed) = match level["location"]["id"].as_str().unwrap() {
                id if id == north.id.to_string() => (3_500, true),
                id if id == south.id.to_string() => (3_900, true),
                _ => (3_000, false),
            };
            assert_eq!(level["price"]["amount"], price, "{backend}: {level}");
            assert_eq!(level["listed"], listed, "{backend}: {level}");
        }
        let east_menu = menu(&east).await;
        assert_eq!(east_menu["products"]["nodes"], json!([]), "{backend}");

        // without a store: the lowest price among the stores that list it
        let read = |id: String, at: &entities::location::Model| {
            data(
                &app,
                None,
                PRODUCT,
                json!({ "id": id, "at": at.id.to_string() }),
            )
        };
        let product = read(flower.id.to_string(), &south).await;
        assert_eq!(
            product["product"],
            json!({ "from": { "amount": 3_500 }, "here": { "amount": 3_900 }, "active": true }),
            "{backend}"
        );
        let product = read(unlisted.id.to_string(), &north).await;
        assert_eq!(
            product["product"],
            json!({ "from": null, "here": { "amount": 2_000 }, "active": false }),
            "{backend}"
        );
        let everything = data(&app, None, MENU, json!({})).await;
        let listed: Vec<&str> = everything["products"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|node| node["id"].as_str().unwrap())
            .collect();
        assert_eq!(
            listed,
            vec![flower.id.to_string()],
            "{backend}: a product no store lists is on no menu"
        );
    }
}

#[tokio::test]
async fn a_product_shows_price_attributes_and_stock_per_location() {
    const PRODUCT: &str = r"
    query Product($id: ID!, $locationId: ID) {
      product(id: $id) {
        id name brand category strainType
        thc { value unit } netWeight { value unit }
        price { amount currency }
        images
        stock { location { id } onHand reserved available updatedAt }
        here: stock(locationId: $locationId) { location { id name } onHand }
      }
    }";
    for BackendApp { backend, app } in each_backend().await {
        let seed = Seed::new(&app.state.db);
        let downtown = seed.location("Downtown").await;
        let uptown = seed.location("Uptown").await;
        let product = seed
            .product("Blue Dream", "Farmhouse", ProductCategory::Flower, 3_500)
            .await;
        seed.stock(&product, &downtown, 10, 3).await;
        seed.stock(&product, &uptown, 2, 5).await;

        let found = data(
            &app,
            None,
            PRODUCT,
            json!({ "id": product.id.to_string(), "locationId": uptown.id.to_string() }),
        )
        .await;
        let found = &found["product"];
        assert_eq!(found["name"], "Blue Dream", "{backend}");
        assert_eq!(found["category"], "FLOWER", "{backend}");
        assert_eq!(found["strainType"], "HYBRID", "{backend}");
        assert_eq!(
            found["thc"],
            json!({ "value": 21.5, "unit": "PERCENT" }),
            "{backend}"
        );
        assert_eq!(
            found["netWeight"],
            json!({ "value": 3.5, "unit": "G" }),
            "{backend}"
        );
        assert_eq!(
            found["price"],
            json!({ "amount": 3500, "currency": "USD" }),
            "{backend}"
        );
        assert_eq!(
            found["images"],
            json!(["https://images.example/product.png"]),
            "{backend}"
        );

        let stock = found["stock"].as_array().unwrap();
        assert_eq!(stock.len(), 2, "{backend}");
        let at = |location: &entities::location::Model| {
            stock
                .iter()
                .find(|level| level["location"]["id"] == location.id.to_string())
                .unwrap()
        };
        assert_eq!(
            (
                at(&downtown)["onHand"].clone(),
                at(&downtown)["reserved"].clone(),
                at(&downtown)["available"].clone()
            ),
            (json!(10), json!(3), json!(7)),
            "{backend}"
        );
        // Reserved beyond on-hand never shows negative availability.
        assert_eq!(at(&uptown)["available"], 0, "{backend}");
        assert!(at(&uptown)["updatedAt"].is_string(), "{backend}");
        assert_eq!(
            found["here"],
            json!([{ "location": { "id": uptown.id.to_string(), "name": "Uptown" }, "onHand": 2 }]),
            "{backend}"
        );

        let missing = data(
            &app,
            None,
            PRODUCT,
            json!({ "id": uuid::Uuid::now_v7().to_string() }),
        )
        .await;
        assert_eq!(missing["product"], Value::Null, "{backend}");
    }
}

#[tokio::test]
async fn locations_are_listed_by_name() {
    for BackendApp { backend, app } in each_backend().await {
        let seed = Seed::new(&app.state.db);
        let uptown = seed.location("Uptown").await;
        let downtown = seed.location("Downtown").await;
        let found = data(
            &app,
            None,
            "{ locations { id name state timeZone adultUse } }",
            json!({}),
        )
        .await;
        assert_eq!(
            found["locations"],
            json!([
                { "id": downtown.id.to_string(), "name": "Downtown", "state": "CA", "timeZone": "America/Los_Angeles", "adultUse": true },
                { "id": uptown.id.to_string(), "name": "Uptown", "state": "CA", "timeZone": "America/Los_Angeles", "adultUse": true },
            ]),
            "{backend}"
        );
        let one = data(
            &app,
            None,
            "query($id: ID!) { location(id: $id) { name } }",
            json!({ "id": uptown.id.to_string() }),
        )
        .await;
        assert_eq!(one["location"]["name"], "Uptown", "{backend}");
    }
}

const ORDERS: &str = r"
query Orders($status: OrderStatus, $customerId: ID) {
  orders(first: 10, status: $status, customerId: $customerId) {
    totalCount
    edges { node {
      id status externalId fulfillment total { amount currency }
      location { id } customer { id email }
      lines { product { id name } quantity unitPrice { amount } }
    } }
  }
}";

const ORDER: &str = "query($id: ID!) { order(id: $id) { id status } }";

#[tokio::test]
async fn customers_read_their_own_orders_and_admins_read_all() {
    for BackendApp { backend, app } in each_backend().await {
        let seed = Seed::new(&app.state.db);
        let store = seed.location("Downtown").await;
        let flower = seed
            .product("Blue Dream", "Farmhouse", ProductCategory::Flower, 3_500)
            .await;
        let gummies = seed
            .product("Gummies", "Acme", ProductCategory::Edible, 2_000)
            .await;
        let ada = seed.customer("ada@example.com", "Ada", "Lovelace").await;
        let bob = seed.customer("bob@example.com", "Bob", "Builder").await;
        let first = seed
            .order(&ada, &store, OrderStatus::Pending, &[&flower, &gummies])
            .await;
        let second = seed
            .order(&ada, &store, OrderStatus::Completed, &[&gummies])
            .await;
        let bobs = seed
            .order(&bob, &store, OrderStatus::Ready, &[&flower])
            .await;

        let ada_token = app.token(Role::Customer, &ada.id.to_string());
        let admin = app.token(Role::Admin, "ops");

        // Ada sees her two orders, newest first, with lines, location and herself.
        let mine = data(&app, Some(&ada_token), ORDERS, json!({})).await;
        let mine = &mine["orders"];
        assert_eq!(mine["totalCount"], 2, "{backend}");
        assert_eq!(
            node_ids(mine),
            vec![second.id.to_string(), first.id.to_string()],
            "{backend}"
        );
        let oldest = &mine["edges"][1]["node"];
        assert_eq!(oldest["status"], "PENDING", "{backend}");
        assert_eq!(oldest["fulfillment"], "PICKUP", "{backend}");
        assert_eq!(
            oldest["total"],
            json!({ "amount": 5500, "currency": "USD" }),
            "{backend}"
        );
        assert_eq!(
            oldest["externalId"],
            first.external_id.clone().unwrap(),
            "{backend}"
        );
        assert_eq!(oldest["location"]["id"], store.id.to_string(), "{backend}");
        assert_eq!(oldest["customer"]["email"], "ada@example.com", "{backend}");
        assert_eq!(
            oldest["lines"],
            json!([
                { "product": { "id": flower.id.to_string(), "name": "Blue Dream" }, "quantity": 1, "unitPrice": { "amount": 3500 } },
                { "product": { "id": gummies.id.to_string(), "name": "Gummies" }, "quantity": 1, "unitPrice": { "amount": 2000 } },
            ]),
            "{backend}"
        );

        // A customer cannot widen the scope to another customer, or read their order.
        let widened = data(
            &app,
            Some(&ada_token),
            ORDERS,
            json!({ "customerId": bob.id.to_string() }),
        )
        .await;
        assert_eq!(widened["orders"]["totalCount"], 0, "{backend}");
        let other = data(
            &app,
            Some(&ada_token),
            ORDER,
            json!({ "id": bobs.id.to_string() }),
        )
        .await;
        assert_eq!(other["order"], Value::Null, "{backend}");
        let own = data(
            &app,
            Some(&ada_token),
            ORDER,
            json!({ "id": first.id.to_string() }),
        )
        .await;
        assert_eq!(own["order"]["status"], "PENDING", "{backend}");

        // Admins see every order and can filter.
        let all = data(&app, Some(&admin), ORDERS, json!({})).await;
        assert_eq!(all["orders"]["totalCount"], 3, "{backend}");
        let ready = data(&app, Some(&admin), ORDERS, json!({ "status": "READY" })).await;
        assert_eq!(
            node_ids(&ready["orders"]),
            vec![bobs.id.to_string()],
            "{backend}"
        );
        let bobs_only = data(
            &app,
            Some(&admin),
            ORDERS,
            json!({ "customerId": bob.id.to_string() }),
        )
        .await;
        assert_eq!(bobs_only["orders"]["totalCount"], 1, "{backend}");

        // Anonymous callers must authenticate; storefront tokens may not read orders.
        let (status, body) = execute(&app, None, ORDERS, json!({})).await;
        assert_eq!(
            (status, first_code(&body)),
            (StatusCode::OK, "UNAUTHENTICATED"),
            "{backend}: {body}"
        );
        assert_eq!(body["data"], Value::Null, "{backend}");
        let storefront = app.token(Role::Storefront, "web");
        let (_, body) = execute(
            &app,
            Some(&storefront),
            ORDER,
            json!({ "id": first.id.to_string() }),
        )
        .await;
        assert_eq!(first_code(&body), "FORBIDDEN", "{backend}: {body}");
    }
}

const CUSTOMERS: &str = r"
query Customers($first: Int, $after: String, $search: String) {
  customers(first: $first, after: $after, search: $search) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id email phone firstName lastName dateOfBirth preferences } }
  }
}";

#[tokio::test]
async fn admins_list_and_search_customers() {
    for BackendApp { backend, app } in each_backend().await {
        let seed = Seed::new(&app.state.db);
        let ada = seed.customer("ada@example.com", "Ada", "Lovelace").await;
        let grace = seed.customer("grace@example.com", "Grace", "Hopper").await;
        let alan = seed.customer("alan@example.com", "Alan", "Turing").await;
        let admin = app.token(Role::Admin, "ops");

        let page = data(&app, Some(&admin), CUSTOMERS, json!({ "first": 2 })).await;
        let page = &page["customers"];
        assert_eq!(page["totalCount"], 3, "{backend}");
        assert_eq!(
            node_ids(page),
            vec![ada.id.to_string(), grace.id.to_string()],
            "{backend}"
        );
        assert_eq!(
            page["edges"][0]["node"],
            json!({
                "id": ada.id.to_string(), "email": "ada@example.com", "phone": "+14155550123",
                "firstName": "Ada", "lastName": "Lovelace", "dateOfBirth": "1990-04-20",
                "preferences": { "favouriteCategory": "FLOWER" },
            }),
            "{backend}"
        );
        let rest = data(
            &app,
            Some(&admin),
            CUSTOMERS,
            json!({ "first": 2, "after": page["pageInfo"]["endCursor"] }),
        )
        .await;
        assert_eq!(
            node_ids(&rest["customers"]),
            vec![alan.id.to_string()],
            "{backend}"
        );
        assert_eq!(
            rest["customers"]["pageInfo"]["hasNextPage"], false,
            "{backend}"
        );

        let found = data(&app, Some(&admin), CUSTOMERS, json!({ "search": "HOPPER" })).await;
        assert_eq!(
            node_ids(&found["customers"]),
            vec![grace.id.to_string()],
            "{backend}"
        );

        let one = data(
            &app,
            Some(&admin),
            "query($id: ID!) { customer(id: $id) { firstName } }",
            json!({ "id": alan.id.to_string() }),
        )
        .await;
        assert_eq!(one["customer"]["firstName"], "Alan", "{backend}");

        // Only admins list customers.
        let ada_token = app.token(Role::Customer, &ada.id.to_string());
        let (_, body) = execute(&app, Some(&ada_token), CUSTOMERS, json!({})).await;
        assert_eq!(first_code(&body), "FORBIDDEN", "{backend}: {body}");
        let (_, body) = execute(&app, None, CUSTOMERS, json!({})).await;
        assert_eq!(first_code(&body), "UNAUTHENTICATED", "{backend}: {body}");
    }
}

#[tokio::test]
async fn me_pages_through_purchase_history_newest_first() {
    const ME: &str = r"
    query Me($after: String) {
      me {
        id firstName
        purchaseHistory(first: 2, after: $after) {
          totalCount
          pageInfo { hasNextPage endCursor }
          edges { cursor node { id source total { amount currency } occurredAt location { id } order { id } } }
        }
      }
    }";
    for BackendApp { backend, app } in each_backend().await {
        let seed = Seed::new(&app.state.db);
        let store = seed.location("Downtown").await;
        let ada = seed.customer("ada@example.com", "Ada", "Lovelace").await;
        let bob = seed.customer("bob@example.com", "Bob", "Builder").await;
        let now = Utc::now();
        // Two purchases share a timestamp: the id breaks the tie, so paging stays exact.
        let oldest = seed
            .purchase(&ada, &store, now - Duration::days(3), 1_000)
            .await;
        let tied_a = seed
            .purchase(&ada, &store, now - Duration::days(1), 2_000)
            .await;
        let tied_b = seed.purchase(&ada, &store, tied_a.occurred_at, 3_000).await;
        let newest = seed.purchase(&ada, &store, now, 4_000).await;
        seed.purchase(&bob, &store, now, 9_999).await;

        let token = app.token(Role::Customer, &ada.id.to_string());
        let first = data(&app, Some(&token), ME, json!({})).await;
        let history = &first["me"]["purchaseHistory"];
        assert_eq!(first["me"]["firstName"], "Ada", "{backend}");
        assert_eq!(history["totalCount"], 4, "{backend}");
        assert_eq!(
            node_ids(history),
            vec![newest.id.to_string(), tied_b.id.to_string()],
            "{backend}"
        );
        let node = &history["edges"][0]["node"];
        assert_eq!(node["source"], "IN_STORE", "{backend}");
        assert_eq!(
            node["total"],
            json!({ "amount": 4000, "currency": "USD" }),
            "{backend}"
        );
        assert_eq!(node["location"]["id"], store.id.to_string(), "{backend}");
        assert_eq!(node["order"], Value::Null, "{backend}");

        let second = data(
            &app,
            Some(&token),
            ME,
            json!({ "after": history["pageInfo"]["endCursor"] }),
        )
        .await;
        let history = &second["me"]["purchaseHistory"];
        assert_eq!(
            node_ids(history),
            vec![tied_a.id.to_string(), oldest.id.to_string()],
            "{backend}"
        );
        assert_eq!(history["pageInfo"]["hasNextPage"], false, "{backend}");

        // `me` is for customer tokens.
        let admin = app.token(Role::Admin, "ops");
        let (_, body) = execute(&app, Some(&admin), "{ me { id } }", json!({})).await;
        assert_eq!(first_code(&body), "FORBIDDEN", "{backend}: {body}");
    }
}

use common::fixtures::BackendApp;
