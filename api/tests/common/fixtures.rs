//! Test data seeded through the entities, and the database backends every storage test
//! runs on (SQLite always, PostgreSQL when `TEST_DATABASE_URL` is set).
#![allow(dead_code, clippy::unwrap_used)]

use std::{
    collections::HashMap,
    sync::{LazyLock, Mutex},
};

use chrono::{DateTime, NaiveDate, Utc};
use entities::{customer, enums, location, order, order_line, product, purchase, stock_level};
use sea_orm::{ActiveModelTrait, DatabaseConnection, IntoActiveModel};
use serde_json::json;
use uuid::Uuid;

use super::{TestApp, fresh_postgres_url, spawn_app, spawn_app_with};

/// A test server on one database backend.
pub struct BackendApp {
    /// `sqlite` or `postgres`, for assertion messages.
    pub backend: &'static str,
    /// The server.
    pub app: TestApp,
}

/// A fresh server on SQLite, and another on a fresh PostgreSQL schema when
/// `TEST_DATABASE_URL` is set (a failure under `CI=true` when it is not).
pub async fn each_backend() -> Vec<BackendApp> {
    let mut apps = vec![BackendApp {
        backend: "sqlite",
        app: spawn_app().await,
    }];
    if let Some(url) = fresh_postgres_url().await {
        let app = spawn_app_with(|config| config.database_url = url.parse().unwrap()).await;
        apps.push(BackendApp {
            backend: "postgres",
            app,
        });
    }
    apps
}

/// The price each product was seeded with: every store that stocks it (see
/// [`Seed::stock`]) offers it at that price.
static PRICES: LazyLock<Mutex<HashMap<Uuid, i64>>> = LazyLock::new(Mutex::default);

/// The price `product` was seeded with.
pub fn price_of(product: Uuid) -> Option<i64> {
    PRICES.lock().unwrap().get(&product).copied()
}

/// Inserts rows with sensible defaults; each method returns the stored model.
pub struct Seed<'a> {
    db: &'a DatabaseConnection,
}

impl<'a> Seed<'a> {
    /// A seeder writing to `db`.
    pub const fn new(db: &'a DatabaseConnection) -> Self {
        Self { db }
    }

    /// A California adult-use store.
    pub async fn location(&self, name: &str) -> location::Model {
        let now = Utc::now();
        location::Model {
            id: Uuid::now_v7(),
            name: name.to_owned(),
            address: Some("1 Market St".to_owned()),
            city: Some("San Francisco".to_owned()),
            state: "CA".to_owned(),
            postal_code: Some("94105".to_owned()),
            adult_use: true,
            medical: false,
            licence_number: Some("C10-0000001-LIC".to_owned()),
            time_zone: "America/Los_Angeles".to_owned(),
            min_age_override: None,
            connection_id: None,
            external_id: None,
            created_at: now,
            updated_at: now,
        }
        .into_active_model()
        .insert(self.db)
        .await
        .unwrap()
    }

    /// An active product priced at `price` cents (flower gets potency and weight).
    pub async fn product(
        &self,
        name: &str,
        brand: &str,
        category: enums::ProductCategory,
        price: i64,
    ) -> product::Model {
        let now = Utc::now();
        let flower = category == enums::ProductCategory::Flower;
        product::Model {
            id: Uuid::now_v7(),
            name: name.to_owned(),
            brand: Some(brand.to_owned()),
            category,
            category_raw: None,
            strain_type: flower.then_some(enums::StrainType::Hybrid),
            strain_type_raw: None,
            thc_value: flower.then_some(21.5),
            thc_unit: flower.then_some(enums::PotencyUnit::Percent),
            cbd_value: None,
            cbd_unit: None,
            net_weight_value: flower.then_some(3.5),
            net_weight_unit: flower.then_some(enums::WeightUnit::Grams),
            flower_equivalent_grams: flower.then_some(3.5),
            abv: None,
            volume_ml: None,
            medical_only: false,
            images: json!(["https://images.example/product.png"]),
            package_tag: None,
            sku: None,
            upc: None,
            pos_modified_at: None,
            created_at: now,
            updated_at: now,
        }
        .into_active_model()
        .insert(self.db)
        .await
        .inspect(|product| {
            PRICES.lock().unwrap().insert(product.id, price);
        })
        .unwrap()
    }

