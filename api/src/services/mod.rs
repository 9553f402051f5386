//! Stateless read services over the database: each function takes a connection and plain
//! arguments and returns entity models, so resolvers stay thin and the same queries serve
//! GraphQL, federation and background work.
//!
//! Services own filtering, ordering and keyset paging; they know nothing of GraphQL
//! (cursors, connections, ids as strings) and nothing of who is asking, except where a
//! rule of visibility is the service's own ([`orders::OrderScope`]).

pub mod catalog;
pub mod customers;
pub mod listing;
pub mod locations;
pub mod orders;
pub mod paging;
pub mod stock;
mod text;
