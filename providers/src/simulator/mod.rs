//! Local stand-ins for the vendors' APIs, used by tests, the conformance
//! kit, `serve --demo`, `canopy simulate` and the benchmarks.
//!
//! This module is the framework shared by the vendor simulators (each in
//! its vendor's `simulator.rs`): the canonical state ([`store`]), demo data
//! ([`seed`]), a skewable clock ([`clock`]), fault injection ([`faults`]),
//! server-side rate limits ([`ratelimit`]), serving ([`server`]), the
//! control API and [`Simulator`] trait ([`control`]), and the demo's store
//! traffic ([`traffic`]: the register and walk-in customers) and staff working
//! the online queue ([`staff`]).

pub mod clock;
pub mod control;
pub mod faults;
pub mod ratelimit;
pub mod seed;
pub mod server;
pub mod staff;
pub mod store;
pub mod traffic;

pub use clock::SimClock;
pub use control::{BadRecord, OrderStatuses, OrderWorkflow, Simulator, StandardWorkflow};
pub use faults::{Fault, FaultSpec, Faults};
pub use ratelimit::{RateDecision, ServerRateLimits};
pub use server::{SimServer, spawn};
pub use store::{Collection, SimError, SimOrder, SimStore};
