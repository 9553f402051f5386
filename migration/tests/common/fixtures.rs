//! Valid rows for every table, built from fixed values (whole-second
//! timestamps, so they read back equal on both backends).

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use entities::enums::*;
use entities::*;
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, DatabaseConnection, DbErr, EntityTrait, IntoActiveModel,
};
use serde_json::json;
use uuid::Uuid;

/// A fixed instant, `seconds` after 2026-01-01T00:00:00Z.
pub fn at(seconds: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::seconds(seconds)
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

/// Inserts `model` as a new row.
pub async fn insert<E>(db: &DatabaseConnection, model: E::Model) -> Result<(), DbErr>
where
    E: EntityTrait,
    E::Model: IntoActiveModel<E::ActiveModel>,
    E::ActiveModel: ActiveModelTrait<Entity = E> + ActiveModelBehavior + Send,
{
    let row = model.into_active_model().reset_all();
    E::insert(row).exec(db).await.map(|_| ())
}

/// Inserts `model`, then reads the table back and asserts the row is there, equal.
pub async fn insert_and_read_back<E>(db: &DatabaseConnection, model: E::Model)
where
    E: EntityTrait,
    E::Model: IntoActiveModel<E::ActiveModel> + Clone + PartialEq + std::fmt::Debug,
    E::ActiveModel: ActiveModelTrait<Entity = E> + ActiveModelBehavior + Send,
{
    insert::<E>(db, model.clone()).await.unwrap();
    let rows = E::find().all(db).await.unwrap();
    assert!(
        rows.contains(&model),
        "{model:?} not read back from {rows:?}"
    );
}

/// A Dutchie connection.
pub fn provider_connection() -> provider_connection::Model {
    provider_connection::Model {
        id: Uuid::now_v7(),
        kind: PosKind::Dutchie,
        name: "Main street Dutchie".to_owned(),
        base_url: "http://127.0.0.1:9000".to_owned(),
        api_key_sealed: vec![1, 2, 3, 4, 5, 6, 7, 8],
        api_key_hint: "ab12".to_owned(),
        api_secret_sealed: None,
        webhook_secret_sealed: Some(vec![9, 9, 9]),
        key_id: "k1".to_owned(),
        settings: json!({ "locationKeys": ["x"] }),
        enabled: true,
        poll_interval_secs: 30,
        full_sync_interval_secs: 3600,
        created_at: at(0),
        updated_at: at(1),
    }
}

/// A California adult-use store at `connection` with POS id `external_id`.
pub fn location(connection: Option<Uuid>, external_id: Option<&str>) -> location::Model {
    location::Model {
        id: Uuid::now_v7(),
        name: "Canopy Mission".to_owned(),
        address: Some("1 Valencia St".to_owned()),
        city: Some("San Francisco".to_owned()),
        state: "CA".to_owned(),
        postal_code: Some("94103".to_owned()),
        adult_use: true,
        medical: true,
        licence_number: Some("C10-0000001-LIC".to_owned()),
        time_zone: "America/Los_Angeles".to_owned(),
        min_age_override: None,
        connection_id: connection,
        external_id: external_id.map(str::to_owned),
        created_at: at(0),
        updated_at: at(0),
    }
}

/// An eighth of flower with every attribute set.
pub fn product() -> product::Model {
    product::Model {
        id: Uuid::now_v7(),
        name: "Blue Dream 3.5g".to_owned(),
        brand: Some("Glass House".to_owned()),
        category: ProductCategory::Flower,
        category_raw: Some("Flower".to_owned()),
        strain_type: Some(StrainType::Hybrid),
        strain_type_raw: Some("hybrid".to_owned()),
        thc_value: Some(24.5),
        thc_unit: Some(PotencyUnit::Percent),
        cbd_value: Some(0.1),
        cbd_unit: Some(PotencyUnit::Percent),
        net_weight_value: Some(3.5),
        net_weight_unit: Some(WeightUnit::Grams),
        flower_equivalent_grams: Some(3.5),
        abv: None,
        volume_ml: None,
        medical_only: false,
        images: json!(["https://img.example/bd.png"]),
        package_tag: Some("1A4060300000000000000001".to_owned()),
        sku: Some("BD-35".to_owned()),
        upc: Some("000000000001".to_owned()),
        pos_modified_at: Some(at(5)),
        created_at: at(0),
        updated_at: at(0),
    }
}

/// `product`'s id `external_id` at `connection`.
pub fn product_ref(
    product: Uuid,
    connection: Uuid,
    external_id: &str,
) -> product_external_ref::Model {
    product_external_ref::Model {
        id: Uuid::now_v7(),
        product_id: product,
        connection_id: connection,
        external_id: external_id.to_owned(),
        external_location_id: Some("loc-1".to_owned()),
        sku: Some("SKU-1".to_owned()),
        upc: Some("00036000291452".to_owned()),
        match_key: Some("acme|blue dream|mg:3500|Flower".to_owned()),
        measure: Some("mg:3500".to_owned()),
        created_at: at(0),
    }
}

/// A match of `connection`'s record `p-2` into `product`.
pub fn product_match(product: Uuid, connection: Uuid) -> product_match::Model {
    product_match::Model {
        id: Uuid::now_v7(),
        product_id: product,
        other_product_id: None,
        connection_id: Some(connection),
        external_id: Some("p-2".to_owned()),
        rule: MatchRule::Upc,
        evidence: serde_json::json!({ "rule": "UPC", "key": "00036000291452" }),
        status: MatchStatus::Confirmed,
        conflict: false,
        decided_by: "sync".to_owned(),
        created_at: at(0),
        updated_at: at(0),
    }
}

/// A redirect from a merged-away id to `product`.
pub fn product_redirect(product: Uuid) -> product_redirect::Model {
    product_redirect::Model {
        from_id: Uuid::now_v7(),
        to_id: product,
        connections: serde_json::json!([]),
        snapshot: serde_json::json!({ "product": null }),
        created_at: at(0),
    }
}

/// A registered document.
pub fn persisted_operation() -> persisted_operation::Model {
    persisted_operation::Model {
        hash: "ab".repeat(32),
        document: "query Menu { products { nodes { id } } }".to_owned(),
        operation_names: serde_json::json!(["Menu"]),
        registered_by: "cli".to_owned(),
        created_at: at(0),
    }
}

/// Stock of `product` at `location`.
pub fn stock_level(
    product: Uuid,
    location: Uuid,
    on_hand: i64,
    reserved: i64,
) -> stock_level::Model {
    stock_level::Model {
        id: Uuid::now_v7(),
        product_id: product,
        location_id: location,
        on_hand,
        reserved,
        pos_updated_at: Some(at(10)),
        pos_version: Some(7),
        package_tag: None,
        updated_at: at(11),
        price: Some(4500),
        med_price: Some(4000),
        currency: "USD".to_owned(),
        listed: true,
        max_per_transaction: Some(8),
        offer_modified_at: None,
    }
}

/// An adult customer with a medical card.
pub fn customer() -> customer::Model {
    customer::Model {
        id: Uuid::now_v7(),
        email: Some("ada@example.com".to_owned()),
        phone: Some("+14155550123".to_owned()),
        first_name: Some("Ada".to_owned()),
        last_name: Some("Lovelace".to_owned()),
        date_of_birth: Some(date(1990, 12, 10)),
        medical_id: Some("MED-123".to_owned()),
        medical_id_expires: Some(date(2027, 6, 30)),
        address: Some("2 Market St".to_owned()),
        city: Some("San Francisco".to_owned()),
        state: Some("CA".to_owned()),
        postal_code: Some("94105".to_owned()),
        preferences: json!({ "favouriteCategories": ["FLOWER"] }),
        marketing_opt_in: true,
        merged_into_id: None,
        anonymized_at: None,
        field_modified_at: None,
        created_at: at(0),
        updated_at: at(0),
    }
}

/// `customer`'s id `external_id` at `connection`.
pub fn customer_ref(
    customer: Uuid,
    connection: Uuid,
    external_id: &str,
) -> customer_external_ref::Model {
    customer_external_ref::Model {
        id: Uuid::now_v7(),
        customer_id: customer,
        connection_id: connection,
        external_id: external_id.to_owned(),
        pos_modified_at: Some(at(3)),
        field_hashes: None,
        created_at: at(0),
    }
}

/// A pickup order by `customer` at `location` with idempotency key `key`.
pub fn order(customer: Uuid, location: Uuid, connection: Option<Uuid>, key: &str) -> order::Model {
    order::Model {
        id: Uuid::now_v7(),
        customer_id: customer,
        location_id: location,
        status: OrderStatus::Pending,
        vendor_status: None,
        status_reason: None,
        fulfillment: Fulfillment::Pickup,
        delivery_address: None,
        idempotency_key: key.to_owned(),
        total: 9000,
        refunded_total: 0,
        currency: "USD".to_owned(),
        connection_id: connection,
        external_id: None,
        reservation_expires_at: Some(at(900)),
        created_at: at(0),
        updated_at: at(0),
    }
}

/// `quantity` units of `product` on `order`.
pub fn order_line(order: Uuid, product: Uuid, quantity: i64, returned: i64) -> order_line::Model {
    order_line::Model {
        id: Uuid::now_v7(),
        order_id: order,
        product_id: product,
        quantity,
        returned_quantity: returned,
        unit_price: 4500,
        currency: "USD".to_owned(),
        package_tag: None,
    }
}

/// `order` going from PENDING to SUBMITTED.
pub fn order_event(order: Uuid) -> order_event::Model {
    order_event::Model {
        id: Uuid::now_v7(),
        order_id: order,
        from_status: Some(OrderStatus::Pending),
        to_status: OrderStatus::Submitted,
        source: ChangeSource::Outbox,
        vendor_status: Some("Submitted".to_owned()),
        detail: Some(json!({ "attempt": 1 })),
        at: at(20),
    }
}

/// A register sale reported by `connection` as `external_id`.
pub fn purchase(
    customer: Option<Uuid>,
    location: Uuid,
    connection: Option<Uuid>,
    external_id: Option<&str>,
) -> purchase::Model {
    purchase::Model {
        id: Uuid::now_v7(),
        customer_id: customer,
        source: PurchaseSource::InStore,
        order_id: None,
        connection_id: connection,
        external_id: external_id.map(str::to_owned),
        return_of_external_id: None,
        location_id: location,
        total: 4500,
        currency: "USD".to_owned(),
        occurred_at: at(30),
        is_return: false,
        is_void: false,
        created_at: at(31),
        updated_at: at(31),
    }
}

/// One unit of `product` on `purchase`.
pub fn purchase_line(purchase: Uuid, product: Option<Uuid>) -> purchase_line::Model {
    purchase_line::Model {
        id: Uuid::now_v7(),
        purchase_id: purchase,
        product_id: product,
        external_product_id: Some("p-1".to_owned()),
        quantity: 1,
        amount: 4500,
        currency: "USD".to_owned(),
        returned: false,
        flower_equivalent_grams: 3.5,
        product_class: Some("non_concentrate".to_owned()),
        package_tag: None,
    }
}

/// The `stream` cursor of `connection`.
pub fn sync_cursor(connection: Uuid, stream: &str) -> sync_cursor::Model {
    sync_cursor::Model {
        id: Uuid::now_v7(),
        connection_id: connection,
        stream: stream.to_owned(),
        cursor: Some("page-2".to_owned()),
        cursor_at: Some(at(40)),
        last_run_at: Some(at(41)),
        last_success_at: Some(at(41)),
        last_full_sync_at: None,
        last_error: None,
        updated_at: at(41),
    }
}

/// An order submission waiting in the outbox.
pub fn outbox(aggregate: Uuid) -> outbox::Model {
    outbox::Model {
        id: Uuid::now_v7(),
        kind: "submit_order".to_owned(),
        aggregate_id: aggregate,
        payload: json!({ "orderId": aggregate.to_string() }),
        status: QueueStatus::Pending,
        attempts: 0,
        next_attempt_at: at(50),
        last_error: None,
        created_at: at(50),
        updated_at: at(50),
    }
}

/// Webhook `delivery_id` received for `connection`.
pub fn webhook_delivery(connection: Uuid, delivery_id: &str) -> webhook_delivery::Model {
    webhook_delivery::Model {
        id: Uuid::now_v7(),
        connection_id: connection,
        delivery_id: delivery_id.to_owned(),
        payload: json!({ "event": "cart.updated" }),
        status: QueueStatus::Pending,
        attempts: 0,
        last_error: None,
        received_at: at(60),
        processed_at: None,
    }
}

/// An open alert with `dedupe_key`.
pub fn alert(dedupe_key: &str) -> alert::Model {
    alert::Model {
        id: Uuid::now_v7(),
        severity: AlertSeverity::Warning,
        kind: "stock_below_reserved".to_owned(),
        connection_id: None,
        product_id: None,
        location_id: None,
        order_id: None,
        message: "POS on-hand fell below reserved units".to_owned(),
        details: json!({ "before": { "onHand": 5 }, "after": { "onHand": 1 } }),
        dedupe_key: dedupe_key.to_owned(),
        occurrences: 1,
        created_at: at(70),
        last_seen_at: at(70),
        resolved_at: None,
        resolved_by: None,
    }
}

/// An admin updating a connection.
pub fn audit_entry(target: Uuid) -> audit_log::Model {
    audit_log::Model {
        id: Uuid::now_v7(),
        actor: "admin-1".to_owned(),
        action: "provider_connection.update".to_owned(),
        target_type: "provider_connection".to_owned(),
        target_id: Some(target.to_string()),
        before: Some(json!({ "enabled": true, "apiKey": "****" })),
        after: Some(json!({ "enabled": false, "apiKey": "****" })),
        at: at(80),
    }
}
