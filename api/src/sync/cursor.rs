//! Sync cursors: per connection and stream, how far the POS data has been applied, and
//! how the last run went. A cursor moves only inside the transaction that applied the
//! data it covers; a failure records its error and leaves the cursor where it was.

use chrono::{DateTime, Utc};
use entities::sync_cursor::{self, Column, Entity, Model};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    IntoActiveModel, QueryFilter,
};
use uuid::Uuid;

/// The streams of POS data, in the order a run applies them (later ones refer to
/// earlier ones: stock to products and locations, purchases to customers).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Stream {
    /// Stores (full runs only).
    Locations,
    /// Products.
    Catalog,
    /// Stock counts.
    Stock,
    /// Customer profiles.
    Customers,
    /// Sales, returns and voids.
    Transactions,
}

impl Stream {
    /// Every stream, in application order.
    pub const ALL: [Stream; 5] = [
        Stream::Locations,
        Stream::Catalog,
        Stream::Stock,
        Stream::Customers,
        Stream::Transactions,
    ];

    /// The name stored in `sync_cursors.stream`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Stream::Locations => "locations",
            Stream::Catalog => "catalog",
            Stream::Stock => "stock",
            Stream::Customers => "customers",
            Stream::Transactions => "transactions",
        }
    }
}

/// The cursor of `stream` on `connection_id`, if it ever ran.
pub async fn load(
    db: &impl ConnectionTrait,
    connection_id: Uuid,
    stream: Stream,
) -> Result<Option<Model>, DbErr> {
    Entity::find()
        .filter(Column::ConnectionId.eq(connection_id))
        .filter(Column::Stream.eq(stream.as_str()))
        .one(db)
        .await
}

/// Every cursor of `connection_id`.
pub async fn all(db: &impl ConnectionTrait, connection_id: Uuid) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::ConnectionId.eq(connection_id))
        .all(db)
        .await
}

/// Records a successful run of `stream` (call inside the transaction that applied its
/// data): the high-water mark moves to `mark` (never backwards), the error clears.
pub async fn advance(
    db: &impl ConnectionTrait,
    connection_id: Uuid,
    stream: Stream,
    mark: Option<DateTime<Utc>>,
    full: bool,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let existing = load(db, connection_id, stream).await?;
    let cursor_at = match (existing.as_ref().and_then(|c| c.cursor_at), mark) {
        (Some(old), Some(new)) => Some(old.max(new)),
        (old, new) => new.or(old),
    };
    let last_full = if full {
        Some(now)
    } else {
        existing.as_ref().and_then(|c| c.last_full_sync_at)
    };
    let (mut row, new) = active(existing, connection_id, stream, now);
    row.cursor_at = Set(cursor_at);
    row.last_run_at = Set(Some(now));
    row.last_success_at = Set(Some(now));
    row.last_full_sync_at = Set(last_full);
    row.last_error = Set(None);
    store(db, row, new).await
}

/// Records a failed run of `stream`; the cursor stays where it was.
pub async fn fail(
    db: &impl ConnectionTrait,
    connection_id: Uuid,
    stream: Stream,
    error: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let existing = load(db, connection_id, stream).await?;
    let (mut row, new) = active(existing, connection_id, stream, now);
    row.last_run_at = Set(Some(now));
    row.last_error = Set(Some(error.to_owned()));
    store(db, row, new).await
}

async fn store(
    db: &impl ConnectionTrait,
    row: sync_cursor::ActiveModel,
    new: bool,
) -> Result<(), DbErr> {
    if new {
        row.insert(db).await.map(|_| ())
    } else {
        row.update(db).await.map(|_| ())
    }
}

/// The existing row to update (`false`), or a new one to insert (`true`), stamped `now`.
fn active(
    existing: Option<Model>,
    connection_id: Uuid,
    stream: Stream,
    now: DateTime<Utc>,
) -> (sync_cursor::ActiveModel, bool) {
    let (mut row, new) = match existing {
        Some(model) => (model.into_active_model(), false),
        None => (
            sync_cursor::ActiveModel {
                id: Set(Uuid::now_v7()),
                connection_id: Set(connection_id),
                stream: Set(stream.as_str().to_owned()),
                cursor: Set(None),
                cursor_at: Set(None),
                last_run_at: Set(None),
                last_success_at: Set(None),
                last_full_sync_at: Set(None),
                last_error: Set(None),
                updated_at: Set(now),
            },
            true,
        ),
    };
    row.updated_at = Set(now);
    (row, new)
}
