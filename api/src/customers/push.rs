//! Customer pushes: a Canopy profile edit goes to each POS holding the customer as one
//! `push_customer` outbox row per POS connection (rows queued before pushes named their
//! connection go to every POS holding the customer); the `outbox` module delivers them.

use entities::outbox;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::Value;
use uuid::Uuid;

use crate::events::outbox::kinds::PUSH_CUSTOMER;

/// The payload key naming the POS connection a push is for.
const CONNECTION: &str = "connectionId";

/// The payload of a push of `fields` (field names) to `connection_id`.
pub fn payload(fields: Value, connection_id: Uuid) -> Value {
    serde_json::json!({ "fields": fields, CONNECTION: connection_id.to_string() })
}

/// Whether push `row` is for the POS connection `connection_id`: the one it names, or
/// every one when it names none.
pub fn concerns(row: &outbox::Model, connection_id: Uuid) -> bool {
    row.payload
        .get(CONNECTION)
        .and_then(Value::as_str)
        .and_then(|id| Uuid::parse_str(id).ok())
        .is_none_or(|named| named == connection_id)
}

/// The pushes of `customer_id`'s edits, whatever their state.
pub async fn pending(
    db: &impl ConnectionTrait,
    customer_id: Uuid,
) -> Result<Vec<outbox::Model>, sea_orm::DbErr> {
    outbox::Entity::find()
        .filter(outbox::Column::Kind.eq(PUSH_CUSTOMER))
        .filter(outbox::Column::AggregateId.eq(customer_id))
        .all(db)
        .await
}
