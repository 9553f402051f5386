//! Shared set-up of the order delivery and status sync tests: a migrated database (SQLite
//! or a fresh PostgreSQL schema), one simulator per POS with a connection to it, fully
//! imported, orders written the way checkout writes them (order, line, event,
//! reservation and a `submit_order` outbox row in one transaction), and the delivery
//! side driven one step at a time.
#![allow(dead_code, clippy::unwrap_used)]

use std::{sync::Arc, time::Duration};

use api::{
    cache::{MemoryCache, SharedCache},
    config::MasterKey,
    connections::{self, ConnectionInput},
    events::{MemoryEventBus, SharedEventBus, outbox::kinds},
    orders::status_sync::{StatusPoller, StatusSyncConfig},
    outbox::{OutboxConfig, delivery::Delivery, queue, sender},
    secrets::Keyring,
    sync::{RunMode, Synchronizer},
};
use chrono::Utc;
use entities::{
    customer,
    enums::{ChangeSource, Fulfillment, OrderStatus, QueueStatus},
    location, order, order_event, order_line, outbox, product, product_external_ref,
    provider_connection, stock_level,
};
use providers::{model::PosKind, simulator::Simulator};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectOptions, Database, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, TransactionTrait,
    sea_query::{Expr, ExprTrait},
};
use tempfile::TempDir;
use uuid::Uuid;

use crate::{common::fresh_postgres_url, sync_support::simulator};

/// A database, the sync engine that imports the simulators, and the delivery side.
pub struct OrdersEnv {
    /// `sqlite` or `postgres`.
    pub backend: &'static str,
    /// The database.
    pub db: DatabaseConnection,
    /// The bus order events are published on.
    pub events: SharedEventBus,
    /// The cache.
    pub cache: SharedCache,
    /// Opens connection secrets.
    pub keyring: Arc<Keyring>,
    /// Imports the simulators.
    pub sync: Synchronizer,
    /// The delivery side under test.
    pub delivery: Delivery,
    /// The master key sealing the connections' secrets, base64 (`CANOPY_MASTER_KEY`).
    pub master_key: String,
    url: Option<String>,
    _dir: Option<TempDir>,
}

/// Fast retries for tests.
pub fn fast_outbox() -> OutboxConfig {
    OutboxConfig {
        base_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
        give_up_after: Duration::ZERO,
        ..OutboxConfig::default()
    }
}

impl OrdersEnv {
    async fn on(
        backend: &'static str,
        db: DatabaseConnection,
        url: Option<String>,
        dir: Option<TempDir>,
    ) -> Self {
        api::db::migrate(&db).await.unwrap();
        let cache: SharedCache = Arc::new(MemoryCache::new(1000));
        let events: SharedEventBus = Arc::new(MemoryEventBus::new(1024));
        let master = MasterKey::random();
        let keyring = Arc::new(Keyring::new(&master));
        let sync = Synchronizer::new(
            db.clone(),
            cache.clone(),
            events.clone(),
            Arc::new(Keyring::new(&master)),
        );
        let delivery = Delivery::new(db.clone(), cache.clone(), events.clone(), keyring.clone());
        Self {
            backend,
            db,
            events,
            cache,
            keyring,
            sync,
            delivery,
            master_key: base64::Engine::encode(
                &base64::engine::general_purpose::STANDARD,
                master.expose(),
            ),
            url,
            _dir: dir,
        }
    }

    /// The database URL, PostgreSQL only (for a `canopy serve` process on it).
    pub fn url(&self) -> Option<&str> {
        self.url.as_deref()
    }

    /// A second delivery side over its own connection pool to the same database (a
    /// second replica), PostgreSQL only.
    pub async fn replica(&self) -> Option<Delivery> {
        let url = self.url.clone()?;
        let mut options = ConnectOptions::new(url);
        options.max_connections(4);
        let db = Database::connect(options).await.unwrap();
        Some(Delivery::new(
            db,
            self.cache.clone(),
            self.events.clone(),
            self.keyring.clone(),
        ))
    }

    /// A simulator of `kind`, connected and fully imported.
    pub async fn imported(
        &self,
        kind: PosKind,
    ) -> (Box<dyn Simulator>, provider_connection::Model) {
        let http = serde_json::json!({ "disable_rate_limits": true });
        self.connect(simulator(kind).await, http).await
    }

