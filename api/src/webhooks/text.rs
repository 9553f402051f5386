//! Text both databases can store. PostgreSQL's `text` and `jsonb` cannot hold U+0000
//! (SQLite can), so a NUL a POS sends in any string of a webhook would fail the insert
//! on one backend only, and the vendor would retry a 500 forever.
//!
//! Every NUL in a delivery's strings (and object keys) is replaced with U+FFFD, the
//! Unicode replacement character, before the delivery is stored. The JSON keeps its
//! shape and every other character, so the queue, the worker and the rows it writes
//! (customers named on carts, order statuses) see the same content on both databases.
//! Replacing rather than dropping keeps a value with a NUL distinct from the value
//! without it (an e-mail address must not come to match another customer's).

use serde_json::Value;

/// What a NUL becomes.
const REPLACEMENT: char = char::REPLACEMENT_CHARACTER;

/// `text` with every NUL replaced.
pub fn storable(text: &str) -> String {
    text.replace('\0', REPLACEMENT.encode_utf8(&mut [0; 4]))
}

/// Replaces every NUL in the strings and object keys of `value`, in place.
pub fn make_storable(value: &mut Value) {
    match value {
        Value::String(text) if text.contains('\0') => *text = storable(text),
        Value::Array(items) => items.iter_mut().for_each(make_storable),
        Value::Object(fields) if fields.keys().any(|key| key.contains('\0')) => {
            *fields = std::mem::take(fields)
                .into_iter()
                .map(|(key, mut field)| {
                    make_storable(&mut field);
                    (storable(&key), field)
                })
                .collect();
        }
        Value::Object(fields) => fields.values_mut().for_each(make_storable),
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn nul_becomes_the_replacement_character_everywhere() {
        let mut value = json!({"a\u{0}": ["x\u{0}y", {"k": "\u{0}"}], "n": 1, "s": "plain"});
        make_storable(&mut value);
        assert_eq!(
            value,
            json!({"a\u{fffd}": ["x\u{fffd}y", {"k": "\u{fffd}"}], "n": 1, "s": "plain"})
        );
        assert!(!value.to_string().contains("\\u0000"));
    }
}
