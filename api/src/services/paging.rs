//! Keyset paging: a page request (`first` rows after a position) and the page it yields.
//!
//! Lists are read with `WHERE key > position ORDER BY key LIMIT first + 1`: the extra row
//! only says whether another page follows, so a page costs one statement however deep it
//! is, and concurrent inserts never shift rows between pages.

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
}
