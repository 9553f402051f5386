//! Treez's times, `yyyy-MM-ddTHH:mm:ss.SSSXXX` [doc]: read leniently (any form
//! `crate::lenient` reads), written in Treez's own form, so the simulator's answers
//! look like Treez's and the adapter's reads survive variations.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serializer, de::Error};

/// A time as Treez writes it.
pub(crate) fn format(at: &DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string()
}

/// A time in exactly Treez's form; anything else is refused (`INVALID_DATE_FORMAT`).
pub(crate) fn parse_strict(raw: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S%.3f%:z")
        .ok()
        .filter(|_| raw.len() == "2026-07-14T10:55:58.000-07:00".len())
        .map(|t| t.with_timezone(&Utc))
}

/// A required time.
pub(crate) mod required {
    use super::*;

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        crate::lenient::parse_time(&String::deserialize(d)?)
            .ok_or_else(|| D::Error::custom("invalid date-time"))
    }

    pub(crate) fn serialize<S: Serializer>(value: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format(value))
    }
}

/// An optional time; `null` or blank reads as `None`.
pub(crate) mod optional {
    use super::*;

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<DateTime<Utc>>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(raw) if raw.trim().is_empty() => Ok(None),
            Some(raw) => crate::lenient::parse_time(&raw)
                .map(Some)
                .ok_or_else(|| D::Error::custom("invalid date-time")),
        }
    }

    pub(crate) fn serialize<S: Serializer>(
        value: &Option<DateTime<Utc>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(at) => s.serialize_str(&format(at)),
            None => s.serialize_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_treez_form_passes_the_strict_reader() {
        assert!(parse_strict("2026-07-14T10:55:58.000-07:00").is_some());
        assert!(parse_strict("2026-07-14T10:55:58-07:00").is_none());
        assert!(parse_strict("2026-07-14T10:55:58.000Z").is_none());
        assert!(parse_strict("2026-07-14").is_none());
        let at = parse_strict("2026-07-14T10:55:58.123-07:00").unwrap_or_default();
        assert_eq!(format(&at), "2026-07-14T17:55:58.123+00:00");
    }
}
