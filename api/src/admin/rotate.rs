//! `canopy rotate-key`: re-seals every stored secret under a new master key.
//!
//! One transaction covers every row and the audit entry, so a failure (a row sealed
//! under a key that is not the old one, a database error) leaves all rows as they were,
//! and a success leaves none under the old key. Servers must be restarted with the new
//! `CANOPY_MASTER_KEY` afterwards.

use std::collections::BTreeSet;

use entities::provider_connection::{ActiveModel, Entity};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, DatabaseConnection, DbErr, EntityTrait, IntoActiveModel,
    TransactionTrait,
};
use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, AuditRecord};
use crate::{
    config::MasterKey,
    connections::{API_KEY, API_SECRET, WEBHOOK_SECRET},
    secrets::{KeyId, Keyring, SealContext, SecretsError},
};

/// The audit actor of key rotations.
pub const ACTOR: &str = "cli:rotate-key";

/// What a rotation did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RotationReport {
    /// Connections re-sealed.
    pub connections: usize,
    /// The key ids the rows were sealed under before.
    pub previous_key_ids: BTreeSet<String>,
    /// The key id every row is sealed under now.
    pub key_id: KeyId,
}

/// Why a rotation changed nothing.
#[derive(Debug, thiserror::Error)]
pub enum RotateError {
    /// The new key is the current key.
    #[error("the new master key is the key in use")]
    SameKey,
    /// A row's secret could not be opened with the old key (or re-sealed).
    #[error("provider connection {connection_id}: {source}")]
    Secrets {
        /// The row.
        connection_id: Uuid,
        /// Why (never the secret).
        #[source]
        source: SecretsError,
    },
    /// A database failure; the transaction was rolled back.
    #[error("database: {0}")]
    Database(#[from] DbErr),
}

/// Re-seals the secrets of every connection, sealed under `old` (or already under
/// `new`), under `new`, in one transaction with its audit row.
pub async fn rotate_key(
    db: &DatabaseConnection,
    old: &MasterKey,
    new: &MasterKey,
) -> Result<RotationReport, RotateError> {
    let keyring = Keyring::new(new).with_previous(old);
    if KeyId::of(old) == KeyId::of(new) {
        return Err(RotateError::SameKey);
    }
    let txn = db.begin().await?;
    let rows = Entity::find().all(&txn).await?;
    let mut previous_key_ids = BTreeSet::new();
    for row in &rows {
        let reseal = |field: &'static str, sealed: &[u8]| {
            keyring
                .reseal(&row.key_id, SealContext::new(row.id, field), sealed)
                .map_err(|source| RotateError::Secrets {
                    connection_id: row.id,
                    source,
                })
        };
        let optional = |field, sealed: &Option<Vec<u8>>| {
            sealed
                .as_deref()
                .map(|sealed| reseal(field, sealed))
                .transpose()
        };
        let mut update: ActiveModel = row.clone().into_active_model();
        update.api_key_sealed = Set(reseal(API_KEY, &row.api_key_sealed)?);
        update.api_secret_sealed = Set(optional(API_SECRET, &row.api_secret_sealed)?);
        update.webhook_secret_sealed = Set(optional(WEBHOOK_SECRET, &row.webhook_secret_sealed)?);
        update.key_id = Set(keyring.current_id().to_string());
        update.update(&txn).await?;
        previous_key_ids.insert(row.key_id.clone());
    }
    let key_id = keyring.current_id().clone();
    audit::record(
        &txn,
        AuditRecord {
            actor: ACTOR.to_owned(),
            action: "master_key.rotate",
            target_type: "MasterKey",
            target_id: Some(key_id.to_string()),
            before: Some(json!({ "keyIds": previous_key_ids })),
            after: Some(json!({ "keyId": key_id.as_str(), "connections": rows.len() })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(RotationReport {
        connections: rows.len(),
        previous_key_ids,
        key_id,
    })
}
