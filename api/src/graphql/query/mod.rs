//! Query fields, one module per domain, merged into [`crate::graphql::Query`].

mod admin;
mod compliance;
mod customers;
mod locations;
mod operations;
mod orders;
mod product_matches;
mod products;
mod system;

pub use admin::AdminQuery;
pub use compliance::ComplianceQuery;
pub use customers::CustomersQuery;
pub use locations::LocationsQuery;
pub use operations::OperationsQuery;
pub use orders::OrdersQuery;
pub use product_matches::ProductMatchesQuery;
pub use products::ProductsQuery;
pub use system::SystemQuery;
