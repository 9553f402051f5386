//! JSON documents built from the fuzzer's bytes with `arbitrary`: objects whose keys
//! come from a vendor's dictionary (so the decoders see their own field names), with
//! numbers at the edges (negative, huge, fractional) and short strings, nested a few
//! levels deep. Raw bytes reach the JSON parser; these reach the decoders behind it.

use arbitrary::{Result, Unstructured};
use serde_json::{Map, Number, Value};

/// Deepest nesting of a built document: deeper than any vendor shape, far below
/// serde_json's recursion limit.
const MAX_DEPTH: usize = 6;

/// Most members of one object or array.
const MAX_LEN: usize = 12;

/// Numbers the decoders must handle, beside arbitrary ones.
#[rustfmt::skip]
const EDGE_NUMBERS: [f64; 12] = [
    0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1e300, -1e300, 9.3e18, -9.3e18, 2147483648.0, -2147483649.0,
];

/// The words of a libFuzzer dictionary (`"word"` or `name="word"` lines, `\xNN` and
/// `\\` / `\"` escapes); comments and blank lines are skipped.
pub fn dictionary(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim();
            let start = line.find('"')?;
            let end = line.rfind('"')?;
            (end > start && !line.starts_with('#')).then(|| unescape(&line[start + 1..end]))
        })
        .collect()
}

fn unescape(word: &str) -> String {
    let mut out = Vec::new();
    let mut bytes = word.bytes();
    while let Some(b) = bytes.next() {
        if b != b'\\' {
            out.push(b);
            continue;
        }
        match bytes.next() {
            Some(b'x') => {
                let hex: Vec<u8> = bytes.by_ref().take(2).collect();
                let parsed = std::str::from_utf8(&hex)
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                out.extend(parsed);
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A JSON document built from `u`, with object keys and many strings taken from `words`.
pub fn document(u: &mut Unstructured<'_>, words: &[String]) -> Result<Value> {
    value(u, words, 0)
}

fn value(u: &mut Unstructured<'_>, words: &[String], depth: usize) -> Result<Value> {
    let kinds = if depth >= MAX_DEPTH { 5 } else { 7 };
    Ok(match u.int_in_range(0..=kinds)? {
        0 => Value::Null,
        1 => Value::Bool(u.arbitrary()?),
        2 => Value::from(u.arbitrary::<i64>()?),
        3 => number(u)?,
        4 | 5 => Value::String(string(u, words)?),
        6 => {
            let len = u.int_in_range(0..=MAX_LEN)?;
            Value::Array(
                (0..len)
                    .map(|_| value(u, words, depth + 1))
                    .collect::<Result<_>>()?,
            )
        }
        _ => {
            let len = u.int_in_range(0..=MAX_LEN)?;
            let mut object = Map::new();
            for _ in 0..len {
                let key = if words.is_empty() || u.ratio(1, 8)? {
                    u.arbitrary::<String>()?
                } else {
                    u.choose(words)?.clone()
                };
                object.insert(key, value(u, words, depth + 1)?);
            }
            Value::Object(object)
        }
    })
}

/// An edge number or an arbitrary finite one (JSON has no NaN or infinity).
fn number(u: &mut Unstructured<'_>) -> Result<Value> {
    let n = if u.ratio(1, 2)? {
        *u.choose(&EDGE_NUMBERS)?
    } else {
        u.arbitrary::<f64>()?
    };
    Ok(Number::from_f64(n).map_or(Value::Null, Value::Number))
}

/// A dictionary word, a date-like string, or an arbitrary one.
fn string(u: &mut Unstructured<'_>, words: &[String]) -> Result<String> {
    Ok(match u.int_in_range(0..=3)? {
        0 if !words.is_empty() => u.choose(words)?.clone(),
        1 => format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            u.int_in_range(0..=9999)?,
            u.int_in_range(0..=13)?,
            u.int_in_range(0..=32)?,
            u.int_in_range(0..=25)?,
            u.int_in_range(0..=61)?,
            u.int_in_range(0..=61)?
        ),
        _ => u.arbitrary()?,
    })
}
