//! `audit_log`: who changed what, when, with before and after (secrets masked).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One configuration change or admin action. Rows are only ever inserted.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    /// Primary key (UUID v7).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Who did it (the token's subject, or `system`).
    pub actor: String,
    /// What was done, e.g. `provider_connection.update`.
    pub action: String,
    /// The kind of thing acted on, e.g. `provider_connection`.
    pub target_type: String,
    /// The id of the thing acted on.
    pub target_id: Option<String>,
    /// State before (JSON, secrets masked).
    pub before: Option<Json>,
    /// State after (JSON, secrets masked).
    pub after: Option<Json>,
    /// When.
    pub at: DateTimeUtc,
}

/// The audit log has no foreign keys: it outlives what it records.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