    /// A connection to `sim`, fully imported, with the test's fast retries and `http`'s
    /// own policy settings on top.
    pub async fn connect(
        &self,
        sim: Box<dyn Simulator>,
        http: serde_json::Value,
    ) -> (Box<dyn Simulator>, provider_connection::Model) {
        let kind = sim.kind();
        let mut config = sim.connection_config(Uuid::nil());
        let mut settings = serde_json::json!({
            "max_retries": 0,
            "base_backoff_ms": 1,
            "max_backoff_ms": 5,
            "request_timeout_ms": 5000,
            "breaker_failure_threshold": 1000,
        });
        if let (Some(settings), serde_json::Value::Object(http)) = (settings.as_object_mut(), http)
        {
            settings.extend(http);
        }
        config.settings["http"] = settings;
        let input = ConnectionInput::from_config(format!("test {kind}"), config);
        let connection = connections::create(&self.db, self.sync.keyring(), &input)
            .await
            .unwrap();
        self.sync
            .sync_connection(connection.id, RunMode::Full)
            .await
            .unwrap();
        (sim, connection)
    }

    /// Places an order of `quantity` units of one stocked product at a location of
    /// `connection`, as checkout does.
    pub async fn place(
        &self,
        connection: &provider_connection::Model,
        quantity: i64,
    ) -> order::Model {
        let now = Utc::now();
        let locations: Vec<Uuid> = location::Entity::find()
            .filter(location::Column::ConnectionId.eq(connection.id))
            .all(&self.db)
            .await
            .unwrap()
            .into_iter()
            .map(|l| l.id)
            .collect();
        let refs: Vec<Uuid> = product_external_ref::Entity::find()
            .filter(product_external_ref::Column::ConnectionId.eq(connection.id))
            .all(&self.db)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.product_id)
            .collect();
        let level = stock_level::Entity::find()
            .filter(stock_level::Column::LocationId.is_in(locations))
            .filter(stock_level::Column::ProductId.is_in(refs))
            .filter(
                Expr::col(stock_level::Column::OnHand)
                    .sub(Expr::col(stock_level::Column::Reserved))
                    .gte(quantity),
            )
            .order_by_asc(stock_level::Column::Id)
            .one(&self.db)
            .await
            .unwrap()
            .expect("a stocked product");
        let product = product::Entity::find_by_id(level.product_id)
            .one(&self.db)
            .await
            .unwrap()
            .unwrap();
        let customer = customer::Model {
            id: Uuid::now_v7(),
            email: Some(format!("{}@example.com", Uuid::new_v4().simple())),
            phone: None,
            first_name: Some("Ada".into()),
            last_name: Some("Lovelace".into()),
            date_of_birth: chrono::NaiveDate::from_ymd_opt(1980, 1, 1),
            medical_id: None,
            medical_id_expires: None,
            address: Some("1 Market St".into()),
            city: Some("San Francisco".into()),
            state: Some("CA".into()),
            postal_code: Some("94105".into()),
            preferences: serde_json::json!({}),
            marketing_opt_in: false,
            merged_into_id: None,
            anonymized_at: None,
            field_modified_at: None,
            created_at: now,
            updated_at: now,
        };
        let unit_price = level.price.unwrap_or(1000);
        let order = order::Model {
            id: Uuid::now_v7(),
            customer_id: customer.id,
            location_id: level.location_id,
            status: OrderStatus::Pending,
            vendor_status: None,
            status_reason: None,
            fulfillment: Fulfillment::Pickup,
            delivery_address: None,
            idempotency_key: Uuid::new_v4().to_string(),
            total: unit_price * quantity,
            refunded_total: 0,
            currency: level.currency.clone(),
            connection_id: Some(connection.id),
            external_id: None,
            reservation_expires_at: None,
            created_at: now,
            updated_at: now,
        };
        let txn = self.db.begin().await.unwrap();
        customer
            .into_active_model()
            .reset_all()
            .insert(&txn)
            .await
            .unwrap();
        order
            .clone()
            .into_active_model()
            .reset_all()
            .insert(&txn)
            .await
            .unwrap();
        order_line::Model {
            id: Uuid::now_v7(),
            order_id: order.id,
            product_id: product.id,
            quantity,
            returned_quantity: 0,
            unit_price,
            currency: level.currency.clone(),
            package_tag: None,
        }
        .into_active_model()
        .reset_all()
        .insert(&txn)
        .await
        .unwrap();
        order_event::Model {
            id: Uuid::now_v7(),
            order_id: order.id,
            from_status: None,
            to_status: OrderStatus::Pending,
            source: ChangeSource::Api,
            vendor_status: None,
            detail: None,
            at: now,
        }
        .into_active_model()
        .reset_all()
        .insert(&txn)
        .await
        .unwrap();
        let reserved = stock_level::Entity::update_many()
            .col_expr(
                stock_level::Column::Reserved,
                Expr::col(stock_level::Column::Reserved).add(quantity),
            )
            .filter(stock_level::Column::Id.eq(level.id))
            .exec(&txn)
            .await
            .unwrap();
        assert_eq!(reserved.rows_affected, 1);
        outbox_row(&txn, order.id, kinds::SUBMIT_ORDER, serde_json::json!({})).await;
        txn.commit().await.unwrap();
        order
    }

    /// Drains the outbox with `config` until nothing is due (failed rows come due
    /// again after their short backoff, so this loops until each is settled for good).
    pub async fn drain(&self, config: &OutboxConfig) {
        tokio::time::timeout(Duration::from_secs(30), async {
            loop {
                sender::drain_once(&self.delivery.dispatcher, config).await;
                if queue::pending(&self.db).await.unwrap() == 0 {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
        .await
        .expect("the outbox did not drain");
    }

    /// One round of the status poller over every connection.
    pub async fn poll(&self) {
        let poller = StatusPoller::new(
            self.delivery.applier.clone(),
            self.delivery.adapters.clone(),
            StatusSyncConfig::default(),
        );
        poller
            .round(Utc::now() - chrono::TimeDelta::minutes(5))
            .await;
    }

    /// The order as stored.
    pub async fn order(&self, id: Uuid) -> order::Model {
        order::Entity::find_by_id(id)
            .one(&self.db)
            .await
            .unwrap()
            .unwrap()
    }

    /// The order's events, oldest first.
    pub async fn order_events(&self, id: Uuid) -> Vec<order_event::Model> {
        order_event::Entity::find()
            .filter(order_event::Column::OrderId.eq(id))
            .order_by_asc(order_event::Column::At)
            .order_by_asc(order_event::Column::Id)
            .all(&self.db)
            .await
            .unwrap()
    }

    /// Units reserved for the order's (single) line's product at its location.
    pub async fn reserved_for(&self, order: &order::Model) -> i64 {
        let line = order_line::Entity::find()
            .filter(order_line::Column::OrderId.eq(order.id))
            .one(&self.db)
            .await
            .unwrap()
            .unwrap();
        stock_level::Entity::find()
            .filter(stock_level::Column::ProductId.eq(line.product_id))
            .filter(stock_level::Column::LocationId.eq(order.location_id))
            .one(&self.db)
            .await
            .unwrap()
            .unwrap()
            .reserved
    }

    /// The outbox rows of an order.
    pub async fn outbox_of(&self, id: Uuid) -> Vec<outbox::Model> {
        outbox::Entity::find()
            .filter(outbox::Column::AggregateId.eq(id))
            .all(&self.db)
            .await
            .unwrap()
    }

    /// Writes an outbox row for an order, as checkout does for cancellations and returns.
    pub async fn enqueue(&self, order_id: Uuid, kind: &str, payload: serde_json::Value) {
        outbox_row(&self.db, order_id, kind, payload).await;
    }
}

async fn outbox_row(
    db: &impl sea_orm::ConnectionTrait,
    order_id: Uuid,
    kind: &str,
    payload: serde_json::Value,
) {
    let now = Utc::now();
    outbox::Model {
        id: Uuid::now_v7(),
        kind: kind.to_owned(),
        aggregate_id: order_id,
        payload,
        status: QueueStatus::Pending,
        attempts: 0,
        next_attempt_at: now,
        last_error: None,
        created_at: now,
        updated_at: now,
    }
    .into_active_model()
    .reset_all()
    .insert(db)
    .await
    .unwrap();
}

/// How many orders with our reference `order_id` the simulator holds.
pub fn sim_orders(sim: &dyn Simulator, order_id: Uuid) -> usize {
    let reference = order_id.to_string();
    sim.store().read(|s| {
        s.orders
            .values()
            .filter(|o| o.order_reference == reference)
            .count()
    })
}

/// A fresh SQLite database.
pub async fn sqlite() -> OrdersEnv {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/canopy.db?mode=rwc", dir.path().display());
    let db = Database::connect(ConnectOptions::new(url)).await.unwrap();
    OrdersEnv::on("sqlite", db, None, Some(dir)).await
}

/// A fresh PostgreSQL schema, or `None` (skip) without `TEST_DATABASE_URL`.
pub async fn postgres() -> Option<OrdersEnv> {
    let url = fresh_postgres_url().await?;
    let mut options = ConnectOptions::new(url.clone());
    options.max_connections(8);
    let db = Database::connect(options).await.unwrap();
    Some(OrdersEnv::on("postgres", db, Some(url), None).await)
}

/// Generates a `sqlite` and a `postgres` test per case, each run for every kind in
/// `providers::registry::KINDS`: `order_cases! { name => check; }` where
/// `check(env, kind)` is async.
#[macro_export]
macro_rules! order_cases {
    ($($name:ident => $check:ident;)*) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    for kind in providers::registry::KINDS {
                        eprintln!("{} with {}", stringify!($name), kind.label);
                        $crate::$check($crate::orders_support::sqlite().await, kind.kind).await
                    }
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    for kind in providers::registry::KINDS {
                        let Some(env) = $crate::orders_support::postgres().await else { return };
                        eprintln!("{} with {}", stringify!($name), kind.label);
                        $crate::$check(env, kind.kind).await
                    }
                }
            )*
        }
    };
}

