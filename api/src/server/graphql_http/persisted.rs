//! Persisted queries over GET and POST, by the server's mode
//! (`CANOPY_PERSISTED_QUERIES`):
//! - `apq` (Apollo's automatic persisted queries): a client sends
//!   `extensions.persistedQuery.sha256Hash` (version 1) instead of the document; a hash
//!   Canopy has not seen is answered `PERSISTED_QUERY_NOT_FOUND`, and the client sends the
//!   document once with its hash, which Canopy checks and keeps in the shared cache, so
//!   every replica knows it from then on.
//! - `safelist`: a hash names a registered document ([`crate::operations`]); one nobody
//!   registered is `PERSISTED_QUERY_NOT_IN_LIST`, and a document sent in full must be
//!   registered too (checked by [`crate::operations::Safelist::permit`]).
//! - `off`: the extension is refused with `PERSISTED_QUERY_NOT_SUPPORTED` (Apollo clients
//!   then send documents).
//!
//! A document sent with a hash that does not match it is `BAD_USER_INPUT`. A resolved
//! request runs as if the document had been sent (the same limits, the same response
//! cache entry).

use std::time::Duration;

use async_graphql::{Request, Value};
use bytes::Bytes;

use crate::{
    cache::SharedCache,
    config::PersistedQueries,
    error::ApiError,
    operations::{self, Safelist},
};

/// The request extension naming a persisted query.
const EXTENSION: &str = "persistedQuery";
/// How long an automatically persisted document is kept after it was last sent in full.
const KEEP: Duration = Duration::from_secs(7 * 24 * 3600);

/// Replaces a persisted-query reference in `request` by its document: looked up by hash
/// (in the shared cache, or among the registered documents in safelist mode) when the
/// request has no document, checked against the hash when it has one. Requests without
/// the extension are left as they are.
pub(super) async fn resolve(
    safelist: &Safelist,
    cache: &SharedCache,
    request: &mut Request,
) -> Result<(), ApiError> {
    let Some(extension) = request.extensions.0.remove(EXTENSION) else {
        return Ok(());
    };
    let mode = safelist.mode();
    if mode == PersistedQueries::Off {
        return Err(ApiError::PersistedQueryNotSupported);
    }
    let hash = requested_hash(&extension)?;
    let key = format!("apq:{hash}");
    if request.query.is_empty() {
        request.query = match mode {
            PersistedQueries::Safelist => safelist
                .document(&hash)
                .await?
                .ok_or(ApiError::PersistedQueryNotInList)?
                .to_string(),
            _ => cache
                .get(&key)
                .await
                .ok()
                .flatten()
                .and_then(|bytes| String::from_utf8(bytes.to_vec()).ok())
                .ok_or(ApiError::PersistedQueryNotFound)?,
        };
        return Ok(());
    }
    if hash != operations::hash(&request.query) {
        return Err(ApiError::bad_field(
            "extensions.persistedQuery.sha256Hash",
            "the hash does not match the query's SHA-256",
        ));
    }
    // in safelist mode only registration makes a document known
    if mode == PersistedQueries::Apq
        && let Err(error) = cache
            .set(&key, Bytes::from(request.query.clone()), KEEP)
            .await
    {
        // a cache that cannot keep it costs the client one more round trip, nothing else
        tracing::debug!(%error, "persisted query not kept");
    }
    Ok(())
}

/// The lowercase hex SHA-256 the extension names (version 1 only).
fn requested_hash(extension: &Value) -> Result<String, ApiError> {
    let field = |name: &str| match extension {
        Value::Object(fields) => fields.get(name).cloned(),
        _ => None,
    };
    let invalid = |message: &str| ApiError::bad_field("extensions.persistedQuery", message);
    match field("version") {
        Some(Value::Number(version)) if version.as_i64() == Some(1) => {}
        _ => return Err(invalid("only version 1 of persisted queries is supported")),
    }
    match field("sha256Hash") {
        Some(Value::String(hash))
            if hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()) =>
        {
            Ok(hash.to_ascii_lowercase())
        }
        _ => Err(invalid("`sha256Hash` must be 64 hexadecimal digits")),
    }
}

/// Whether `extensions` reference a persisted query (a request may then omit `query`).
pub(super) fn is_referenced(
    extensions: Option<&serde_json::Map<String, serde_json::Value>>,
) -> bool {
    extensions.is_some_and(|extensions| extensions.contains_key(EXTENSION))
}
