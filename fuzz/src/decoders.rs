//! The vendor decoder check: bytes go through a vendor's `decode_responses` twice, once
//! as they are (the JSON parser and whatever shape they happen to have) and once as a
//! JSON document built from them with the vendor's field names ([`crate::json`]). It
//! must never panic, and every accepted record must satisfy
//! [`providers::decoded::DecodedResponses::violations`].

use arbitrary::Unstructured;
use providers::decoded::DecodedResponses;

/// Runs `decode` on `data` and on the document built from `data` with `words`; panics
/// (a fuzzer crash) on a broken invariant.
pub fn check(data: &[u8], words: &[String], decode: fn(&[u8]) -> DecodedResponses) {
    assert_sound(&decode(data));
    let mut u = Unstructured::new(data);
    if let Ok(document) = crate::json::document(&mut u, words)
        && let Ok(body) = serde_json::to_vec(&document)
    {
        assert_sound(&decode(&body));
    }
}

/// Panics with the broken invariants of `decoded`, if any.
pub fn assert_sound(decoded: &DecodedResponses) {
    let violations = decoded.violations();
    assert!(
        violations.is_empty(),
        "decoded records break invariants: {violations:#?}"
    );
}
