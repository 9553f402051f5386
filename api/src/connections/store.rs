//! Reading and writing `provider_connections` rows, sealing secrets on the way in.

use chrono::Utc;
use entities::provider_connection::{self, ActiveModel, Column, Entity, Model};
use providers::model::PosKind;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use secrecy::{ExposeSecret, SecretString};
use uuid::Uuid;

use super::{ConnectionError, ConnectionInput};
use crate::secrets::{Keyring, SealContext, api_key_hint};

/// The sealing context (field name) of the API key.
pub const API_KEY: &str = "api_key";
/// The sealing context (field name) of the API secret.
pub const API_SECRET: &str = "api_secret";
/// The sealing context (field name) of the webhook secret.
pub const WEBHOOK_SECRET: &str = "webhook_secret";

/// Stores a new connection with its secrets sealed under the keyring's current key.
pub async fn create(
    db: &impl ConnectionTrait,
    keyring: &Keyring,
    input: &ConnectionInput,
) -> Result<Model, ConnectionError> {
    let id = Uuid::now_v7();
    let now = Utc::now();
    let mut row = fields(id, keyring, input)?;
    row.id = Set(id);
    row.created_at = Set(now);
    row.updated_at = Set(now);
    Ok(row.insert(db).await?)
}

/// Replaces every field of connection `id` with `input`, re-sealing its secrets under
/// the keyring's current key.
pub async fn replace(
    db: &impl ConnectionTrait,
    keyring: &Keyring,
    id: Uuid,
    input: &ConnectionInput,
) -> Result<Model, ConnectionError> {
    find(db, id).await?;
    let mut row = fields(id, keyring, input)?;
    row.id = sea_orm::ActiveValue::Unchanged(id);
    row.updated_at = Set(Utc::now());
    Ok(row.update(db).await?)
}

/// The connection `id`.
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Model, ConnectionError> {
    Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ConnectionError::NotFound(id))
}

/// The oldest connection of `kind` named `name`, if any.
pub async fn find_by_name(
    db: &impl ConnectionTrait,
    kind: PosKind,
    name: &str,
) -> Result<Option<Model>, ConnectionError> {
    Ok(Entity::find()
        .filter(Column::Kind.eq(kind))
        .filter(Column::Name.eq(name))
        .order_by_asc(Column::Id)
        .one(db)
        .await?)
}

/// Every enabled connection, oldest first.
pub async fn enabled(db: &impl ConnectionTrait) -> Result<Vec<Model>, ConnectionError> {
    Ok(Entity::find()
        .filter(Column::Enabled.eq(true))
        .order_by_asc(Column::Id)
        .all(db)
        .await?)
}

/// The row's fields from `input`, secrets sealed for connection `id`.
fn fields(
    id: Uuid,
    keyring: &Keyring,
    input: &ConnectionInput,
) -> Result<ActiveModel, ConnectionError> {
    let seal = |field: &'static str, secret: &SecretString| {
        keyring
            .seal(SealContext::new(id, field), secret)
            .map_err(|source| ConnectionError::Secrets {
                connection_id: id,
                source,
            })
    };
    let optional =
        |field, secret: &Option<SecretString>| secret.as_ref().map(|s| seal(field, s)).transpose();
    Ok(provider_connection::ActiveModel {
        kind: Set(input.kind),
        name: Set(input.name.clone()),
        base_url: Set(input.base_url.to_string()),
        api_key_sealed: Set(seal(API_KEY, &input.api_key)?),
        api_key_hint: Set(key_hint(input.kind, &input.api_key)),
        api_secret_sealed: Set(optional(API_SECRET, &input.api_secret)?),
        webhook_secret_sealed: Set(optional(WEBHOOK_SECRET, &input.webhook_secret)?),
        key_id: Set(keyring.current_id().to_string()),
        settings: Set(input.settings.clone()),
        enabled: Set(input.enabled),
        poll_interval_secs: Set(seconds(input.poll_interval)),
        full_sync_interval_secs: Set(seconds(input.full_sync_interval)),
        ..Default::default()
    })
}

/// The key's hint: the one its kind gives (a private key's fingerprint), else its last
/// characters.
fn key_hint(kind: PosKind, key: &SecretString) -> String {
    providers::registry::kind(kind)
        .key_hint
        .and_then(|hint| hint(key.expose_secret()))
        .unwrap_or_else(|| api_key_hint(key))
}

/// Whole seconds, at least one, saturating at `i32::MAX`.
fn seconds(duration: std::time::Duration) -> i32 {
    i32::try_from(duration.as_secs().max(1)).unwrap_or(i32::MAX)
}
