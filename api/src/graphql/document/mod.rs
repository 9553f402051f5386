//! Guards on a GraphQL document that run before async-graphql parses, validates or
//! expands it: bracket nesting over the raw text ([`check_nesting`]), then the cost of
//! the parsed document with fragments counted once ([`DocumentGuard`]).

mod cost;
mod guard;
mod nesting;
mod tokens;

pub(super) use guard::DocumentGuard;
pub use nesting::{NestingChecked, TooDeep, check_nesting};
pub(crate) use tokens::{comment_len, string_literal_len};
