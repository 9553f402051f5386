//! Erasing a customer's personal data on request. The row stays (blank but for its id
//! and times), with its POS references, orders and purchases, so order history and
//! compliance totals still add up; a later POS record for it changes nothing.

use chrono::Utc;
use entities::customer;
use sea_orm::{ActiveModelTrait, DatabaseConnection, IntoActiveModel, TransactionTrait};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::{
    events::{self, NewEvent, kinds},
    fields::Field,
    merge::require,
};
use crate::{
    audit::{self, AuditRecord},
    error::ApiError,
};

/// Erases the personal data of profile `id` (erasing twice changes nothing more).
pub async fn anonymize(
    db: &DatabaseConnection,
    actor: &str,
    id: Uuid,
) -> Result<customer::Model, ApiError> {
    let txn = db.begin().await?;
    let row = require(&txn, id).await?;
    if row.anonymized_at.is_some() {
        return Ok(row);
    }
    let now = Utc::now();
    let mut blank = row.clone();
    for field in Field::ALL {
        field.set(&mut blank, &Value::Null);
    }
    blank.preferences = Value::Object(Map::new());
    blank.field_modified_at = None;
    blank.anonymized_at = Some(now);
    blank.updated_at = now;
    let blank = blank.into_active_model().reset_all().update(&txn).await?;
    events::record(
        &txn,
        NewEvent::admin(id, kinds::ANONYMIZED, None, actor, now),
    )
    .await?;
    audit::record(
        &txn,
        AuditRecord {
            actor: actor.to_owned(),
            action: "customer.anonymize",
            target_type: "Customer",
            target_id: Some(id.to_string()),
            before: None,
            after: Some(json!({ "anonymizedAt": now })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(blank)
}
