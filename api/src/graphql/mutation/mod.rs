//! Mutation fields, one module per domain, merged into [`crate::graphql::Mutation`].

mod admin;

pub use admin::AdminMutation;
