//! Listing, reading and resolving alerts.

use chrono::{DateTime, Utc};
use entities::alert::{self, Column, Entity, Model};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, DatabaseConnection, DbErr,
    EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use serde_json::json;
use uuid::Uuid;

use crate::{
    alerts::announce,
    audit::{self, AuditRecord},
    error::ApiError,
    state::AppState,
};

/// The most alerts one listing returns (newest first).
pub const LIST_LIMIT: u64 = 500;

/// Alerts newest first: only unresolved ones when `open` is `Some(true)`, only resolved
/// ones when `Some(false)`, all otherwise.
pub async fn list(db: &DatabaseConnection, open: Option<bool>) -> Result<Vec<Model>, ApiError> {
    let mut select = Entity::find();
    select = match open {
        Some(true) => select.filter(Column::ResolvedAt.is_null()),
        Some(false) => select.filter(Column::ResolvedAt.is_not_null()),
        None => select,
    };
    Ok(select
        .order_by_desc(Column::CreatedAt)
        .order_by_desc(Column::Id)
        .limit(LIST_LIMIT)
        .all(db)
        .await?)
}

/// Alert `id` as stored, if it exists.
pub async fn find(db: &DatabaseConnection, id: Uuid) -> Result<Option<Model>, DbErr> {
    Entity::find_by_id(id).one(db).await
}

/// At most `limit` alerts opened or resolved since `since`, oldest first.
pub async fn changed_since(
    db: &DatabaseConnection,
    since: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(
            Condition::any()
                .add(Column::CreatedAt.gte(since))
                .add(Column::ResolvedAt.gte(since)),
        )
        .order_by_asc(Column::CreatedAt)
        .limit(limit)
        .all(db)
        .await
}

/// Resolves alert `id` as `actor`, audits it and tells the event bus; resolving a
/// resolved alert changes nothing and is not audited again.
pub async fn resolve(state: &AppState, actor: &str, id: Uuid) -> Result<Model, ApiError> {
    let resolved = resolve_row(&state.db, actor, id).await?;
    announce(state.events.as_ref(), &resolved).await;
    Ok(resolved)
}

/// Resolves alert `id` as `actor` in the database, audited in the same transaction.
async fn resolve_row(db: &DatabaseConnection, actor: &str, id: Uuid) -> Result<Model, ApiError> {
    let txn = db.begin().await?;
    let current = Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::NotFound {
            entity: "Alert",
            id: id.to_string(),
        })?;
    if !current.is_open() {
        return Ok(current);
    }
    let mut row = current.clone().into_active_model();
    row.resolved_at = Set(Some(Utc::now()));
    row.resolved_by = Set(Some(actor.to_owned()));
    let resolved: alert::Model = row.update(&txn).await?;
    audit::record(
        &txn,
        AuditRecord {
            actor: actor.to_owned(),
            action: "alert.resolve",
            target_type: "Alert",
            target_id: Some(id.to_string()),
            before: Some(json!({ "kind": current.kind, "resolvedAt": null })),
            after: Some(json!({ "kind": resolved.kind, "resolvedAt": resolved.resolved_at })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(resolved)
}
