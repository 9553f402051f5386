//! Records generated from the vendors' own schemas, run through each adapter's
//! decoders (`decode_responses`, the same steps as a sync without the network).
//!
//! Dutchie's schemas are its published OpenAPI document (the copy in
//! `tests/fixtures/dutchie/openapi.json`); Jane and Dispense publish none, so
//! `tests/data/{jane,dispense}.schema.json` write down the shapes documented in
//! `POS_APIS.md`; Treez's product and stock records are its OpenAPI shapes with a type
//! for every field (`tests/data/treez.schema.json`). From each schema a `proptest` strategy is built at test time:
//! every optional field present, absent or (where nullable) `null`; strings at their
//! edges (empty, blank, long, non-ASCII) or the schema's examples; numbers as
//! integers or decimals; date-times with an offset, with `Z`, or naive; extra
//! fields where the schema allows them. Numbers are generated non-negative: a
//! negative count or price is bad input, covered by the fuzz regressions.
//!
//! Every record whose needed fields are present must be accepted and mapped; a
//! record missing one (absent, `null` or blank) must be rejected with a reason
//! naming the field. The figures are printed (`--nocapture`) for the closing note.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use providers::decoded::DecodedResponses;
use serde_json::{Map, Value, json};

/// Records generated per schema and per kind of check.
const CASES: u32 = 300;
/// Arrays and objects nested deeper than this are generated empty.
const MAX_DEPTH: u32 = 3;

