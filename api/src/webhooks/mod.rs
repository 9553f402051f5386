//! POS webhooks: `POST /webhooks/{connection_id}`.
//!
//! [`receive`] looks the connection up, lets its adapter verify and parse the delivery
//! (Jane: the bearer secret, compared in constant time), stores it in the durable,
//! de-duplicated `webhook_deliveries` queue ([`queue`]; the vendor's delivery id, or the
//! SHA-256 of the body, is unique per connection) and answers 202 at once. The
//! [`worker`] then applies each delivery: stock counts through the same stock-apply
//! path as polling (a count older than the stored one changes nothing), order status
//! changes through the orders module's webhook hook
//! ([`crate::orders::status_sync::webhook::on_order_status`]).
//!
//! The adapter checks the secret before it reads the body: a wrong secret is 401, an
//! authentic delivery whose body is unusable (not JSON, not the vendor's shape) is 400
//! with the reason, so the vendor fixes the right thing. Text is stored with any NUL
//! replaced ([`text`]), which PostgreSQL could not hold.
//!
//! This module never talks to the POS and never logs a payload (carts carry customers).

mod error;
pub mod queue;
mod receive;
mod text;
pub mod worker;

pub use self::{
    error::WebhookError,
    receive::router,
    worker::{WebhookConfig, WebhookWorker},
};
