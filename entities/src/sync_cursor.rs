//! `sync_cursors`: how far each stream of each POS connection has been applied.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// The watermark of one sync stream (`catalog`, `stock`, `customers`,
/// `transactions`, `orders`, ...) of one connection. `(connection_id, stream)`
/// is unique. The cursor moves only after the batch it covers is committed.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "sync_cursors")]
pub struct Model {
    /// Primary key (UUID v7).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The POS connection.
    pub connection_id: Uuid,
    /// The stream's name.
    pub stream: String,
    /// An opaque vendor cursor (page token), when the vendor uses one.
    pub cursor: Option<String>,
    /// The high-water mark: the newest POS modification time applied.
    pub cursor_at: Option<DateTimeUtc>,
    /// When the last run started.
    pub last_run_at: Option<DateTimeUtc>,
    /// When a run last succeeded.
    pub last_success_at: Option<DateTimeUtc>,
    /// When the last full reconciliation succeeded.
    pub last_full_sync_at: Option<DateTimeUtc>,
    /// The last run's error, cleared on success (never contains secrets).
    pub last_error: Option<String>,
    /// Last changed.
    pub updated_at: DateTimeUtc,
}

/// Relations of a sync cursor.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The POS connection.
    #[sea_orm(
        belongs_to = "super::provider_connection::Entity",
        from = "Column::ConnectionId",
        to = "super::provider_connection::Column::Id",
        on_delete = "Cascade"
    )]
    ProviderConnection,
}

impl Related<super::provider_connection::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ProviderConnection.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
