//! Facts about the running API itself.

use async_graphql::Object;

/// Queries about the API rather than the store.
#[derive(Default)]
pub struct SystemQuery;

#[Object]
impl SystemQuery {
    /// The version of the Canopy server answering.
    async fn api_version(&self) -> &'static str {
        env!("CARGO_PKG_VERSION")
    }
}
