//! Relay connections: `edges { node cursor }`, `pageInfo` and `totalCount`, read forward
//! with `first` and `after`.
//!
//! `first` defaults to [`DEFAULT_PAGE_SIZE`] and may not exceed the configured
//! `max_first`; `totalCount` runs its `COUNT(*)` only when the client selects it.

use std::sync::Arc;

use async_graphql::{
    Context, Object, OutputType,
    connection::{Connection, Edge},
};
use futures::future::BoxFuture;
use sea_orm::{DatabaseConnection, DbErr, FromQueryResult};

use super::cursor::{Cursor, CursorKey, decode_after};
use crate::{
    error::ApiError,
    graphql::app_state,
    services::{
        listing::{ListFilter, Listed, count_matching},
        paging::{Page, PageRequest},
    },
};

/// Rows per page when the client does not say (capped by the configured `max_first`).
pub const DEFAULT_PAGE_SIZE: u64 = 20;

/// A connection of `N` nodes paged by `K` positions, with `totalCount`.
pub type CanopyConnection<K, N> = Connection<Cursor<K>, N, TotalCount>;

/// The page a connection field's `first` and `after` arguments ask for.
pub fn page_request<K: CursorKey>(
    ctx: &Context<'_>,
    first: Option<i32>,
    after: Option<&str>,
) -> Result<PageRequest<K>, ApiError> {
    let max_first = app_state(ctx)?.config.limits.max_first;
    Ok(PageRequest {
        first: page_size(first, max_first)?,
        after: decode_after(after)?,
    })
}

/// `first`, checked against `0..=max_first`.
fn page_size(first: Option<i32>, max_first: usize) -> Result<u64, ApiError> {
    let max = u64::try_from(max_first).unwrap_or(u64::MAX);
    let Some(first) = first else {
        return Ok(DEFAULT_PAGE_SIZE.min(max));
    };
    u64::try_from(first)
        .ok()
        .filter(|first| *first <= max)
        .ok_or_else(|| {
            ApiError::bad_field(
                "first",
                format!("`first` must be between 0 and {max_first}, got {first}"),
            )
        })
}

/// Counts every row of a listing, across pages.
type Counter =
    Arc<dyn Fn(DatabaseConnection) -> BoxFuture<'static, Result<u64, DbErr>> + Send + Sync>;

/// The `totalCount` of a connection: the listing's count query, run on demand.
pub struct TotalCount {
    counter: Counter,
}

impl TotalCount {
    /// A total computed by `counter` when the client asks for it.
    pub fn new(
        counter: impl Fn(DatabaseConnection) -> BoxFuture<'static, Result<u64, DbErr>>
        + Send
        + Sync
        + 'static,
    ) -> Self {
        Self {
            counter: Arc::new(counter),
        }
    }

    /// The number of rows matching `filter`, counted when the client asks for it.
    pub fn matching<F>(filter: F) -> Self
    where
        F: ListFilter + Clone + Send + Sync + 'static,
        Listed<F>: FromQueryResult + Send + Sync,
    {
        Self::new(move |db| {
            let filter = filter.clone();
            Box::pin(async move { count_matching(&db, &filter).await })
        })
    }
}

#[Object]
impl TotalCount {
    /// How many nodes the whole list has, across all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> Result<u64, ApiError> {
        let db = app_state(ctx)?.db.clone();
        Ok((self.counter)(db).await?)
    }
}

/// The connection of one page of nodes, each with the cursor of its position.
pub fn connection<K, N>(
    page: Page<N>,
    request: &PageRequest<K>,
    total: TotalCount,
    position: impl Fn(&N) -> K,
) -> CanopyConnection<K, N>
where
    K: CursorKey,
    N: OutputType,
{
    let mut connection =
        Connection::with_additional_fields(request.after.is_some(), page.has_next_page, total);
    connection.edges = page
        .items
        .into_iter()
        .map(|node| Edge::new(Cursor(position(&node)), node))
        .collect();
    connection
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_defaults_and_is_capped() {
        assert_eq!(page_size(None, 100).ok(), Some(DEFAULT_PAGE_SIZE));
        assert_eq!(page_size(None, 5).ok(), Some(5));
        assert_eq!(page_size(Some(0), 100).ok(), Some(0));
        assert_eq!(page_size(Some(100), 100).ok(), Some(100));
        let over = page_size(Some(101), 100)
            .err()
            .map(|error| error.to_string());
        assert_eq!(
            over.as_deref(),
            Some("`first` must be between 0 and 100, got 101")
        );
        assert!(page_size(Some(-1), 100).is_err());
    }
}
