//! POS webhook bodies: any bytes, as they are and as a `{"cart": …}` document with
//! Jane's field names, through every adapter's `parse_webhook` and the receiver's
//! storage round trip; never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| canopy_fuzz::webhooks::check(data));
