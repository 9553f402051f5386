//! Jane's response decoders: any bytes, as they are and as a JSON document with
//! Jane's field names, through `providers::jane::decode_responses`; never a panic,
//! never an accepted record that breaks the invariants.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

fn words() -> &'static [String] {
    static WORDS: OnceLock<Vec<String>> = OnceLock::new();
    WORDS.get_or_init(|| canopy_fuzz::json::dictionary(include_str!("../dicts/jane.dict")))
}

fuzz_target!(|data: &[u8]| {
    canopy_fuzz::decoders::check(data, words(), providers::jane::decode_responses);
});
