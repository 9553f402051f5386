//! Persisted operations: the GraphQL documents an operator registers for the safelist
//! (`CANOPY_PERSISTED_QUERIES=safelist`), each stored under the SHA-256 of its exact text
//! ([`hash`]), which is what a client sends as `extensions.persistedQuery.sha256Hash`.
//!
//! [`register`], [`list`] and [`remove`] keep the `persisted_operations` table; a
//! registration or removal is audited in the same transaction. [`Safelist`] decides, per
//! request, whether a document may run. Checking that a document parses and keeps to the
//! limits is the GraphQL layer's (`graphql::document::registration`), before it gets here.

mod removals;
mod safelist;

use chrono::Utc;
use entities::persisted_operation::{ActiveModel, Column, Entity, Model};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, DatabaseConnection, DbErr, EntityTrait, QueryOrder,
    TransactionTrait,
};
use serde_json::json;
use sha2::{Digest, Sha256};

pub use self::{
    removals::{REMOVED_TOPIC, Removed},
    safelist::Safelist,
};
use crate::{
    audit::{self, AuditRecord},
    events::EventBus,
};

/// The lowercase hex SHA-256 of `document`'s exact text.
pub fn hash(document: &str) -> String {
    hex::encode(Sha256::digest(document.as_bytes()))
}

/// The names of `operation`'s operations, as stored (anonymous ones have none).
pub fn operation_names(operation: &Model) -> Vec<String> {
    serde_json::from_value(operation.operation_names.clone()).unwrap_or_default()
}

/// A registration's outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Registered {
    /// The stored row.
    pub operation: Model,
    /// Whether this call stored it (`false`: it was registered already).
    pub new: bool,
}

/// Registers `document` (whose operations are named `names`) for `actor`; registering a
/// document again changes nothing.
pub async fn register(
    db: &DatabaseConnection,
    document: &str,
    names: &[String],
    actor: &str,
) -> Result<Registered, DbErr> {
    let hash = hash(document);
    let txn = db.begin().await?;
    if let Some(operation) = Entity::find_by_id(hash.clone()).one(&txn).await? {
        return Ok(Registered {
            operation,
            new: false,
        });
    }
    let operation = ActiveModel {
        hash: Set(hash.clone()),
        document: Set(document.to_owned()),
        operation_names: Set(json!(names)),
        registered_by: Set(actor.to_owned()),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        AuditRecord {
            actor: actor.to_owned(),
            action: "persisted_operation.register",
            target_type: "PersistedOperation",
            target_id: Some(hash),
            before: None,
            after: Some(json!({ "operationNames": names })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(Registered {
        operation,
        new: true,
    })
}

/// Every registered document, oldest first.
pub async fn list(db: &DatabaseConnection) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .order_by_asc(Column::CreatedAt)
        .order_by_asc(Column::Hash)
        .all(db)
        .await
}

/// Removes the document registered under `hash` for `actor`, and announces the removal on
/// `events` so every server's [`Safelist`] forgets it; `false` when there was none.
pub async fn remove(
    db: &DatabaseConnection,
    events: &dyn EventBus,
    hash: &str,
    actor: &str,
) -> Result<bool, DbErr> {
    let txn = db.begin().await?;
    let Some(operation) = Entity::find_by_id(hash.to_owned()).one(&txn).await? else {
        return Ok(false);
    };
    Entity::delete_by_id(hash.to_owned()).exec(&txn).await?;
    audit::record(
        &txn,
        AuditRecord {
            actor: actor.to_owned(),
            action: "persisted_operation.remove",
            target_type: "PersistedOperation",
            target_id: Some(hash.to_owned()),
            before: Some(json!({ "operationNames": operation.operation_names })),
            after: None,
        },
    )
    .await?;
    txn.commit().await?;
    removals::announce(events, hash).await;
    Ok(true)
}
