//! Readers for loosely typed wire fields, shared by the adapters: ids arrive as
//! numbers (integer or integral decimal, `5` or `5.0`) or strings, amounts as
//! numbers or decimal strings, and `null` in an optional field is an absent value.
//! Output is canonical (ids as strings or `i32`, amounts as finite `f64`).
//!
//! Error messages name the kind of fault, never the value read: the field name is
//! added by [`crate::record`], and the whole reason may be shown to operators.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer, de::Error};

#[derive(Deserialize)]
#[serde(untagged)]
enum Scalar {
    Int(i64),
    Float(f64),
    Text(String),
}

/// An integral decimal as an integer (`5.0` is `5`), `None` for a fraction or out of range.
fn integral(f: f64) -> Option<i64> {
    (f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15).then_some(f as i64)
}

fn scalar_to_id<E: Error>(value: Scalar) -> Result<String, E> {
    match value {
        Scalar::Int(n) => Ok(n.to_string()),
        Scalar::Float(f) => integral(f)
            .map(|n| n.to_string())
            .ok_or_else(|| E::custom("id is not an integer")),
        Scalar::Text(s) if !s.trim().is_empty() => Ok(s),
        Scalar::Text(_) => Err(E::custom("empty id")),
    }
}

fn scalar_to_i32<E: Error>(value: Scalar) -> Result<i32, E> {
    let n = match value {
        Scalar::Int(n) => n,
        Scalar::Float(f) => integral(f).ok_or_else(|| E::custom("not an integer"))?,
        Scalar::Text(s) => s
            .trim()
            .parse::<i64>()
            .map_err(|_| E::custom("not an integer"))?,
    };
    i32::try_from(n).map_err(|_| E::custom("integer out of range"))
}

fn scalar_to_amount<E: Error>(value: Scalar) -> Result<f64, E> {
    let amount = match value {
        Scalar::Int(n) => n as f64,
        Scalar::Float(f) => f,
        Scalar::Text(s) => s
            .trim()
            .parse::<f64>()
            .map_err(|_| E::custom("not a number"))?,
    };
    if amount.is_finite() {
        Ok(amount)
    } else {
        Err(E::custom("amount is not finite"))
    }
}

fn serialize_opt<S: Serializer, T: serde::Serialize>(
    value: &Option<T>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => s.serialize_some(v),
        None => s.serialize_none(),
    }
}

/// A required id, as a string.
pub(crate) mod id {
    use super::*;

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        scalar_to_id(Scalar::deserialize(d)?)
    }

    pub(crate) fn serialize<S: Serializer>(value: &str, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(value)
    }
}

/// An optional id, as a string; `null` reads as `None`.
pub(crate) mod opt_id {
    use super::*;

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        Option::<Scalar>::deserialize(d)?
            .map(scalar_to_id)
            .transpose()
    }

    pub(crate) fn serialize<S: Serializer>(
        value: &Option<String>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        serialize_opt(value, s)
    }
}

/// A required 32-bit integer (an `int32` id): `5`, `5.0` or `"5"`.
pub(crate) mod int {
    use super::*;

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i32, D::Error> {
        scalar_to_i32(Scalar::deserialize(d)?)
    }

    pub(crate) fn serialize<S: Serializer>(value: &i32, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i32(*value)
    }
}

/// An optional 32-bit integer; `null` reads as `None`.
pub(crate) mod opt_int {
    use super::*;

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i32>, D::Error> {
        Option::<Scalar>::deserialize(d)?
            .map(scalar_to_i32)
            .transpose()
    }

    pub(crate) fn serialize<S: Serializer>(value: &Option<i32>, s: S) -> Result<S::Ok, S::Error> {
        serialize_opt(value, s)
    }
}

/// A count of units: an integer, or a decimal taken down to whole units (a
/// fraction of a unit cannot be sold).
pub(crate) mod count {
    use super::*;

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        let units = scalar_to_amount(Scalar::deserialize(d)?)?.floor();
        if units.abs() < 9.0e15 {
            Ok(units as i64)
        } else {
            Err(D::Error::custom("count out of range"))
        }
    }

    pub(crate) fn serialize<S: Serializer>(value: &i64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(*value)
    }
}

