//! Customer profiles across POS systems and online accounts: normalising and checking
//! what a POS or a customer sends, matching identities in the vendors' order of keys,
//! merging field by field (last writer wins, the POS winning ties), Canopy edits and
//! their push to the POS, admin merges, unmerges and erasure, and the consolidated
//! purchase history. It owns `customers`, `customer_external_refs` and
//! `customer_events`; it reads purchases and orders but never writes them.

pub mod anonymize;
pub mod events;
pub mod fields;
pub mod history;
pub mod identity;
pub mod merge;
pub mod normalise;
pub mod profile;
pub mod push;
pub mod sync_status;
pub mod validate;
