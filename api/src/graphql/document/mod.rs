//! Guards on a GraphQL document that run before async-graphql parses, validates or
//! expands it: bracket nesting over the raw text ([`check_nesting`]), then the cost of
//! the parsed document with fragments counted once ([`DocumentGuard`]); and what a
//! document must pass to be registered for the safelist ([`check_registrable`]).

mod cost;
mod guard;
mod nesting;
mod registration;
mod tokens;

pub(super) use guard::DocumentGuard;
pub use nesting::{NestingChecked, TooDeep, check_nesting};
pub use registration::check_registrable;
pub(crate) use tokens::{comment_len, string_literal_len};