fn load(relative: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// A schema document and, per schema name, the fields Canopy's mapping needs
/// (always generated, and present and non-blank in a record that must be accepted).
struct Schemas {
    root: Value,
    needed: BTreeMap<&'static str, &'static [&'static str]>,
}

/// A value present, absent, or `null`.
#[derive(Debug, Clone)]
enum Slot {
    Absent,
    Null,
    Present(Value),
}

impl Schemas {
    fn resolve<'a>(&'a self, schema: &'a Value) -> (&'a Value, Option<&'a str>) {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let name = reference.rsplit('/').next();
                let target = self.root.pointer(&reference[1..]).unwrap_or_else(|| {
                    panic!("unresolved {reference}");
                });
                (target, name)
            }
            None => (schema, None),
        }
    }

    /// The schema's types (`type` as a string or a list), and whether `null` is allowed
    /// (JSON Schema's `"null"` type or OpenAPI's `nullable`).
    fn types(schema: &Value) -> (Vec<String>, bool) {
        let mut types: Vec<String> = match &schema["type"] {
            Value::String(t) => vec![t.clone()],
            Value::Array(ts) => ts
                .iter()
                .filter_map(|t| t.as_str().map(str::to_owned))
                .collect(),
            _ if schema.get("properties").is_some() => vec!["object".into()],
            _ => Vec::new(),
        };
        let nullable = types.iter().any(|t| t == "null") || schema["nullable"] == json!(true);
        types.retain(|t| t != "null");
        (types, nullable)
    }

    /// Whether `schema` (after `$ref` and `anyOf`) admits `null`.
    fn nullable(&self, schema: &Value) -> bool {
        let (schema, _) = self.resolve(schema);
        if let Some(options) = schema.get("anyOf").and_then(Value::as_array) {
            return options.iter().any(|o| self.nullable(o));
        }
        Self::types(schema).1
    }

    /// A strategy for any value valid under `schema`; `needed` values of strings are non-blank.
    fn value(&self, schema: &Value, depth: u32, needed: bool) -> BoxedStrategy<Value> {
        let (schema, name) = self.resolve(schema);
        if let Some(options) = schema
            .get("anyOf")
            .or(schema.get("allOf"))
            .and_then(Value::as_array)
        {
            let non_null: Vec<_> = options
                .iter()
                .filter(|o| {
                    Self::types(self.resolve(o).0).0.iter().any(|t| t != "null")
                        || o.get("$ref").is_some()
                })
                .map(|o| self.value(o, depth, needed))
                .collect();
            return proptest::strategy::Union::new(non_null).boxed();
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            return proptest::sample::select(values.clone()).boxed();
        }
        let (types, _) = Self::types(schema);
        let choices: Vec<BoxedStrategy<Value>> = types
            .iter()
            .map(|t| match t.as_str() {
                "object" => self.object(schema, name, depth),
                "array" if depth >= MAX_DEPTH => Just(json!([])).boxed(),
                "array" => {
                    let item = self.value(&schema["items"], depth + 1, false);
                    proptest::collection::vec(item, 0..3)
                        .prop_map(Value::Array)
                        .boxed()
                }
                "string" => string(schema, needed),
                "integer" => integer(schema),
                "number" => number(),
                "boolean" => any::<bool>().prop_map(Value::Bool).boxed(),
                other => panic!("type {other} is not generated"),
            })
            .collect();
        assert!(!choices.is_empty(), "no type in {schema}");
        proptest::strategy::Union::new(choices).boxed()
    }

    fn object(&self, schema: &Value, name: Option<&str>, depth: u32) -> BoxedStrategy<Value> {
        if depth >= MAX_DEPTH {
            return Just(json!({})).boxed();
        }
        let needed = name
            .and_then(|n| self.needed.get(n))
            .copied()
            .unwrap_or_default();
        let required: Vec<&str> = schema["required"]
            .as_array()
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let empty = Map::new();
        let properties = schema["properties"].as_object().unwrap_or(&empty);
        let slots: Vec<BoxedStrategy<(String, Slot)>> = properties
            .iter()
            .map(|(field, property)| {
                let must = needed.contains(&field.as_str());
                let value = self.value(property, depth + 1, must);
                let key = field.clone();
                let slot = if must || required.contains(&field.as_str()) {
                    value.prop_map(Slot::Present).boxed()
                } else if self.nullable(property) {
                    prop_oneof![
                        1 => Just(Slot::Absent),
                        1 => Just(Slot::Null),
                        3 => value.prop_map(Slot::Present),
                    ]
                    .boxed()
                } else {
                    prop_oneof![1 => Just(Slot::Absent), 3 => value.prop_map(Slot::Present)].boxed()
                };
                slot.prop_map(move |s| (key.clone(), s)).boxed()
            })
            .collect();
        // A map (`additionalProperties` a schema) gets entries; an open object extra fields.
        let extra: BoxedStrategy<Vec<(String, Value)>> = match &schema["additionalProperties"] {
            Value::Bool(false) => Just(Vec::new()).boxed(),
            Value::Object(_) => {
                let keys = schema["propertyNames"]["examples"].clone();
                let key = string(&json!({ "examples": keys }), true);
                let item = self.value(&schema["additionalProperties"], depth + 1, false);
                let entry =
                    (key, item).prop_map(|(k, v)| (k.as_str().unwrap_or_default().to_owned(), v));
                proptest::collection::vec(entry, 0..3).boxed()
            }
            _ => proptest::collection::vec(
                (
                    (0u32..1000).prop_map(|k| format!("x_extra_{k}")),
                    string(&json!({}), false),
                ),
                0..2,
            )
            .boxed(),
        };
        (slots, extra)
            .prop_map(|(slots, extra)| {
                let mut out = Map::new();
                for (key, value) in extra {
                    out.insert(key, value);
                }
                for (key, slot) in slots {
                    match slot {
                        Slot::Absent => {}
                        Slot::Null => {
                            out.insert(key, Value::Null);
                        }
                        Slot::Present(v) => {
                            out.insert(key, v);
                        }
                    }
                }
                Value::Object(out)
            })
            .boxed()
    }
}

