//! A cached response as stored: a small header, the surrogate keys of what it contains,
//! then the JSON body exactly as first sent.
//!
//! Layout: format version (1 byte), when it was stored (Unix seconds, 8 bytes big-endian),
//! the schema's `max_age` (seconds, 4 bytes big-endian), the length of the keys (4 bytes
//! big-endian), the keys (space-separated), then the body. Decoding slices the keys and
//! the body out of the stored bytes without copying, so a hit serialises nothing.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::{BufMut, Bytes, BytesMut};

/// The layout version; entries of another version are ignored (read as misses).
const FORMAT: u8 = 2;
const HEADER_LEN: usize = 1 + 8 + 4 + 4;

/// A response body ready to send again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CachedResponse {
    /// The JSON body.
    pub body: Bytes,
    /// The surrogate keys of the products and locations it shows
    /// ([`crate::graphql::contained`]), space-separated.
    contained: Bytes,
    max_age: u32,
    stored_at: u64,
}

impl CachedResponse {
    /// A body stored now, showing what `contained` (space-separated keys) names, fresh for
    /// `max_age` seconds at HTTP caches.
    pub(super) fn new(body: Bytes, contained: &str, max_age: u32) -> Self {
        Self {
            body,
            contained: Bytes::copy_from_slice(contained.as_bytes()),
            max_age,
            stored_at: unix_now(),
        }
    }

    /// The bytes to store.
    pub(super) fn encode(&self) -> Bytes {
        // a few kilobytes at most (`contained::MOST` names); none if ever too long to say
        let (keys_len, keys) = match u32::try_from(self.contained.len()) {
            Ok(len) => (len, &self.contained[..]),
            Err(_) => (0, &[][..]),
        };
        let mut bytes = BytesMut::with_capacity(HEADER_LEN + keys.len() + self.body.len());
        bytes.put_u8(FORMAT);
        bytes.put_u64(self.stored_at);
        bytes.put_u32(self.max_age);
        bytes.put_u32(keys_len);
        bytes.put_slice(keys);
        bytes.put_slice(&self.body);
        bytes.freeze()
    }

    /// The entry in `bytes`, `None` when they are not an entry of this format.
    pub(super) fn decode(bytes: Bytes) -> Option<Self> {
        let header = bytes.get(..HEADER_LEN)?;
        let (format, rest) = header.split_first()?;
        if *format != FORMAT {
            return None;
        }
        let (stored_at, rest) = rest.split_at(8);
        let (max_age, keys_len) = rest.split_at(4);
        let keys_end =
            HEADER_LEN + usize::try_from(u32::from_be_bytes(keys_len.try_into().ok()?)).ok()?;
        std::str::from_utf8(bytes.get(HEADER_LEN..keys_end)?).ok()?;
        Some(Self {
            stored_at: u64::from_be_bytes(stored_at.try_into().ok()?),
            max_age: u32::from_be_bytes(max_age.try_into().ok()?),
            contained: bytes.slice(HEADER_LEN..keys_end),
            body: bytes.slice(keys_end..),
        })
    }

    /// The surrogate keys of what it shows, space-separated (checked UTF-8 by `decode`).
    pub fn contained(&self) -> &str {
        std::str::from_utf8(&self.contained).unwrap_or_default()
    }

    /// Seconds HTTP caches may still keep this response: the schema's `max_age` minus the
    /// entry's age.
    pub fn remaining_max_age(&self) -> u32 {
        let age = unix_now().saturating_sub(self.stored_at);
        self.max_age
            .saturating_sub(u32::try_from(age).unwrap_or(u32::MAX))
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_secs()
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::CachedResponse;

    #[test]
    fn round_trips_without_touching_the_body() {
        let contained = "product:1 location:2";
        let entry = CachedResponse::new(Bytes::from_static(br#"{"data":{"a":1}}"#), contained, 30);
        let decoded = CachedResponse::decode(entry.encode());
        assert_eq!(decoded.as_ref(), Some(&entry));
        assert!(decoded.is_some_and(|entry| (29..=30).contains(&entry.remaining_max_age())));
    }

    #[test]
    fn foreign_bytes_are_not_an_entry() {
        assert_eq!(CachedResponse::decode(Bytes::from_static(b"{}")), None);
        let mut other_format = CachedResponse::new(Bytes::new(), "", 1).encode().to_vec();
        other_format[0] = 0;
        assert_eq!(CachedResponse::decode(Bytes::from(other_format)), None);
    }
}
