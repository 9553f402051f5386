//! Creating, changing, deleting and listing provider connections, each change audited.
//!
//! Rows and their sealed secrets are written by [`crate::connections`]; this layer
//! validates the admin's input, keeps what an update omits (opening the stored secrets
//! only to seal them again) and writes the audit row in the change's transaction.

use std::time::Duration;

use entities::{
    location,
    provider_connection::{Column, Entity, Model},
};
use sea_orm::{
    ActiveEnum, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, TransactionTrait,
};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{
    errors::{from_connection, not_found},
    input::{ConnectionChanges, NewConnection},
    validate::{self, FULL_SYNC_SECONDS, POLL_SECONDS},
};
use crate::{
    audit::{self, AuditRecord},
    config::AdminConfig,
    connections::{self, ConnectionInput},
    error::ApiError,
    secrets::Keyring,
};

/// The audit `target_type` of provider connections.
pub const TARGET: &str = "ProviderConnection";

/// Every connection, oldest first.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<Model>, ApiError> {
    Ok(Entity::find().order_by_asc(Column::Id).all(db).await?)
}

/// The connection `id`, if it exists.
pub async fn get(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<Model>, ApiError> {
    Ok(Entity::find_by_id(id).one(db).await?)
}

/// The connection `id`, or `NOT_FOUND`.
pub async fn require(db: &impl ConnectionTrait, id: Uuid) -> Result<Model, ApiError> {
    get(db, id).await?.ok_or_else(|| not_found(id))
}

/// The stores synced from connection `id`, by name.
pub async fn locations(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Vec<location::Model>, ApiError> {
    Ok(location::Entity::find()
        .filter(location::Column::ConnectionId.eq(id))
        .order_by_asc(location::Column::Name)
        .all(db)
        .await?)
}

/// Validates `input`, stores the connection with its secrets sealed and audits it.
pub async fn create(
    db: &DatabaseConnection,
    keyring: &Keyring,
    policy: &AdminConfig,
    actor: &str,
    input: NewConnection,
) -> Result<Model, ApiError> {
    let input = new_input(input, policy)?;
    let txn = db.begin().await?;
    let row = connections::create(&txn, keyring, &input)
        .await
        .map_err(from_connection)?;
    audit::record(
        &txn,
        change_record(
            actor,
            "provider_connection.create",
            row.id,
            None,
            Some(snapshot(&row)),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// Applies `changes` to connection `id` (omitted fields and secrets kept) and audits it.
pub async fn update(
    db: &DatabaseConnection,
    keyring: &Keyring,
    policy: &AdminConfig,
    actor: &str,
    id: Uuid,
    changes: ConnectionChanges,
) -> Result<Model, ApiError> {
    let txn = db.begin().await?;
    let before = require(&txn, id).await?;
    let config = connections::connection_config(keyring, &before).map_err(from_connection)?;
    let current = ConnectionInput {
        enabled: before.enabled,
        poll_interval: seconds(before.poll_interval_secs),
        full_sync_interval: seconds(before.full_sync_interval_secs),
        ..ConnectionInput::from_config(before.name.clone(), config)
    };
    let (input, changed_secrets) = apply(current, changes, policy)?;
    let after = connections::replace(&txn, keyring, id, &input)
        .await
        .map_err(from_connection)?;
    let mut after_view = snapshot(&after);
    if let Some(object) = after_view.as_object_mut() {
        object.insert("changedWriteOnlyFields".to_owned(), json!(changed_secrets));
    }
    audit::record(
        &txn,
        change_record(
            actor,
            "provider_connection.update",
            id,
            Some(snapshot(&before)),
            Some(after_view),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Deletes connection `id` (its locations stay, unlinked) and audits it.
pub async fn delete(db: &DatabaseConnection, actor: &str, id: Uuid) -> Result<Uuid, ApiError> {
    let txn = db.begin().await?;
    let before = require(&txn, id).await?;
    Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(
        &txn,
        change_record(
            actor,
            "provider_connection.delete",
            id,
            Some(snapshot(&before)),
            None,
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

/// What the audit log keeps of a connection row: everything but the sealed blobs,
/// which are reduced to "is set" flags (the API key to its hint).
pub fn snapshot(row: &Model) -> Value {
    json!({
        "kind": row.kind.to_value(),
        "name": row.name,
        "baseUrl": row.base_url,
        "apiKeyHint": row.api_key_hint,
        "hasApiSecret": row.api_secret_sealed.is_some(),
        "hasWebhookSecret": row.webhook_secret_sealed.is_some(),
        "keyId": row.key_id,
        "settings": row.settings,
        "enabled": row.enabled,
        "pollIntervalSeconds": row.poll_interval_secs,
        "fullSyncIntervalSeconds": row.full_sync_interval_secs,
    })
}

/// An audit record of a change to connection `id`.
pub(super) fn change_record(
    actor: &str,
    action: &'static str,
    id: Uuid,
    before: Option<Value>,
    after: Option<Value>,
) -> AuditRecord {
    AuditRecord {
        actor: actor.to_owned(),
        action,
        target_type: TARGET,
        target_id: Some(id.to_string()),
        before,
        after,
    }
}

/// The validated connection of a create request, defaults filled in.
fn new_input(input: NewConnection, policy: &AdminConfig) -> Result<ConnectionInput, ApiError> {
    let settings = input
        .settings
        .map(|settings| validate::settings("input.settings", settings))
        .transpose()?
        .unwrap_or_else(|| json!({}));
    Ok(ConnectionInput {
        kind: input.kind,
        name: validate::name("input.name", &input.name)?,
        base_url: validate::base_url(
            "input.baseUrl",
            &input.base_url,
            policy.allow_plain_http_pos,
        )?,
        api_key: validate::secret("input.apiKey", input.api_key)?,
        api_secret: validate::optional_secret("input.apiSecret", input.api_secret)?,
        webhook_secret: validate::optional_secret("input.webhookSecret", input.webhook_secret)?,
        settings,
        enabled: input.enabled.unwrap_or(true),
        poll_interval: input
            .poll_interval_seconds
            .map(|s| validate::interval("input.pollIntervalSeconds", s, &POLL_SECONDS))
            .transpose()?
            .unwrap_or(ConnectionInput::DEFAULT_POLL_INTERVAL),
        full_sync_interval: input
            .full_sync_interval_seconds
            .map(|s| validate::interval("input.fullSyncIntervalSeconds", s, &FULL_SYNC_SECONDS))
            .transpose()?
            .unwrap_or(ConnectionInput::DEFAULT_FULL_SYNC_INTERVAL),
    })
}

/// `current` with `changes` validated and applied; also the names of the secrets that
/// changed (for the audit log, which never sees their values).
fn apply(
    mut current: ConnectionInput,
    changes: ConnectionChanges,
    policy: &AdminConfig,
) -> Result<(ConnectionInput, Vec<&'static str>), ApiError> {
    let mut changed_secrets = Vec::new();
    if let Some(name) = changes.name {
        current.name = validate::name("input.name", &name)?;
    }
    if let Some(url) = changes.base_url {
        current.base_url = validate::base_url("input.baseUrl", &url, policy.allow_plain_http_pos)?;
    }
    if let Some(key) = changes.api_key {
        current.api_key = validate::secret("input.apiKey", key)?;
        changed_secrets.push("apiKey");
    }
    if let Some(secret) = changes.api_secret {
        current.api_secret = validate::optional_secret("input.apiSecret", Some(secret))?;
        changed_secrets.push("apiSecret");
    }
    if let Some(secret) = changes.webhook_secret {
        current.webhook_secret = validate::optional_secret("input.webhookSecret", Some(secret))?;
        changed_secrets.push("webhookSecret");
    }
    if let Some(settings) = changes.settings {
        current.settings = validate::settings("input.settings", settings)?;
    }
    if let Some(seconds) = changes.poll_interval_seconds {
        current.poll_interval =
            validate::interval("input.pollIntervalSeconds", seconds, &POLL_SECONDS)?;
    }
    if let Some(seconds) = changes.full_sync_interval_seconds {
        current.full_sync_interval =
            validate::interval("input.fullSyncIntervalSeconds", seconds, &FULL_SYNC_SECONDS)?;
    }
    if let Some(enabled) = changes.enabled {
        current.enabled = enabled;
    }
    Ok((current, changed_secrets))
}

/// A stored interval as a duration.
fn seconds(stored: i32) -> Duration {
    Duration::from_secs(u64::from(stored.max(1).unsigned_abs()))
}
