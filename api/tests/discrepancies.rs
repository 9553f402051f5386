//! Discrepancy rules (DESIGN.md, inventory rules): the POS wins, and each condition
//! raises exactly one open alert however often it repeats. SQLite and PostgreSQL.
#![allow(clippy::unwrap_used)]

mod common;
mod sync_support;

use api::{
    effects::Effects,
    sync::{
        RunMode,
        apply::{self, ApplyContext},
        discrepancy::DiscrepancyRules,
    },
};
use chrono::{DateTime, TimeDelta, Utc};
use entities::{
    alert, customer,
    enums::{ChangeSource, Fulfillment, OrderStatus},
    location, order, order_line, product_external_ref, stock_level,
};
use providers::model::{Batch, PosKind, StockRecord, StockSnapshot};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
};
use uuid::Uuid;

use sync_support::SyncEnv;

/// A synced Dutchie connection and one of its (product, store) stock rows.
struct Fixture {
    env: SyncEnv,
    connection: Uuid,
    external_product: String,
    external_location: String,
    product: Uuid,
    location: Uuid,
    _sim: Box<dyn providers::simulator::Simulator>,
}

async fn fixture(env: SyncEnv) -> Fixture {
    let sim = sync_support::simulator(PosKind::Dutchie).await;
    let connection = env.connect(sim.as_ref()).await;
    env.sync
        .sync_connection(connection.id, RunMode::Full)
        .await
        .unwrap();
    let store = location::Entity::find()
        .filter(location::Column::ConnectionId.eq(connection.id))
        .one(&env.db)
        .await
        .unwrap()
        .unwrap();
    let reference = product_external_ref::Entity::find()
        .filter(product_external_ref::Column::ConnectionId.eq(connection.id))
        .one(&env.db)
        .await
        .unwrap()
        .unwrap();
    Fixture {
        connection: connection.id,
        external_product: reference.external_id,
        external_location: store.external_id.clone().unwrap(),
        product: reference.product_id,
        location: store.id,
        env,
        _sim: sim,
    }
}

impl Fixture {
    fn context(&self, full: bool) -> ApplyContext {
        ApplyContext {
            connection_id: self.connection,
            full,
            now: Utc::now(),
            default_time_zone: "UTC".to_owned(),
            discrepancies: DiscrepancyRules::default(),
        }
    }

    fn record(&self, on_hand: i64, at: DateTime<Utc>) -> StockRecord {
        StockRecord {
            external_product_id: self.external_product.clone(),
            external_location_id: self.external_location.clone(),
            on_hand,
            package_tag: None,
            observed_at: at,
        }
    }

    /// Applies stock records as a change list, then announces (raises the alerts).
    async fn apply(&self, records: Vec<StockRecord>) {
        let snapshot = StockSnapshot {
            records,
            complete: false,
            rejected: Vec::new(),
        };
        let mut effects = Effects::default();
        apply::apply_stock(&self.env.db, &self.context(false), &snapshot, &mut effects)
            .await
            .unwrap();
        self.env
            .sync
            .announcer()
            .announce(effects, ChangeSource::Poll)
            .await;
    }

    async fn level(&self) -> stock_level::Model {
        stock_level::Entity::find()
            .filter(stock_level::Column::ProductId.eq(self.product))
            .filter(stock_level::Column::LocationId.eq(self.location))
            .one(&self.env.db)
            .await
            .unwrap()
            .unwrap()
    }

    /// The open alerts of `kind`.
    async fn open(&self, kind: &str) -> Vec<alert::Model> {
        alert::Entity::find()
            .filter(alert::Column::Kind.eq(kind))
            .filter(alert::Column::ResolvedAt.is_null())
            .all(&self.env.db)
            .await
            .unwrap()
    }

    /// An open order for 2 units of the product at the store.
    async fn open_order(&self) -> Uuid {
        let now = Utc::now();
        let customer = customer::ActiveModel {
            id: Set(Uuid::now_v7()),
            email: Set(None),
            phone: Set(None),
            first_name: Set(None),
            last_name: Set(None),
            date_of_birth: Set(None),
            medical_id: Set(None),
            medical_id_expires: Set(None),
            address: Set(None),
            city: Set(None),
            state: Set(None),
            postal_code: Set(None),
            preferences: Set(serde_json::json!({})),
            marketing_opt_in: Set(false),
            merged_into_id: Set(None),
            anonymized_at: Set(None),
            field_modified_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&self.env.db)
        .await
        .unwrap();
        let order = order::Model {
            id: Uuid::now_v7(),
            customer_id: customer.id,
            location_id: self.location,
            status: OrderStatus::Submitted,
            vendor_status: None,
            status_reason: None,
            fulfillment: Fulfillment::Pickup,
            delivery_address: None,
            idempotency_key: Uuid::new_v4().to_string(),
            total: 100,
            refunded_total: 0,
            currency: "USD".to_owned(),
            connection_id: Some(self.connection),
            external_id: None,
            reservation_expires_at: None,
            created_at: now,
            updated_at: now,
        };
        order
            .clone()
            .into_active_model()
            .reset_all()
            .insert(&self.env.db)
            .await
            .unwrap();
        order_line::Model {
            id: Uuid::now_v7(),
            order_id: order.id,
            product_id: self.product,
            quantity: 2,
            returned_quantity: 0,
            unit_price: 50,
            currency: "USD".to_owned(),
            package_tag: None,
        }
        .into_active_model()
        .reset_all()
        .insert(&self.env.db)
        .await
        .unwrap();
        order.id
    }
}