/// Jane's webhooks, received on a loopback port and handed over as the webhook module
/// does: verified and parsed by the connection's adapter, then applied.
pub struct WebhookReceiver {
    deliveries: tokio::sync::mpsc::UnboundedReceiver<(http::HeaderMap, bytes::Bytes)>,
    _server: tokio::task::JoinHandle<()>,
}

impl WebhookReceiver {
    /// Starts a receiver and registers it with `sim` (`POST /_sim/webhooks`).
    pub async fn register(sim: &dyn Simulator) -> Self {
        let (tx, deliveries) = tokio::sync::mpsc::unbounded_channel();
        let app = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |headers: http::HeaderMap, body: bytes::Bytes| {
                let tx = tx.clone();
                async move {
                    let _ = tx.send((headers, body));
                    http::StatusCode::NO_CONTENT
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        let response = reqwest::Client::new()
            .post(sim.base_url().join("/_sim/webhooks").unwrap())
            .json(&serde_json::json!({ "url": url }))
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success());
        Self {
            deliveries,
            _server: server,
        }
    }

    /// The next delivery as the simulator sent it: headers and body.
    pub async fn next_raw(&mut self) -> (http::HeaderMap, bytes::Bytes) {
        tokio::time::timeout(crate::common::WAIT, self.deliveries.recv())
            .await
            .expect("a webhook")
            .unwrap()
    }

    /// Applies deliveries as they arrive until one reports `vendor_status` for the
    /// order with POS id `external_id` (earlier ones, such as the order's creation, are
    /// applied too, as the webhook module would).
    pub async fn apply_until(
        &mut self,
        env: &OrdersEnv,
        connection: &provider_connection::Model,
        external_id: &str,
        vendor_status: &str,
    ) {
        let adapter = env.delivery.adapters.get(connection).unwrap();
        loop {
            let (headers, body) = self.next_raw().await;
            let mut reached = false;
            for event in adapter.parse_webhook(&headers, &body).unwrap() {
                if let providers::model::WebhookEvent::OrderStatus {
                    status,
                    order_reference,
                    ..
                } = event
                {
                    reached |=
                        status.external_id == external_id && status.vendor_status == vendor_status;
                    api::orders::status_sync::webhook::on_order_status(
                        &env.delivery.applier,
                        connection.id,
                        &status,
                        order_reference.as_deref(),
                    )
                    .await
                    .unwrap();
                }
            }
            if reached {
                return;
            }
        }
    }
}
