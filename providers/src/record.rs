//! Reads one wire record as its vendor type, with a reason fit for operators when it
//! cannot: the field at fault and the kind of fault (missing, wrong type, invalid
//! value), never the value itself, since records carry personal data and reasons are
//! shown on the admin page and in alerts.

use serde::de::DeserializeOwned;
use serde_json::Value;

/// `value` as `W`, or why not: e.g. "missing field `quantityAvailable`" or
/// "wrong type in `recPrice` (expected f64)".
pub(crate) fn read<W: DeserializeOwned>(value: Value) -> Result<W, String> {
    serde_path_to_error::deserialize(value).map_err(|e| reason(&e.path().to_string(), e.inner()))
}

/// A value-free reason for `error` at `path` (`.` for the record itself).
fn reason(path: &str, error: &serde_json::Error) -> String {
    let message = error.to_string();
    let at = |fault: &str| match path {
        "." | "" => format!("{fault} in the record"),
        path => format!("{fault} in `{path}`"),
    };
    if let Some(rest) = message.strip_prefix("missing field ") {
        return match path {
            "." | "" => format!("missing field {rest}"),
            parent => format!("missing field `{parent}.{}", rest.trim_start_matches('`')),
        };
    }
    // serde's wording: "invalid type: <what was found>, expected <what was wanted>"; the
    // found part may quote the value, the expected part never does.
    let expected = message
        .rsplit_once(", expected ")
        .map(|(_, wanted)| format!(" (expected {wanted})"))
        .unwrap_or_default();
    if message.starts_with("invalid type") || message.starts_with("data did not match") {
        return at("wrong type") + &expected;
    }
    if message.starts_with("invalid value") || message.starts_with("unknown variant") {
        return at("invalid value") + &expected;
    }
    if message.starts_with("invalid length") {
        return at("wrong length") + &expected;
    }
    // The crate's own readers (`lenient`, wire times) word their faults without values.
    at(&message)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Line {
        #[allow(dead_code)]
        product_id: i32,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Rec {
        #[allow(dead_code)]
        quantity_available: f64,
        #[allow(dead_code)]
        #[serde(default)]
        name: Option<String>,
        #[allow(dead_code)]
        #[serde(default)]
        items: Vec<Line>,
    }

    fn why(v: serde_json::Value) -> String {
        super::read::<Rec>(v).unwrap_err()
    }

    #[test]
    fn reasons_name_the_field_and_the_fault_never_the_value() {
        assert_eq!(why(json!({})), "missing field `quantityAvailable`");
        assert_eq!(
            why(json!({"quantityAvailable": 1, "items": [{}]})),
            "missing field `items[0].productId`"
        );
        let wrong = why(json!({"quantityAvailable": "Jane Doe"}));
        assert_eq!(wrong, "wrong type in `quantityAvailable` (expected f64)");
        let name = why(json!({"quantityAvailable": 1, "name": 555_1234}));
        assert!(name.starts_with("wrong type in `name`"), "{name}");
        assert!(!name.contains("5551234"), "{name}");
        assert_eq!(
            why(json!("text")),
            "wrong type in the record (expected struct Rec)"
        );
    }
}
