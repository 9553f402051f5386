//! The audit log: who changed what, when, with the state before and after.
//!
//! Rows are insert-only. Every admin mutation writes one in the same transaction as its
//! change, so a change without its audit row cannot commit. Before and after states are
//! snapshots of stored rows (sealed secrets reduced to "is set" flags and the key hint)
//! and pass through [`mask`] on the way in, which redacts any value under a key that
//! names a secret, wherever it is nested.

use chrono::Utc;
use entities::audit_log::{self, Column, Entity, Model};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, Select,
};
use serde_json::Value;
use uuid::Uuid;

use crate::services::paging::{Direction, Page, PageRequest, read_page};

/// Words that mark a settings key as a secret, which belongs in a write-only field.
const SECRET_WORDS: [&str; 4] = ["secret", "password", "credential", "private"];

/// Whether a settings or audit key names a secret.
pub fn looks_secret(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    SECRET_WORDS.iter().any(|word| key.contains(word))
}

/// What replaces a secret value in the audit log.
pub const REDACTED: &str = "[REDACTED]";

/// One audited action.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditRecord {
    /// Who acted: the token subject, or `cli` for operator commands.
    pub actor: String,
    /// What was done, as `<target>.<verb>`, for example `provider_connection.update`.
    pub action: &'static str,
    /// The kind of object acted on, for example `ProviderConnection`.
    pub target_type: &'static str,
    /// The object's id, when there is one.
    pub target_id: Option<String>,
    /// Its state before (masked on write).
    pub before: Option<Value>,
    /// Its state after, or the outcome of the action (masked on write).
    pub after: Option<Value>,
}

/// Writes `record` (its states masked) and returns the stored row.
pub async fn record(db: &impl ConnectionTrait, record: AuditRecord) -> Result<Model, DbErr> {
    let row = audit_log::ActiveModel {
        id: Set(Uuid::now_v7()),
        actor: Set(record.actor),
        action: Set(record.action.to_owned()),
        target_type: Set(record.target_type.to_owned()),
        target_id: Set(record.target_id),
        before: Set(record.before.map(mask)),
        after: Set(record.after.map(mask)),
        at: Set(Utc::now()),
    };
    Entity::insert(row).exec_with_returning(db).await
}

/// `value` with every value under a secret-naming key replaced by [`REDACTED`].
pub fn mask(value: Value) -> Value {
    match value {
        Value::Object(object) => Value::Object(
            object
                .into_iter()
                .map(|(key, value)| {
                    let value = match (is_secret_key(&key), value) {
                        (true, Value::Null) => Value::Null,
                        (true, _) => Value::String(REDACTED.to_owned()),
                        (false, value) => mask(value),
                    };
                    (key, value)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(mask).collect()),
        other => other,
    }
}

/// Keys whose values are secrets: `apiKey`/`api_key` and anything naming a secret,
/// except flags and hints about one (`hasApiSecret`, `apiKeyHint`).
fn is_secret_key(key: &str) -> bool {
    let normalized: String = key
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if normalized.starts_with("has") || normalized.ends_with("hint") {
        return false;
    }
    normalized == "apikey" || looks_secret(key)
}

/// Which audit rows to list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Only rows about this kind of object.
    pub target_type: Option<String>,
}

impl AuditFilter {
    fn select(&self) -> Select<Entity> {
        let mut select = Entity::find();
        if let Some(target_type) = &self.target_type {
            select = select.filter(Column::TargetType.eq(target_type.as_str()));
        }
        select
    }
}

/// A page of audit rows, newest first (ids are UUID v7, so id order is time order).
pub async fn find_entries(
    db: &impl ConnectionTrait,
    filter: &AuditFilter,
    request: &PageRequest<Uuid>,
) -> Result<Page<Model>, DbErr> {
    read_page(
        db,
        filter.select(),
        &[Column::Id],
        Direction::Descending,
        request,
    )
    .await
}

/// How many audit rows `filter` matches.
pub async fn count_entries(db: &impl ConnectionTrait, filter: &AuditFilter) -> Result<u64, DbErr> {
    filter.select().count(db).await
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn masks_secrets_at_any_depth_and_keeps_flags_and_hints() {
        let masked = mask(json!({
            "name": "Uptown",
            "apiKey": "sk_live_123",
            "apiKeyHint": "_123",
            "hasApiSecret": true,
            "api_secret": null,
            "settings": { "nested": [{ "client_secret": "x", "password": 42 }], "venue_id": "7" },
        }));
        assert_eq!(
            masked,
            json!({
                "name": "Uptown",
                "apiKey": REDACTED,
                "apiKeyHint": "_123",
                "hasApiSecret": true,
                "api_secret": null,
                "settings": { "nested": [{ "client_secret": REDACTED, "password": REDACTED }], "venue_id": "7" },
            })
        );
    }
}
