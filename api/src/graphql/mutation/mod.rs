//! Mutation fields, one module per domain, merged into [`crate::graphql::Mutation`].

mod admin;
mod checkout;
mod compliance;
mod customers;
mod delivery;
mod operations;
mod products;

pub use admin::AdminMutation;
pub use checkout::{CheckoutMutation, OrderLineInput, order_lines};
pub use compliance::ComplianceMutation;
pub use customers::CustomersMutation;
pub use delivery::DeliveryMutation;
pub use operations::OperationsMutation;
pub use products::ProductsMutation;
