//! Keyset paging: a page request (`first` rows after a position) and the page it yields.
//!
//! Lists are read with `WHERE key > position ORDER BY key LIMIT first + 1`: the extra row
//! only says whether another page follows, so a page costs one statement however deep it
//! is, and concurrent inserts never shift rows between pages. [`read_page`] is that query
//! for any entity and any key (one column or several), so every list pages the same way.

use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, Order, QueryFilter, QueryOrder,
    QuerySelect, Select, Value,
};
use uuid::Uuid;

/// Up to `first` rows strictly after `after` (from the start when `None`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageRequest<K> {
    /// Most rows to return.
    pub first: u64,
    /// The position of the last row already seen.
    pub after: Option<K>,
}

impl<K> PageRequest<K> {
    /// The `LIMIT` to query: one more than asked, to learn whether a next page exists.
    pub const fn limit(&self) -> u64 {
        self.first.saturating_add(1)
    }

    /// The same request with its position converted, for example from a cursor key to
    /// the id it holds.
    pub fn map_after<T>(&self, convert: impl FnOnce(&K) -> T) -> PageRequest<T> {
        PageRequest {
            first: self.first,
            after: self.after.as_ref().map(convert),
        }
    }
}

/// One page of rows in list order.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    /// The rows of this page.
    pub items: Vec<T>,
    /// More rows follow the last one.
    pub has_next_page: bool,
}

impl<T> Page<T> {
    /// The same page with every row converted.
    pub fn map<U>(self, convert: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(convert).collect(),
            has_next_page: self.has_next_page,
        }
    }

    /// The page of `rows`, read with [`PageRequest::limit`]: drops the look-ahead row.
    pub fn from_rows<K>(mut rows: Vec<T>, request: &PageRequest<K>) -> Self {
        let first = usize::try_from(request.first).unwrap_or(usize::MAX);
        let has_next_page = rows.len() > first;
        rows.truncate(first);
        Self {
            items: rows,
            has_next_page,
        }
    }
}

/// Which way a list runs along its key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Smallest key first (oldest first for time-ordered ids).
    Ascending,
    /// Largest key first (newest first).
    Descending,
}

/// A position in a keyset list: the values of the list's key columns at one row, most
/// significant first.
pub trait KeysetPosition {
    /// One value per key column, in the key's order.
    fn values(&self) -> Vec<Value>;
}

impl KeysetPosition for Uuid {
    fn values(&self) -> Vec<Value> {
        vec![Value::from(*self)]
    }
}

/// One page of `select`, ordered by the key columns `keys` (most significant first; the
/// last unique, so the order is total) in `direction`, starting after `page.after`.
pub async fn read_page<E, P>(
    db: &impl ConnectionTrait,
    select: Select<E>,
    keys: &[E::Column],
    direction: Direction,
    page: &PageRequest<P>,
) -> Result<Page<E::Model>, DbErr>
where
    E: EntityTrait,
    P: KeysetPosition,
{
    let mut select = select;
    if let Some(after) = &page.after {
        select = select.filter(after_condition(keys, direction, &after.values()));
    }
    let order = match direction {
        Direction::Ascending => Order::Asc,
        Direction::Descending => Order::Desc,
    };
    for key in keys {
        select = select.order_by(*key, order.clone());
    }
    let rows = select.limit(page.limit()).all(db).await?;
    Ok(Page::from_rows(rows, page))
}

/// The rows past `values` along `keys`: `k0 > v0 OR (k0 = v0 AND k1 > v1) OR …` (`<` when
/// descending), the row comparison `(k0, k1, …) > (v0, v1, …)` spelled so that SQLite and
/// PostgreSQL both read it.
fn after_condition<C: ColumnTrait>(
    keys: &[C],
    direction: Direction,
    values: &[Value],
) -> Condition {
    let mut after = Condition::any();
    for (depth, (key, value)) in keys.iter().zip(values).enumerate() {
        let ties = keys
            .iter()
            .zip(values)
            .take(depth)
            .fold(Condition::all(), |ties, (tied, value)| {
                ties.add(tied.eq(value.clone()))
            });
        let beyond = match direction {
            Direction::Ascending => key.gt(value.clone()),
            Direction::Descending => key.lt(value.clone()),
        };
        after = after.add(ties.add(beyond));
    }
    after
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_look_ahead_row_marks_a_next_page_and_is_dropped() {
        let request = PageRequest::<u8> {
            first: 2,
            after: None,
        };
        assert_eq!(request.limit(), 3);
        let page = Page::from_rows(vec![1, 2, 3], &request);
        assert_eq!(page.items, vec![1, 2]);
        assert!(page.has_next_page);
        let last = Page::from_rows(vec![1, 2], &request);
        assert!(!last.has_next_page);
    }

    #[test]
    fn an_empty_request_returns_nothing_but_knows_what_follows() {
        let request = PageRequest::<u8> {
            first: 0,
            after: None,
        };
        let page = Page::from_rows(vec![1], &request);
        assert!(page.items.is_empty());
        assert!(page.has_next_page);
    }

    #[test]
    fn a_position_on_two_keys_breaks_ties_on_the_second() {
        use entities::purchase::{Column, Entity};
        use sea_orm::sea_query::{Query, SqliteQueryBuilder};

        let after = after_condition(
            &[Column::OccurredAt, Column::Id],
            Direction::Descending,
            &[Value::from(7), Value::from(9)],
        );
        let sql = Query::select()
            .column(Column::Id)
            .from(Entity)
            .cond_where(after)
            .to_string(SqliteQueryBuilder);
        assert!(
            sql.ends_with(
                r#"WHERE "purchases"."occurred_at" < 7 OR ("purchases"."occurred_at" = 7 AND "purchases"."id" < 9)"#
            ),
            "{sql}"
        );
    }
}
