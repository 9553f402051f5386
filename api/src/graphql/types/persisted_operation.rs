//! `PersistedOperation`: a document registered for the safelist.

use async_graphql::Object;
use chrono::{DateTime, Utc};
use entities::persisted_operation::Model;

use crate::operations;

/// A registered document: in `safelist` mode only these run (for all but admins), sent
/// in full or named by `hash` (`extensions.persistedQuery.sha256Hash`).
pub struct PersistedOperation(pub Model);

#[Object]
impl PersistedOperation {
    /// The lowercase hex SHA-256 of `document`.
    async fn hash(&self) -> &str {
        &self.0.hash
    }

    /// The names of its operations (anonymous operations have none).
    async fn operation_names(&self) -> Vec<String> {
        operations::operation_names(&self.0)
    }

    /// The document, exactly as registered.
    async fn document(&self) -> &str {
        &self.0.document
    }

    /// Who registered it: `cli`, or an admin's token subject.
    async fn registered_by(&self) -> &str {
        &self.0.registered_by
    }

    /// When it was registered.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}
