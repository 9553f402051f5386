//! Every entity under a distinct name, and the enums, for `use entities::prelude::*`.

pub use crate::alert::Entity as Alert;
pub use crate::audit_log::Entity as AuditLog;
pub use crate::compliance_rule::Entity as ComplianceRule;
pub use crate::customer::Entity as Customer;
pub use crate::customer_event::Entity as CustomerEvent;
pub use crate::customer_external_ref::Entity as CustomerExternalRef;
pub use crate::enums::*;
pub use crate::location::Entity as Location;
pub use crate::order::Entity as Order;
pub use crate::order_event::Entity as OrderEvent;
pub use crate::order_line::Entity as OrderLine;
pub use crate::outbox::Entity as Outbox;
pub use crate::persisted_operation::Entity as PersistedOperation;
pub use crate::product::Entity as Product;
pub use crate::product_external_ref::Entity as ProductExternalRef;
pub use crate::product_match::Entity as ProductMatch;
pub use crate::product_measure::Entity as ProductMeasure;
pub use crate::product_redirect::Entity as ProductRedirect;
pub use crate::provider_connection::Entity as ProviderConnection;
pub use crate::purchase::Entity as Purchase;
pub use crate::purchase_line::Entity as PurchaseLine;
pub use crate::stock_level::Entity as StockLevel;
pub use crate::sync_cursor::Entity as SyncCursor;
pub use crate::sync_run::Entity as SyncRun;
pub use crate::sync_run_endpoint::Entity as SyncRunEndpoint;
pub use crate::webhook_delivery::Entity as WebhookDelivery;
