//! `provider_connections`: one configured POS account (credentials sealed at rest).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::PosKind;

/// A POS account Canopy syncs with.
///
/// Secrets are stored only sealed (AES-256-GCM: nonce ‖ ciphertext ‖ tag) under
/// the master key named by `key_id`; `api_key_hint` keeps the last four
/// characters for display.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "provider_connections")]
pub struct Model {
    /// Primary key (UUID v7).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Which POS this is.
    pub kind: PosKind,
    /// Display name chosen by the admin.
    pub name: String,
    /// The POS API's base URL.
    pub base_url: String,
    /// The API key, sealed.
    pub api_key_sealed: Vec<u8>,
    /// The last four characters of the API key, for display.
    pub api_key_hint: String,
    /// The API secret (OAuth client secret and the like), sealed.
    pub api_secret_sealed: Option<Vec<u8>>,
    /// The webhook signing secret, sealed.
    pub webhook_secret_sealed: Option<Vec<u8>>,
    /// Id of the master key that sealed this row's secrets (for key rotation).
    pub key_id: String,
    /// Vendor-specific settings (JSON object).
    pub settings: Json,
    /// Whether sync and order delivery run for this connection.
    pub enabled: bool,
    /// Seconds between incremental polls.
    pub poll_interval_secs: i32,
    /// Seconds between full reconciliations.
    pub full_sync_interval_secs: i32,
    /// Created.
    pub created_at: DateTimeUtc,
    /// Last changed.
    pub updated_at: DateTimeUtc,
}

/// Relations of a provider connection.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// Locations mapped to this connection.
    #[sea_orm(has_many = "super::location::Entity")]
    Location,
    /// Product references at this POS.
    #[sea_orm(has_many = "super::product_external_ref::Entity")]
    ProductExternalRef,
    /// Customer references at this POS.
    #[sea_orm(has_many = "super::customer_external_ref::Entity")]
    CustomerExternalRef,
    /// Sync cursors per stream.
    #[sea_orm(has_many = "super::sync_cursor::Entity")]
    SyncCursor,
}

impl Related<super::location::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Location.def()
    }
}

impl Related<super::product_external_ref::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ProductExternalRef.def()
    }
}

impl Related<super::customer_external_ref::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::CustomerExternalRef.def()
    }
}

impl Related<super::sync_cursor::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::SyncCursor.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