fn later(minutes: i64) -> DateTime<Utc> {
    Utc::now() + TimeDelta::minutes(minutes)
}

async fn on_hand_below_reserved(env: SyncEnv) {
    let f = fixture(env).await;
    let order = f.open_order().await;
    let mut level = f.level().await.into_active_model();
    level.reserved = Set(5);
    level.update(&f.env.db).await.unwrap();

    f.apply(vec![f.record(2, later(1))]).await;
    f.apply(vec![f.record(1, later(2))]).await;
    assert_eq!(f.level().await.on_hand, 1, "the POS wins");
    let open = f.open("stock_below_reserved").await;
    assert_eq!(open.len(), 1, "one open alert");
    assert_eq!(open[0].occurrences, 2);
    assert_eq!(open[0].product_id, Some(f.product));
    assert_eq!(open[0].location_id, Some(f.location));
    assert_eq!(open[0].details["reserved"], 5);
    assert_eq!(open[0].details["openOrders"][0], order.to_string());
}

async fn unexplained_jump(env: SyncEnv) {
    let f = fixture(env).await;
    let before = f.level().await.on_hand;
    f.apply(vec![f.record(before + 500, later(1))]).await;
    f.apply(vec![f.record(before + 501, later(2))]).await; // small: no new alert
    f.apply(vec![f.record(before + 1200, later(3))]).await; // again: counted
    let open = f.open("stock_unexplained_jump").await;
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].occurrences, 2);
    assert_eq!(open[0].details["before"], before);
    assert_eq!(open[0].details["after"], before + 500);
}

async fn product_vanished_while_ordered(env: SyncEnv) {
    let f = fixture(env).await;
    f.open_order().await;
    // a full catalog listing one other product: ours has vanished
    let other = product_external_ref::Entity::find()
        .filter(product_external_ref::Column::ConnectionId.eq(f.connection))
        .filter(product_external_ref::Column::ExternalId.ne(f.external_product.clone()))
        .one(&f.env.db)
        .await
        .unwrap()
        .unwrap();
    let sim_products =
        providers::dutchie::DutchieProvider::new(f._sim.connection_config(f.connection)).unwrap();
    let full = providers::PosProvider::catalog(&sim_products, None)
        .await
        .unwrap();
    let listed = Batch {
        items: full
            .items
            .into_iter()
            .filter(|p| p.external_id == other.external_id)
            .collect(),
        rejected: Vec::new(),
        high_water_mark: None,
    };
    for _ in 0..2 {
        let mut effects = Effects::default();
        apply::apply_catalog(&f.env.db, &f.context(true), &listed, &mut effects)
            .await
            .unwrap();
        f.env
            .sync
            .announcer()
            .announce(effects, ChangeSource::Reconcile)
            .await;
    }
    let open = f.open("product_vanished").await;
    assert_eq!(open.len(), 1, "only the ordered product, once");
    assert_eq!(open[0].product_id, Some(f.product));
}

async fn duplicate_ids_in_one_batch(env: SyncEnv) {
    let f = fixture(env).await;
    let at = later(1);
    f.apply(vec![f.record(4, at), f.record(9, at)]).await;
    f.apply(vec![f.record(4, at), f.record(9, at)]).await;
    assert_eq!(f.open("pos_duplicate_id").await.len(), 1);
    f.apply(vec![f.record(6, later(2)), f.record(6, later(2))])
        .await;
    assert_eq!(
        f.open("pos_duplicate_id").await.len(),
        1,
        "an identical repeat is fine"
    );
}

mod sqlite {
    use crate::sync_support::sqlite;
    #[tokio::test]
    async fn on_hand_below_reserved() {
        super::on_hand_below_reserved(sqlite().await).await
    }
    #[tokio::test]
    async fn unexplained_jump() {
        super::unexplained_jump(sqlite().await).await
    }
    #[tokio::test]
    async fn product_vanished_while_ordered() {
        super::product_vanished_while_ordered(sqlite().await).await
    }
    #[tokio::test]
    async fn duplicate_ids_in_one_batch() {
        super::duplicate_ids_in_one_batch(sqlite().await).await
    }
}

mod postgres {
    use crate::sync_support::postgres;
    #[tokio::test]
    async fn on_hand_below_reserved() {
        if let Some(env) = postgres().await {
            super::on_hand_below_reserved(env).await
        }
    }
    #[tokio::test]
    async fn unexplained_jump() {
        if let Some(env) = postgres().await {
            super::unexplained_jump(env).await
        }
    }
    #[tokio::test]
    async fn product_vanished_while_ordered() {
        if let Some(env) = postgres().await {
            super::product_vanished_while_ordered(env).await
        }
    }
    #[tokio::test]
    async fn duplicate_ids_in_one_batch() {
        if let Some(env) = postgres().await {
            super::duplicate_ids_in_one_batch(env).await
        }
    }
}
