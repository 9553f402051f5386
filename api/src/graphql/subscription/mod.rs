//! Subscription resolvers, one object per domain, merged into the root in
//! [`schema`](super::schema). They run over `GET /graphql/ws`, where the
//! [`Viewer`](crate::auth::Viewer) is set once at `connection_init`.
//!
//! Every subscription reads the event bus through its own bounded buffer, so a client
//! that reads slowly only ever delays itself; what it missed is recovered from the
//! database (events are signals, the database is the truth).

mod alerts;
mod latest;
mod orders;
mod stock;

pub use alerts::AlertsSubscription;
pub use orders::OrdersSubscription;
pub use stock::StockSubscription;
