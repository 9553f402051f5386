//! The GraphQL request path: any bytes as a `POST /graphql` body and as a
//! `GET /graphql?query=` through the real router, in process; never a panic, an abort
//! or a 5xx.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| canopy_fuzz::graphql::check(data));
