//! The one HTTP policy every adapter shares: connect and request timeouts,
//! bounded retries with exponential backoff and full jitter on 5xx, timeouts
//! and connection failures, `Retry-After` honoured on 429, the vendor's
//! `X-RateLimit-Remaining` read, a client-side limiter per rate-limit bucket
//! (one per connection per process, [`shared_limits`]), a circuit breaker per connection, and a tracing span per call. Calls run
//! inside [`background`] (order-status polls) yield the shared rate budget to
//! the others (order delivery) and keep to a share of it.
//!
//! Adapters build one [`HttpPolicy`] per connection from their vendor's
//! [`PolicyConfig`] defaults (overridable by connection settings) and make
//! every call through [`HttpPolicy::send`] or [`HttpPolicy::send_json`].

mod breaker;
mod classify;
mod config;
mod limiter;
mod policy;
mod priority;
mod shared_limits;

pub use breaker::{Breaker, Change, Permit};
pub use config::{Endpoint, LimitOverride, PolicyConfig, PolicyOverrides, RateLimit};
pub use policy::{HttpPolicy, HttpResponse};
pub use priority::{BudgetShare, background};