/// Strings at their edges, the schema's examples, times for `date-time`.
fn string(schema: &Value, needed: bool) -> BoxedStrategy<Value> {
    if schema["format"] == "date-time" {
        return date_time().prop_map(Value::String).boxed();
    }
    if schema["format"] == "uuid" {
        return any::<u128>()
            .prop_map(|n| Value::String(uuid::Uuid::from_u128(n).to_string()))
            .boxed();
    }
    let non_blank = needed || schema["minLength"].as_u64().is_some_and(|m| m > 0);
    let free = prop_oneof![
        Just(String::new()),
        Just(" ".to_owned()),
        Just("a".to_owned()),
        Just("x".repeat(2000)),
        Just("Blüte ✓ 420 🌿".to_owned()),
        proptest::collection::vec(any::<char>(), 0..16).prop_map(String::from_iter),
    ];
    let free = match schema["examples"].as_array().filter(|e| !e.is_empty()) {
        Some(examples) => {
            let examples: Vec<String> = examples
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect();
            prop_oneof![1 => free, 2 => proptest::sample::select(examples)].boxed()
        }
        None => free.boxed(),
    };
    free.prop_map(move |s| {
        if non_blank && s.trim().is_empty() {
            Value::String(format!("n{s}"))
        } else {
            Value::String(s)
        }
    })
    .boxed()
}

/// A date-time with `Z`, with an offset, or without one (with or without fractions).
fn date_time() -> impl Strategy<Value = String> {
    (
        (2000i32..2035, 1u32..=12, 1u32..=28),
        (0u32..24, 0u32..60, 0u32..60, 0u32..1000),
        0usize..5,
    )
        .prop_map(|((y, mo, d), (h, mi, s, ms), style)| {
            let base = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}");
            match style {
                0 => format!("{base}Z"),
                1 => format!("{base}.{ms:03}+05:30"),
                2 => format!("{base}-08:00"),
                3 => base,
                _ => format!("{base}.{ms:03}"),
            }
        })
}

fn integer(schema: &Value) -> BoxedStrategy<Value> {
    if schema["minimum"].as_i64().is_some_and(|m| m >= 0) {
        prop_oneof![
            Just(0i64),
            Just(1),
            Just(i64::from(i32::MAX)),
            0..1_000_000i64
        ]
        .prop_map(|n| json!(n))
        .boxed()
    } else {
        prop_oneof![Just(0i32), Just(1), Just(i32::MAX), any::<i32>()]
            .prop_map(|n| json!(n))
            .boxed()
    }
}

/// Non-negative numbers, as integers or decimals.
fn number() -> BoxedStrategy<Value> {
    prop_oneof![
        Just(json!(0)),
        Just(json!(0.5)),
        (0u64..1_000_000).prop_map(|n| json!(n)),
        (0.0f64..1.0e6).prop_map(|f| json!(f)),
    ]
    .boxed()
}

/// One record type of one vendor, and how to tell it was accepted.
struct Case {
    vendor: &'static str,
    schema: &'static str,
    endpoint: &'static str,
    decode: fn(&[u8]) -> DecodedResponses,
    /// The response body around one record.
    wrap: fn(Value) -> Value,
    /// Records of this type the decoders accepted.
    accepted: fn(&DecodedResponses) -> usize,
    /// Needed string fields that are as good as missing when blank.
    blank_is_missing: &'static [&'static str],
}

#[derive(Debug, Default)]
struct Figures {
    generated: AtomicUsize,
    accepted: AtomicUsize,
    rejected: AtomicUsize,
    /// Accepted records with a top-level `null`, a time without an offset, an absent field.
    with_null: AtomicUsize,
    with_naive_time: AtomicUsize,
    with_absent: AtomicUsize,
}

/// What a generated record exercises, counted into `figures`.
fn tally(figures: &Figures, record: &Value, schema: &Value) {
    let fields = record.as_object().unwrap();
    if fields.values().any(Value::is_null) {
        figures.with_null.fetch_add(1, Ordering::Relaxed);
    }
    let naive = |v: &Value| {
        v.as_str().is_some_and(|t| {
            t.len() >= 19
                && t.as_bytes()[10] == b'T'
                && !t.ends_with('Z')
                && !t.get(19..).is_some_and(|zone| zone.contains(['+', '-']))
        })
    };
    if fields.values().any(naive) {
        figures.with_naive_time.fetch_add(1, Ordering::Relaxed);
    }
    let declared = schema["properties"].as_object().map_or(0, |p| p.len());
    if fields.keys().filter(|k| !k.starts_with("x_extra_")).count() < declared {
        figures.with_absent.fetch_add(1, Ordering::Relaxed);
    }
}

