//! Opaque cursors: base64url of `<list kind>:<keyset position>`.
//!
//! The kind makes a cursor valid for one list only (a product cursor is refused by the
//! customer list), and the position is what the service's keyset query needs: an id, or
//! a time and an id. Clients must treat cursors as opaque; anything that does not decode
//! to the expected kind is `BAD_USER_INPUT`.

use std::marker::PhantomData;

use async_graphql::connection::CursorType;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, SecondsFormat, Utc};
use uuid::Uuid;

use crate::{error::ApiError, services::customers::PurchasePosition};

/// A keyset position that can travel inside a cursor.
pub trait CursorKey: Sized + Send + Sync {
    /// The list the position belongs to, for example `product`.
    const KIND: &'static str;
    /// The position as text (without the kind).
    fn write(&self) -> String;
    /// The position written by [`CursorKey::write`], or `None`.
    fn read(text: &str) -> Option<Self>;
}

/// A list ordered by id.
pub trait IdList: Send + Sync {
    /// The list's kind, written in its cursors.
    const KIND: &'static str;
}

/// The id of the last row seen in the list `L`.
pub struct IdKey<L> {
    /// The row id.
    pub id: Uuid,
    list: PhantomData<fn() -> L>,
}

impl<L> IdKey<L> {
    /// The position of the row `id`.
    pub const fn new(id: Uuid) -> Self {
        Self {
            id,
            list: PhantomData,
        }
    }
}

impl<L: IdList> CursorKey for IdKey<L> {
    const KIND: &'static str = L::KIND;

    fn write(&self) -> String {
        self.id.to_string()
    }

    fn read(text: &str) -> Option<Self> {
        Uuid::try_parse(text).ok().map(Self::new)
    }
}

impl CursorKey for PurchasePosition {
    const KIND: &'static str = "purchase";

    fn write(&self) -> String {
        format!(
            "{}|{}",
            self.occurred_at.to_rfc3339_opts(SecondsFormat::Nanos, true),
            self.id
        )
    }

    fn read(text: &str) -> Option<Self> {
        let (at, id) = text.split_once('|')?;
        Some(Self {
            occurred_at: DateTime::parse_from_rfc3339(at).ok()?.with_timezone(&Utc),
            id: Uuid::try_parse(id).ok()?,
        })
    }
}

/// A cursor carrying the position `K`.
pub struct Cursor<K>(pub K);

/// A cursor that is not one of ours, or not for this list.
#[derive(Debug, thiserror::Error)]
#[error("malformed cursor")]
pub struct CursorError;

impl<K: CursorKey> CursorType for Cursor<K> {
    type Error = CursorError;

    fn decode_cursor(encoded: &str) -> Result<Self, CursorError> {
        let bytes = URL_SAFE_NO_PAD.decode(encoded).map_err(|_| CursorError)?;
        let text = String::from_utf8(bytes).map_err(|_| CursorError)?;
        let (kind, position) = text.split_once(':').ok_or(CursorError)?;
        if kind != K::KIND {
            return Err(CursorError);
        }
        K::read(position).map(Self).ok_or(CursorError)
    }

    fn encode_cursor(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{}:{}", K::KIND, self.0.write()))
    }
}

/// The position an `after` argument names; a malformed cursor is `BAD_USER_INPUT`.
pub fn decode_after<K: CursorKey>(after: Option<&str>) -> Result<Option<K>, ApiError> {
    after
        .map(|cursor| {
            Cursor::<K>::decode_cursor(cursor)
                .map(|Cursor(key)| key)
                .map_err(|_| {
                    ApiError::bad_field(
                        "after",
                        "`after` is not a cursor of this list; pass an `edges.cursor` or \
                         `pageInfo.endCursor` value from the previous page",
                    )
                })
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Things;
    impl IdList for Things {
        const KIND: &'static str = "thing";
    }
    struct Others;
    impl IdList for Others {
        const KIND: &'static str = "other";
    }

    #[test]
    fn cursors_round_trip_for_their_own_list_only() {
        let id = Uuid::now_v7();
        let cursor = Cursor(IdKey::<Things>::new(id)).encode_cursor();
        let decoded = decode_after::<IdKey<Things>>(Some(&cursor));
        assert_eq!(decoded.ok().flatten().map(|key| key.id), Some(id));
        assert!(decode_after::<IdKey<Others>>(Some(&cursor)).is_err());
        assert!(decode_after::<IdKey<Things>>(Some("not a cursor")).is_err());
        assert!(decode_after::<IdKey<Things>>(None).is_ok_and(|key| key.is_none()));
    }

    #[test]
    fn purchase_positions_keep_nanoseconds() {
        let position = PurchasePosition {
            occurred_at: DateTime::from_timestamp(1_700_000_000, 123_456_789).unwrap_or_default(),
            id: Uuid::now_v7(),
        };
        let cursor = Cursor(position).encode_cursor();
        let decoded = decode_after::<PurchasePosition>(Some(&cursor));
        assert_eq!(decoded.ok().flatten(), Some(position));
    }
}
