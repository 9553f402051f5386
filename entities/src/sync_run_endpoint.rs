//! `sync_run_endpoints`: what one endpoint (stream) of one sync run read, applied and
//! rejected.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One endpoint of one run. `read` counts the records the adapter returned plus those
/// it kept apart; `applied` those Canopy used; `rejected` those kept apart by the
/// adapter or by Canopy's own checks (`read = applied + rejected`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "sync_run_endpoints")]
pub struct Model {
    /// Primary key (UUID v7).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The run.
    pub run_id: Uuid,
    /// The stream's name (`locations`, `catalog`, `stock`, `customers`, `transactions`).
    pub endpoint: String,
    /// Records read.
    pub read: i64,
    /// Records applied.
    pub applied: i64,
    /// Records rejected.
    pub rejected: i64,
    /// Whether the run meant to read this endpoint but stopped before it.
    pub skipped: bool,
    /// The distinct rejection reasons (a JSON array of strings): field names and kinds
    /// of fault, never field values.
    pub reasons: Json,
}

/// Relations of a run endpoint.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The run.
    #[sea_orm(
        belongs_to = "super::sync_run::Entity",
        from = "Column::RunId",
        to = "super::sync_run::Column::Id",
        on_delete = "Cascade"
    )]
    Run,
}

impl Related<super::sync_run::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Run.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
