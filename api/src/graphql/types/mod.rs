//! The GraphQL object types of the read API and the helpers they share: ids, cursors,
//! connections, money and the enums mirrored from `entities`.
//!
//! Object types wrap entity models and resolve related objects through the
//! [`Loaders`](super::loaders::Loaders), never with a query of their own per parent, so
//! any list of them costs a constant number of statements.

mod alert;
mod allowance;
mod audit;
mod compliance_rule;
pub mod connection;
mod connection_input;
mod connection_test;
pub mod cursor;
mod customer;
mod customer_sync;
pub mod enums;
pub mod ids;
mod integrity;
mod location;
mod money;
mod offer;
mod order;
mod order_event;
mod persisted_operation;
mod product;
mod product_lookup;
mod product_match;
mod profile_input;
mod provider_connection;
mod purchase;
mod stock;
mod stock_event;
mod sync_run;

pub use alert::{Alert, AlertSeverity};
pub use allowance::{Allowance, Allowances, CartCheck, ComplianceRefusal};
pub use audit::AuditEntry;
pub use compliance_rule::{ComplianceRule, ComplianceTerm};
pub use connection_input::{CreateProviderConnectionInput, UpdateProviderConnectionInput};
pub use connection_test::{ConnectionTestResult, ExternalLocationInfo};
pub use customer::Customer;
pub use customer_sync::{
    ClassGrams, CustomerEvent, CustomerPosProfile, CustomerSyncState, PurchaseTotals,
};
pub use enums::PosKind;
pub use integrity::{IntegrityReport, IntegrityViolation};
pub use location::Location;
pub use money::Money;
pub use order::{Order, OrderLine};
pub use order_event::OrderEvent;
pub use persisted_operation::PersistedOperation;
pub use product::{Measure, Potency, Product};
pub use product_lookup::load_product;
pub use product_match::{MatchRule, MatchStatus, ProductMatch};
pub use profile_input::ProfileInput;
pub use provider_connection::{ProviderConnection, SyncStatus};
pub use purchase::Purchase;
pub use stock::StockLevel;
pub use stock_event::StockEvent;
pub use sync_run::{SyncRun, SyncRunEndpoint};