fn check(schemas: &Schemas, case: &Case) -> Figures {
    let figures = Figures::default();
    let record_schema = json!({ "$ref": reference(&schemas.root, case.schema) });
    let resolved = schemas.resolve(&record_schema).0.clone();
    let record = schemas.value(&record_schema, 0, false);
    let needed: &[&str] = schemas.needed[case.schema];
    let decode = |record: &Value| {
        let body = serde_json::to_vec(&(case.wrap)(record.clone())).unwrap();
        let out = (case.decode)(&body);
        let rejected: Vec<String> = out
            .rejected
            .iter()
            .filter(|r| r.endpoint == case.endpoint)
            .map(|r| r.reason.clone())
            .collect();
        ((case.accepted)(&out), rejected)
    };
    let config = Config {
        cases: CASES,
        failure_persistence: None,
        ..Config::default()
    };

    // Every needed field present: accepted and mapped.
    TestRunner::new(config.clone())
        .run(&record, |record| {
            figures.generated.fetch_add(1, Ordering::Relaxed);
            let (accepted, rejected) = decode(&record);
            prop_assert!(
                accepted >= 1 && rejected.is_empty(),
                "{} {}: rejected {rejected:?}\n{record:#}",
                case.vendor,
                case.schema
            );
            figures.accepted.fetch_add(1, Ordering::Relaxed);
            tally(&figures, &record, &resolved);
            Ok(())
        })
        .unwrap();

    // One needed field absent, null or blank: rejected, with a reason naming it.
    let broken = (record, proptest::sample::select(needed.to_vec()), 0usize..3);
    TestRunner::new(config)
        .run(&broken, |(mut record, field, how)| {
            figures.generated.fetch_add(1, Ordering::Relaxed);
            let fields = record.as_object_mut().unwrap();
            let blank_able = case.blank_is_missing.contains(&field);
            match how {
                0 => {
                    fields.remove(field);
                }
                1 => {
                    fields.insert(field.to_owned(), Value::Null);
                }
                _ if blank_able => {
                    fields.insert(field.to_owned(), json!("  "));
                }
                _ => {
                    fields.remove(field);
                }
            }
            let (accepted, rejected) = decode(&record);
            prop_assert_eq!(
                accepted,
                0,
                "{} {}: accepted without {}",
                case.vendor,
                case.schema,
                field
            );
            prop_assert!(
                rejected.len() == 1 && rejected[0].contains(&format!("`{field}`")),
                "{} {}: without {field}: {rejected:?}",
                case.vendor,
                case.schema
            );
            figures.rejected.fetch_add(1, Ordering::Relaxed);
            Ok(())
        })
        .unwrap();
    figures
}

/// The `$ref` of a named schema in either document layout.
fn reference(root: &Value, name: &str) -> String {
    if root
        .pointer(&format!("/components/schemas/{name}"))
        .is_some()
    {
        format!("#/components/schemas/{name}")
    } else {
        format!("#/definitions/{name}")
    }
}

fn run(schemas: &Schemas, cases: &[Case]) {
    for case in cases {
        let f = check(schemas, case);
        let n = |a: &AtomicUsize| a.load(Ordering::Relaxed);
        eprintln!(
            "schema records: {} {}: generated {}, accepted {} (with a null {}, a naive time {}, \
             an absent field {}), rejected {}",
            case.vendor,
            case.schema,
            n(&f.generated),
            n(&f.accepted),
            n(&f.with_null),
            n(&f.with_naive_time),
            n(&f.with_absent),
            n(&f.rejected),
        );
        assert_eq!(n(&f.generated), n(&f.accepted) + n(&f.rejected));
        assert!(
            n(&f.with_null) > 0 && n(&f.with_absent) > 0,
            "the generator varies records"
        );
    }
}

fn array(record: Value) -> Value {
    json!([record])
}