/// Parses a time: RFC 3339, or a naive date-time (`T` or space separated, with or
/// without fractional seconds) taken as UTC, or a bare date at midnight UTC. Which
/// zone a naive time is in is the vendor's call; each vendor module that reads one
/// says why UTC is right for it.
pub(crate) fn parse_time(raw: &str) -> Option<DateTime<Utc>> {
    let raw = raw.trim();
    // chrono's own reading of RFC 3339 (it also takes unpadded fields and a space for `T`).
    if let Ok(t) = raw.parse::<DateTime<Utc>>() {
        return Some(t);
    }
    for layout in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(raw, layout) {
            return Some(t.and_utc());
        }
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

/// A required time (see [`parse_time`]), written as RFC 3339.
pub(crate) mod time {
    use super::*;

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        parse_time(&String::deserialize(d)?).ok_or_else(|| D::Error::custom("invalid date-time"))
    }

    pub(crate) fn serialize<S: Serializer>(value: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        value.serialize(s)
    }
}

/// An optional time; `null` or blank reads as `None`.
pub(crate) mod opt_time {
    use super::*;

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<DateTime<Utc>>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(raw) if raw.trim().is_empty() => Ok(None),
            Some(raw) => parse_time(&raw)
                .map(Some)
                .ok_or_else(|| D::Error::custom("invalid date-time")),
        }
    }

    pub(crate) fn serialize<S: Serializer>(
        value: &Option<DateTime<Utc>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        serialize_opt(value, s)
    }
}

/// A required amount.
pub(crate) mod amount {
    use super::*;

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        scalar_to_amount(Scalar::deserialize(d)?)
    }

    pub(crate) fn serialize<S: Serializer>(value: &f64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(*value)
    }
}

/// An optional amount; `null` reads as `None`.
pub(crate) mod opt_amount {
    use super::*;

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        Option::<Scalar>::deserialize(d)?
            .map(scalar_to_amount)
            .transpose()
    }

    pub(crate) fn serialize<S: Serializer>(value: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
        serialize_opt(value, s)
    }
}

/// An optional list; `null` reads as empty.
pub(crate) mod list {
    use super::*;

    pub(crate) fn deserialize<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        d: D,
    ) -> Result<Vec<T>, D::Error> {
        Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
    }

    pub(crate) fn serialize<S: Serializer, T: Serialize>(
        value: &[T],
        s: S,
    ) -> Result<S::Ok, S::Error> {
        value.serialize(s)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    struct W {
        #[serde(with = "super::int")]
        n: i32,
        #[serde(default, with = "super::opt_id")]
        id: Option<String>,
        #[serde(default, with = "super::opt_amount")]
        a: Option<f64>,
    }

    fn read(v: serde_json::Value) -> Result<W, String> {
        serde_json::from_value(v).map_err(|e| e.to_string())
    }

    #[test]
    fn integers_decimals_strings_and_nulls() {
        let w = read(serde_json::json!({"n": 5.0, "id": 7.0, "a": "2.5"})).unwrap();
        assert_eq!((w.n, w.id.as_deref(), w.a), (5, Some("7"), Some(2.5)));
        let w = read(serde_json::json!({"n": "12", "id": null, "a": null})).unwrap();
        assert_eq!((w.n, w.id, w.a), (12, None, None));
        let fraction = read(serde_json::json!({"n": 5.5})).unwrap_err();
        assert!(fraction.contains("not an integer"), "{fraction}");
        let big = read(serde_json::json!({"n": 3_000_000_000_i64})).unwrap_err();
        assert!(big.contains("out of range"), "{big}");
        let secret = read(serde_json::json!({"n": 1, "a": "my-secret"})).unwrap_err();
        assert!(!secret.contains("my-secret"), "{secret}");
    }
}
