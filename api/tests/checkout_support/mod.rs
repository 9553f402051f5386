//! Shared set-up of the checkout tests: a California adult-use store with stocked
//! products, customers with tokens, and `placeOrder`/`cancelOrder`/`returnOrder` calls.
#![allow(dead_code, clippy::unwrap_used)]

use api::auth::Role;
use chrono::{Months, NaiveDate, Utc};
use entities::{customer, enums, location, product, stock_level};
use reqwest::StatusCode;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::common::{TestApp, fixtures::Seed, gql};

/// `placeOrder` returning what the tests look at.
pub const PLACE: &str = "mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id status total { amount } reservationExpiresAt lines { product { id } quantity } } }";
/// `cancelOrder`.
pub const CANCEL: &str = "mutation($id: ID!, $reason: String) { cancelOrder(id: $id, reason: $reason) { id status statusReason } }";
/// `returnOrder`.
pub const RETURN: &str = "mutation($id: ID!, $lines: [OrderLineInput!]!) { returnOrder(id: $id, lines: $lines) { id status } }";

/// A store, a flower product with stock, and a customer.
pub struct Shop {
    /// The store.
    pub location: location::Model,
    /// 3.5 g flower, $35.
    pub flower: product::Model,
}

impl Shop {
    /// A CA adult-use store with `stock` units of an eighth of flower.
    pub async fn open(app: &TestApp, stock: i64) -> Self {
        let seed = Seed::new(&app.state.db);
        let location = seed.location("Mission").await;
        let flower = seed
            .product(
                "Eighth",
                "Canopy Farms",
                enums::ProductCategory::Flower,
                3500,
            )
            .await;
        seed.stock(&flower, &location, stock, 0).await;
        Self { location, flower }
    }

    /// Another stocked product at the store, adjusted by `adjust`.
    pub async fn product(
        &self,
        app: &TestApp,
        category: enums::ProductCategory,
        stock: i64,
        adjust: impl FnOnce(&mut product::ActiveModel),
    ) -> product::Model {
        let seed = Seed::new(&app.state.db);
        let product = seed.product("Item", "Brand", category, 2000).await;
        let mut row = product.into_active_model();
        adjust(&mut row);
        let product = row.update(&app.state.db).await.unwrap();
        seed.stock(&product, &self.location, stock, 0).await;
        product
    }

    /// A new adult customer and their token.
    pub async fn customer(&self, app: &TestApp) -> (customer::Model, String) {
        let email = format!("{}@example.com", Uuid::new_v4().simple());
        let customer = Seed::new(&app.state.db)
            .customer(&email, "Ada", "Buyer")
            .await;
        let token = app.token(Role::Customer, &customer.id.to_string());
        (customer, token)
    }

    /// The `placeOrder` input for `lines` of `(product, quantity)`.
    pub fn input(&self, lines: &[(Uuid, i64)], key: &str) -> Value {
        json!({
            "locationId": self.location.id,
            "fulfillment": "PICKUP",
            "idempotencyKey": key,
            "lines": lines.iter().map(|(p, q)| json!({ "productId": p, "quantity": q })).collect::<Vec<_>>(),
        })
    }

    /// Places `lines` as `token`; returns the response body.
    pub async fn place(
        &self,
        app: &TestApp,
        token: &str,
        lines: &[(Uuid, i64)],
        key: &str,
    ) -> Value {
        self.place_at(&app.client, &app.url("/graphql"), token, lines, key)
            .await
    }

    /// [`Shop::place`] through the GraphQL endpoint at `url`.
    pub async fn place_at(
        &self,
        client: &reqwest::Client,
        url: &str,
        token: &str,
        lines: &[(Uuid, i64)],
        key: &str,
    ) -> Value {
        let (status, body) = gql::execute_at(
            client,
            url,
            Some(token),
            PLACE,
            json!({ "input": self.input(lines, key) }),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    /// The stock row of `product` at the store.
    pub async fn stock(&self, app: &TestApp, product: Uuid) -> stock_level::Model {
        stock_level::Entity::find()
            .filter(stock_level::Column::ProductId.eq(product))
            .filter(stock_level::Column::LocationId.eq(self.location.id))
            .one(&app.state.db)
            .await
            .unwrap()
            .unwrap()
    }
}

/// Changes a customer's row.
pub async fn update_customer(
    app: &TestApp,
    customer: &customer::Model,
    adjust: impl FnOnce(&mut customer::ActiveModel),
) {
    let mut row = customer.clone().into_active_model();
    adjust(&mut row);
    row.update(&app.state.db).await.unwrap();
}

/// The date `years` years before today (UTC).
pub fn years_ago(years: u32) -> NaiveDate {
    Utc::now().date_naive() - Months::new(years * 12)
}

/// The first error's extensions of a body.
pub fn extensions(body: &Value) -> &Value {
    &body["errors"][0]["extensions"]
}

/// Sets `date_of_birth`.
pub fn born(date: NaiveDate) -> impl FnOnce(&mut customer::ActiveModel) {
    move |row| row.date_of_birth = Set(Some(date))
}
