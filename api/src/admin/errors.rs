//! Turning lower layers' errors into client-facing [`ApiError`]s.

use crate::{connections::ConnectionError, error::ApiError};

/// The client-facing error of a connection store failure: a missing row is
/// `NOT_FOUND`, anything else is ours (`INTERNAL`, cause logged, never shown).
pub(super) fn from_connection(error: ConnectionError) -> ApiError {
    match error {
        ConnectionError::NotFound(id) => not_found(id),
        ConnectionError::Database(error) => ApiError::Database(error),
        other => ApiError::internal(other),
    }
}

/// `NOT_FOUND` for provider connection `id`.
pub(super) fn not_found(id: uuid::Uuid) -> ApiError {
    ApiError::NotFound {
        entity: "ProviderConnection",
        id: id.to_string(),
    }
}
