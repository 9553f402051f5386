//! Abuse limits enforced in front of the handlers (the per-document GraphQL limits —
//! depth, complexity, aliases, page size — live in the schema).
//!
//! - [`client`]: who a request counts against (token subject, else IP address).
//! - [`rate`]: requests per minute per client on `/graphql` and `/graphql/ws`, answered
//!   with 429, `RATE_LIMITED` and `Retry-After`.
//! - [`websocket`]: open websocket sessions per client.
//! - [`webhook`]: the largest POS webhook payload on `/webhooks/…` (413).

pub(super) mod client;
pub(super) mod rate;
pub(super) mod webhook;
pub(super) mod websocket;
