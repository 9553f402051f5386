//! Admin merges and unmerges of profiles. A merge points the duplicate at the profile
//! it joins (`merged_into_id`) and moves nothing, so an unmerge is exact: each profile
//! keeps its own POS references, orders and purchases, and a merged profile's history
//! is read through its family (itself and every profile merged into it).

use chrono::Utc;
use entities::customer;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, IntoActiveModel, QueryFilter, QuerySelect, TransactionTrait,
};
use serde_json::json;
use uuid::Uuid;

use super::events::{self, NewEvent, kinds};
use crate::{
    audit::{self, AuditRecord},
    error::ApiError,
};

/// Longest chain of merges followed.
const MAX_DEPTH: usize = 16;

/// The profile `id`, or `NOT_FOUND`.
pub async fn require(db: &impl ConnectionTrait, id: Uuid) -> Result<customer::Model, ApiError> {
    customer::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::NotFound {
            entity: "Customer",
            id: id.to_string(),
        })
}

/// The profile `id` stands for: itself, or the one it was merged into (followed to the end).
pub async fn root(db: &impl ConnectionTrait, id: Uuid) -> Result<Uuid, sea_orm::DbErr> {
    let mut current = id;
    for _ in 0..MAX_DEPTH {
        let next: Option<Option<Uuid>> = customer::Entity::find_by_id(current)
            .select_only()
            .column(customer::Column::MergedIntoId)
            .into_tuple()
            .one(db)
            .await?;
        match next.flatten() {
            Some(parent) => current = parent,
            None => break,
        }
    }
    Ok(current)
}

/// `id` and every profile merged into it, directly or through others.
pub async fn family(db: &impl ConnectionTrait, id: Uuid) -> Result<Vec<Uuid>, sea_orm::DbErr> {
    let mut all = vec![id];
    let mut frontier = vec![id];
    for _ in 0..MAX_DEPTH {
        if frontier.is_empty() {
            break;
        }
        let children: Vec<Uuid> = customer::Entity::find()
            .select_only()
            .column(customer::Column::Id)
            .filter(customer::Column::MergedIntoId.is_in(frontier))
            .into_tuple()
            .all(db)
            .await?;
        all.extend(&children);
        frontier = children;
    }
    Ok(all)
}

/// Merges profile `duplicate` into `target` (both live); returns the target.
pub async fn merge(
    db: &DatabaseConnection,
    actor: &str,
    target: Uuid,
    duplicate: Uuid,
) -> Result<customer::Model, ApiError> {
    if target == duplicate {
        return Err(ApiError::bad_field(
            "duplicateId",
            "a profile cannot be merged into itself",
        ));
    }
    let txn = db.begin().await?;
    let into = require(&txn, target).await?;
    let from = require(&txn, duplicate).await?;
    for (field, row) in [("targetId", &into), ("duplicateId", &from)] {
        if row.merged_into_id.is_some() {
            return Err(ApiError::bad_field(
                field,
                "this profile is already merged into another",
            ));
        }
        if row.anonymized_at.is_some() {
            return Err(ApiError::bad_field(field, "this profile was erased"));
        }
    }
    if family(&txn, duplicate).await?.contains(&target) {
        return Err(ApiError::bad_field(
            "targetId",
            "the target is merged into the duplicate",
        ));
    }
    let now = Utc::now();
    let mut row = from.into_active_model();
    row.merged_into_id = Set(Some(target));
    row.updated_at = Set(now);
    row.update(&txn).await?;
    for (customer_id, other) in [(target, duplicate), (duplicate, target)] {
        events::record(
            &txn,
            NewEvent::admin(customer_id, kinds::MERGED, Some(other), actor, now),
        )
        .await?;
    }
    audit::record(
        &txn,
        AuditRecord {
            actor: actor.to_owned(),
            action: "customer.merge",
            target_type: "Customer",
            target_id: Some(target.to_string()),
            before: None,
            after: Some(json!({ "merged": duplicate.to_string() })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(into)
}

/// Splits profile `id` off the profile it was merged into; returns it.
pub async fn unmerge(
    db: &DatabaseConnection,
    actor: &str,
    id: Uuid,
) -> Result<customer::Model, ApiError> {
    let txn = db.begin().await?;
    let row = require(&txn, id).await?;
    let Some(parent) = row.merged_into_id else {
        return Err(ApiError::bad_field(
            "id",
            "this profile is not merged into another",
        ));
    };
    let now = Utc::now();
    let mut active = row.into_active_model();
    active.merged_into_id = Set(None);
    active.updated_at = Set(now);
    let row = active.update(&txn).await?;
    for (customer_id, other) in [(parent, id), (id, parent)] {
        events::record(
            &txn,
            NewEvent::admin(customer_id, kinds::UNMERGED, Some(other), actor, now),
        )
        .await?;
    }
    audit::record(
        &txn,
        AuditRecord {
            actor: actor.to_owned(),
            action: "customer.unmerge",
            target_type: "Customer",
            target_id: Some(id.to_string()),
            before: Some(json!({ "mergedInto": parent.to_string() })),
            after: None,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}
