//! Shared pieces of Canopy's fuzz targets (`fuzz_targets/`): JSON documents built from
//! the fuzzer's bytes ([`json`]), the decoder and webhook checks ([`decoders`],
//! [`webhooks`]) and the in-process GraphQL server ([`graphql`]).
//!
//! Each target is a thin `fuzz_target!` over one function here, so a crash input can be
//! replayed from a regression test through the same public entry points.

pub mod decoders;
pub mod graphql;
pub mod json;
pub mod webhooks;
