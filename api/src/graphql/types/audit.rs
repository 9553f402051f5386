//! `AuditEntry`: one configuration change or admin action.

use async_graphql::{ID, Json, Object};
use chrono::{DateTime, Utc};
use entities::audit_log::Model;

use super::{cursor::IdList, ids::to_id};

/// Who did what, when, with the state before and after (secrets masked).
pub struct AuditEntry(pub Model);

impl IdList for AuditEntry {
    const KIND: &'static str = "audit";
}

#[Object]
impl AuditEntry {
    /// The entry's id.
    async fn id(&self) -> ID {
        to_id(self.0.id)
    }

    /// Who acted: the token subject, or `cli:…` for operator commands.
    async fn actor(&self) -> &str {
        &self.0.actor
    }

    /// What was done, for example `provider_connection.update`.
    async fn action(&self) -> &str {
        &self.0.action
    }

    /// The kind of object acted on, for example `ProviderConnection`.
    async fn target_type(&self) -> &str {
        &self.0.target_type
    }

    /// The object's id.
    async fn target_id(&self) -> Option<&str> {
        self.0.target_id.as_deref()
    }

    /// Its state before, secrets masked.
    async fn before(&self) -> Option<Json<&serde_json::Value>> {
        self.0.before.as_ref().map(Json)
    }

    /// Its state after (or the action's outcome), secrets masked.
    async fn after(&self) -> Option<Json<&serde_json::Value>> {
        self.0.after.as_ref().map(Json)
    }

    /// When.
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
}