#[test]
fn dutchie_records_from_its_openapi_schemas() {
    let schemas = Schemas {
        root: load("tests/fixtures/dutchie/openapi.json"),
        needed: BTreeMap::from([
            ("ProductDetail", &["productId", "productName"][..]),
            ("InventoryItem", &["productId", "quantityAvailable"][..]),
            ("Customer", &["customerId"][..]),
            ("Transaction", &["transactionId", "transactionDate"][..]),
            (
                "TransactionItem",
                &["productId", "quantity", "totalPrice"][..],
            ),
        ]),
    };
    let decode = providers::dutchie::decode_responses;
    run(
        &schemas,
        &[
            Case {
                vendor: "dutchie",
                schema: "ProductDetail",
                endpoint: "GET /products",
                decode,
                wrap: array,
                accepted: |d| d.products.len(),
                blank_is_missing: &["productName"],
            },
            Case {
                vendor: "dutchie",
                schema: "InventoryItem",
                endpoint: "GET /inventory",
                decode,
                wrap: array,
                accepted: |d| d.stock.len(),
                blank_is_missing: &[],
            },
            Case {
                vendor: "dutchie",
                schema: "Customer",
                endpoint: "GET /customer/customers",
                decode,
                wrap: array,
                accepted: |d| d.customers.len(),
                blank_is_missing: &[],
            },
            Case {
                vendor: "dutchie",
                schema: "Transaction",
                endpoint: "GET /reporting/transactions",
                decode,
                wrap: array,
                accepted: |d| d.transactions.len(),
                blank_is_missing: &["transactionDate"],
            },
        ],
    );
}

#[test]
fn jane_records_from_the_documented_shapes() {
    let schemas = Schemas {
        root: load("tests/data/jane.schema.json"),
        needed: BTreeMap::from([("MenuProduct", &["product_id", "name"][..])]),
    };
    run(
        &schemas,
        &[Case {
            vendor: "jane",
            schema: "MenuProduct",
            endpoint: "GET /roots/menu_api/v1/menu_products",
            decode: providers::jane::decode_responses,
            wrap: |record| json!({"data": {"menu_products": [record]}, "metadata": {"count": 1, "total": 1}}),
            accepted: |d| d.products.len(),
            blank_is_missing: &[],
        }],
    );
}

#[test]
fn dispense_records_from_the_documented_shapes() {
    let schemas = Schemas {
        root: load("tests/data/dispense.schema.json"),
        needed: BTreeMap::from([(
            "Product",
            &["id", "name", "venue", "quantity", "modified"][..],
        )]),
    };
    run(
        &schemas,
        &[Case {
            vendor: "dispense",
            schema: "Product",
            endpoint: "GET /products",
            decode: providers::dispense::decode_responses,
            wrap: |record| json!({"count": 1, "pageCount": 1, "skip": 0, "limit": 100, "data": [record]}),
            accepted: |d| d.stock.len(),
            blank_is_missing: &["id"],
        }],
    );
}

#[test]
fn treez_records_from_its_openapi_shapes() {
    let schemas = Schemas {
        root: load("tests/data/treez.schema.json"),
        needed: BTreeMap::from([
            (
                "Product",
                &[
                    "product_id",
                    "product_status",
                    "last_updated_at",
                    "product_configurable_fields",
                ][..],
            ),
            ("ConfigurableFields", &["name"][..]),
            ("StockRow", &["product_id", "inventory_details"][..]),
            ("InventoryDetail", &["sellable_quantity"][..]),
        ]),
    };
    run(
        &schemas,
        &[
            Case {
                vendor: "treez",
                schema: "Product",
                endpoint: "GET /product/product_list",
                decode: providers::treez::decode_responses,
                wrap: |record| json!({"resultCode": "SUCCESS", "data": {"page_count": 1, "total_count": 1, "product_list": [record]}}),
                accepted: |d| d.products.len(),
                blank_is_missing: &["product_id"],
            },
            Case {
                vendor: "treez",
                schema: "StockRow",
                endpoint: "GET /stock/getStock",
                decode: providers::treez::decode_responses,
                wrap: |record| json!({"resultCode": "SUCCESS", "data": {"page_elements": 1, "total_elements": 1, "stock": [record]}}),
                accepted: |d| d.stock.len(),
                blank_is_missing: &["product_id"],
            },
        ],
    );
}
