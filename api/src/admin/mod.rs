//! Administration: what the admin GraphQL fields and `canopy rotate-key` do.
//!
//! This module owns the admin use cases and nothing below them: validating admin input
//! ([`input`], plain data the GraphQL layer converts its input objects into;
//! [`validate`]), storing connections through [`crate::connections`] with an audit row
//! ([`crate::audit`]) in the same transaction ([`connections`]), probing a POS
//! ([`probe`]), running a sync now through the sync engine ([`runs`]), resolving alerts
//! ([`alerts`]) and re-sealing every secret under a new master key ([`rotate`]).
//! Secrets pass through here as [`secrecy::SecretString`]s only; what it writes to the
//! audit log is built from stored rows (which hold sealed blobs and a four-character
//! hint) and masked again, so no secret can reach a response, a log line or the log
//! table.

pub mod alerts;
pub mod connections;
mod errors;
pub mod health;
pub mod input;
pub mod probe;
pub mod rotate;
pub mod runs;
pub mod validate;

pub use self::{
    input::{ConnectionChanges, NewConnection},
    probe::ProbeResult,
};