    /// `on_hand` units of `product` at `location`, `reserved` of them held, listed there at
    /// the product's seeded price.
    pub async fn stock(
        &self,
        product: &product::Model,
        location: &location::Model,
        on_hand: i64,
        reserved: i64,
    ) -> stock_level::Model {
        stock_level::Model {
            id: Uuid::now_v7(),
            product_id: product.id,
            location_id: location.id,
            on_hand,
            reserved,
            pos_updated_at: None,
            pos_version: None,
            package_tag: None,
            updated_at: Utc::now(),
            price: price_of(product.id),
            med_price: None,
            currency: "USD".to_owned(),
            listed: true,
            max_per_transaction: None,
            offer_modified_at: None,
        }
        .into_active_model()
        .insert(self.db)
        .await
        .unwrap()
    }

    /// A customer of legal age.
    pub async fn customer(&self, email: &str, first: &str, last: &str) -> customer::Model {
        let now = Utc::now();
        customer::Model {
            id: Uuid::now_v7(),
            email: Some(email.to_owned()),
            phone: Some("+14155550123".to_owned()),
            first_name: Some(first.to_owned()),
            last_name: Some(last.to_owned()),
            date_of_birth: NaiveDate::from_ymd_opt(1990, 4, 20),
            medical_id: None,
            medical_id_expires: None,
            address: None,
            city: None,
            state: Some("CA".to_owned()),
            postal_code: None,
            preferences: json!({ "favouriteCategory": "FLOWER" }),
            marketing_opt_in: false,
            merged_into_id: None,
            anonymized_at: None,
            field_modified_at: None,
            created_at: now,
            updated_at: now,
        }
        .into_active_model()
        .insert(self.db)
        .await
        .unwrap()
    }

    /// A pickup order of one unit of each product, in `status`.
    pub async fn order(
        &self,
        customer: &customer::Model,
        location: &location::Model,
        status: enums::OrderStatus,
        products: &[&product::Model],
    ) -> order::Model {
        let now = Utc::now();
        let total = products.iter().filter_map(|p| price_of(p.id)).sum();
        let order = order::Model {
            id: Uuid::now_v7(),
            customer_id: customer.id,
            location_id: location.id,
            status,
            vendor_status: None,
            status_reason: None,
            fulfillment: enums::Fulfillment::Pickup,
            delivery_address: None,
            idempotency_key: Uuid::new_v4().to_string(),
            total,
            refunded_total: 0,
            currency: "USD".to_owned(),
            connection_id: None,
            external_id: Some(format!("POS-{}", Uuid::new_v4().simple())),
            reservation_expires_at: None,
            created_at: now,
            updated_at: now,
        }
        .into_active_model()
        .insert(self.db)
        .await
        .unwrap();
        for product in products {
            order_line::Model {
                id: Uuid::now_v7(),
                order_id: order.id,
                product_id: product.id,
                quantity: 1,
                returned_quantity: 0,
                unit_price: price_of(product.id).unwrap_or_default(),
                currency: "USD".to_owned(),
                package_tag: None,
            }
            .into_active_model()
            .insert(self.db)
            .await
            .unwrap();
        }
        order
    }

    /// An in-store purchase of `total` cents at `occurred_at`.
    pub async fn purchase(
        &self,
        customer: &customer::Model,
        location: &location::Model,
        occurred_at: DateTime<Utc>,
        total: i64,
    ) -> purchase::Model {
        let now = Utc::now();
        purchase::Model {
            id: Uuid::now_v7(),
            customer_id: Some(customer.id),
            source: enums::PurchaseSource::InStore,
            order_id: None,
            connection_id: None,
            external_id: None,
            return_of_external_id: None,
            location_id: location.id,
            total,
            currency: "USD".to_owned(),
            occurred_at,
            is_return: false,
            is_void: false,
            created_at: now,
            updated_at: now,
        }
        .into_active_model()
        .insert(self.db)
        .await
        .unwrap()
    }
}
