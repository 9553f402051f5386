//! Shared helpers of the Dutchie tests: the vendor's OpenAPI document turned
//! into JSON Schema validators, fixtures, and HTTP Basic credentials.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::PathBuf;

use base64::Engine;
use serde_json::{Map, Value, json};

/// A fixture from `tests/fixtures/dutchie/`.
pub fn fixture(name: &str) -> Value {
    let path = fixture_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/dutchie")
}

/// `Authorization: Basic …` for `user:password`.
pub fn basic(user: &str, password: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
    )
}

/// Dutchie's OpenAPI 3.0 document, as JSON Schema.
pub struct Spec {
    doc: Value,
    components: Value,
}

impl Spec {
    /// Loads the vendor's document (a copy of `shared/vendor-apis/dutchie-pos-openapi.json`).
    pub fn load() -> Self {
        let doc = fixture("openapi.json");
        let mut components = doc["components"].clone();
        to_json_schema(&mut components);
        Spec { doc, components }
    }

    /// The 200 response schema of an operation, e.g. `("get", "/products")`.
    pub fn response(&self, method: &str, path: &str, status: &str) -> Value {
        let op = &self.doc["paths"][path][method];
        let schema = op["responses"][status]["content"]["application/json"]["schema"].clone();
        assert!(
            !schema.is_null(),
            "no {status} JSON schema for {method} {path}"
        );
        schema
    }

    /// The JSON request body schema of an operation.
    pub fn request(&self, method: &str, path: &str) -> Value {
        let schema = self.doc["paths"][path][method]["requestBody"]["content"]["application/json"]
            ["schema"]
            .clone();
        assert!(!schema.is_null(), "no request schema for {method} {path}");
        schema
    }

    /// A component schema by name.
    pub fn component(&self, name: &str) -> Value {
        json!({"$ref": format!("#/components/schemas/{name}")})
    }

    /// The validation errors of `instance` against `schema` (with `$ref`s into the components).
    pub fn errors(&self, schema: &Value, instance: &Value) -> Vec<String> {
        let mut schema = schema.clone();
        to_json_schema(&mut schema);
        let mut root = match schema {
            Value::Object(map) => map,
            other => {
                let mut map = Map::new();
                map.insert("allOf".into(), json!([other]));
                map
            }
        };
        root.insert("components".into(), self.components.clone());
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&Value::Object(root))
            .unwrap();
        validator
            .iter_errors(instance)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect()
    }

    /// Panics with every error when `instance` does not match.
    pub fn assert_valid(&self, what: &str, schema: &Value, instance: &Value) {
        let errors = self.errors(schema, instance);
        assert!(
            errors.is_empty(),
            "{what} does not match the OpenAPI schema:\n{}",
            errors.join("\n")
        );
    }
}

/// OpenAPI 3.0 to JSON Schema: `nullable: true` becomes a `null` type (or
/// an `anyOf` with null around a `$ref`); OpenAPI-only keywords are dropped.
fn to_json_schema(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for child in map.values_mut() {
                to_json_schema(child);
            }
            map.remove("example");
            map.remove("x-bodyName");
            if map.remove("nullable") == Some(Value::Bool(true)) {
                if let Some(Value::String(t)) = map.get("type").cloned() {
                    map.insert("type".into(), json!([t, "null"]));
                    if let Some(Value::Array(values)) = map.get_mut("enum") {
                        values.push(Value::Null);
                    }
                } else if map.contains_key("$ref") {
                    let inner = std::mem::take(map);
                    map.insert(
                        "anyOf".into(),
                        json!([Value::Object(inner), {"type": "null"}]),
                    );
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(to_json_schema),
        _ => {}
    }
}
