//! Dispense's response decoders: any bytes, as they are and as a JSON document with
//! Dispense's field names, through `providers::dispense::decode_responses`; never a panic,
//! never an accepted record that breaks the invariants.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

fn words() -> &'static [String] {
    static WORDS: OnceLock<Vec<String>> = OnceLock::new();
    WORDS.get_or_init(|| canopy_fuzz::json::dictionary(include_str!("../dicts/dispense.dict")))
}

fuzz_target!(|data: &[u8]| {
    canopy_fuzz::decoders::check(data, words(), providers::dispense::decode_responses);
});
