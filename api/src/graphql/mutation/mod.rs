//! Mutation fields, one module per domain, merged into [`crate::graphql::Mutation`].

mod admin;
mod checkout;
mod compliance;
mod delivery;

pub use admin::AdminMutation;
pub use checkout::CheckoutMutation;
pub use compliance::ComplianceMutation;
pub use delivery::DeliveryMutation;
