//! One catalog across a retailer's connections: the keys a POS record is matched by
//! ([`keys`]), the matching rules ([`decide`]), their use on a sync batch ([`matching`]),
//! an admin's merge and split ([`merge`], moving the rows of [`scope`]) and what the
//! admin reviews ([`review`]).

pub mod decide;
pub mod keys;
pub mod matching;
pub mod merge;
pub mod review;
pub mod scope;

pub use self::{
    keys::MatchKeys,
    matching::{CatalogMatcher, set_keys},
};
