//! Dutchie's response decoders: any bytes, as they are and as a JSON document with
//! Dutchie's field names, through `providers::dutchie::decode_responses`; never a panic,
//! never an accepted record that breaks the invariants.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

fn words() -> &'static [String] {
    static WORDS: OnceLock<Vec<String>> = OnceLock::new();
    WORDS.get_or_init(|| canopy_fuzz::json::dictionary(include_str!("../dicts/dutchie.dict")))
}

fuzz_target!(|data: &[u8]| {
    canopy_fuzz::decoders::check(data, words(), providers::dutchie::decode_responses);
});
