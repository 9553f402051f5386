//! `sync_runs`: one row per sync run of a POS connection.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One sync run: when it started and finished, and the error that stopped it. A run
/// without `finished_at` is going, or its process died mid-run.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "sync_runs")]
pub struct Model {
    /// Primary key (UUID v7, so runs sort by start).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The POS connection.
    pub connection_id: Uuid,
    /// `poll` (incremental) or `reconcile` (full).
    pub mode: String,
    /// When it started.
    pub started_at: DateTimeUtc,
    /// When it ended.
    pub finished_at: Option<DateTimeUtc>,
    /// What stopped it, as `stream: error` (never secrets); `None` when it succeeded.
    pub error: Option<String>,
}

/// Relations of a sync run.
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
    /// What each endpoint read.
    #[sea_orm(has_many = "super::sync_run_endpoint::Entity")]
    Endpoints,
}

impl Related<super::provider_connection::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ProviderConnection.def()
    }
}

impl Related<super::sync_run_endpoint::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Endpoints.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
