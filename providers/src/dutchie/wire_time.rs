//! Dutchie's date-time fields on the wire.
//!
//! The OpenAPI document types them `date-time`, but the API (a .NET service)
//! also sends times without an offset (`2024-05-01T12:30:00` or with
//! fractional seconds). Assumption: a naive time is UTC, not the store's local
//! time — every time field Canopy reads is named or documented as UTC
//! (`lastModifiedDateUTC`, `transactionDate` filtered by `FromDateUTC`), and dates
//! of birth and card expiries keep their calendar date either way. Reading
//! accepts both; writing always produces RFC 3339 with a `Z`.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::{Deserializer, Serializer};

/// Parses a Dutchie time: RFC 3339, or a naive date-time taken as UTC, or a bare date at midnight UTC.
pub(crate) fn parse(raw: &str) -> Option<DateTime<Utc>> {
    crate::lenient::parse_time(raw)
}

/// Formats a time as Dutchie accepts it in queries and bodies.
pub(crate) fn format(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A date (of birth, card expiry) as a Dutchie `date-time` at midnight UTC.
pub(crate) fn from_date(d: NaiveDate) -> DateTime<Utc> {
    d.and_time(chrono::NaiveTime::MIN).and_utc()
}

/// `serde(with = …)` for a nullable Dutchie time.
pub(crate) mod opt {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(
        value: &Option<DateTime<Utc>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(t) => serializer.serialize_str(&format(t)),
            None => serializer.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<DateTime<Utc>>, D::Error> {
        crate::lenient::opt_time::deserialize(deserializer)
    }
}

/// `serde(with = …)` for a non-nullable Dutchie time.
pub(crate) mod required {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(
        value: &DateTime<Utc>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format(value))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<DateTime<Utc>, D::Error> {
        crate::lenient::time::deserialize(deserializer)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn reads_offset_naive_and_fractional_times() {
        let z = parse("2024-05-01T12:30:00Z").unwrap();
        assert_eq!(parse("2024-05-01T12:30:00").unwrap(), z);
        assert_eq!(parse("2024-05-01T14:30:00+02:00").unwrap(), z);
        assert_eq!(
            parse("2024-05-01T12:30:00.250").unwrap().timestamp_millis(),
            z.timestamp_millis() + 250
        );
        assert_eq!(
            parse("2024-05-01").unwrap().to_rfc3339(),
            "2024-05-01T00:00:00+00:00"
        );
        assert!(parse("yesterday").is_none());
    }

    #[test]
    fn writes_rfc3339_utc() {
        let t = parse("2024-05-01T12:30:00.5").unwrap();
        assert_eq!(format(&t), "2024-05-01T12:30:00.500Z");
    }
}
