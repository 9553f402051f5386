//! The schema roots and [`build_schema`].
//!
//! To add a domain, write `query/<domain>.rs` with `#[derive(Default)] pub struct
//! <Domain>Query;` and an `#[Object] impl`, then add it to the tuple of [`Query`]
//! (likewise a `mutation/` module into [`Mutation`] and a `subscription/` module into
//! [`Subscription`], turning those aliases into `MergedObject`/`MergedSubscription` structs).

use async_graphql::{MergedObject, MergedSubscription, SDLExportOptions, Schema, SchemaBuilder};

use super::{
    document::DocumentGuard,
    errors::ErrorCodes,
    federation::FederationQuery,
    loaders::Loaders,
    mutation::{
        AdminMutation, CheckoutMutation, ComplianceMutation, CustomersMutation, DeliveryMutation,
        OperationsMutation, ProductsMutation,
    },
    nul_bytes::NoNulBytes,
    query::{
        AdminQuery, ComplianceQuery, CustomersQuery, LocationsQuery, OperationsQuery, OrdersQuery,
        ProductMatchesQuery, ProductsQuery, SystemQuery,
    },
    safelist::SafelistGuard,
    subscription::{AlertsSubscription, OrdersSubscription, StockSubscription},
};
use crate::{config::Limits, operations::Safelist, state::AppState};

/// The query root: one object per domain.
#[derive(MergedObject, Default)]
pub struct Query(
    SystemQuery,
    LocationsQuery,
    ProductsQuery,
    OrdersQuery,
    CustomersQuery,
    AdminQuery,
    ComplianceQuery,
    ProductMatchesQuery,
    OperationsQuery,
    FederationQuery,
);

/// The mutation root: one object per domain.
#[derive(MergedObject, Default)]
pub struct Mutation(
    AdminMutation,
    DeliveryMutation,
    CheckoutMutation,
    ComplianceMutation,
    CustomersMutation,
    ProductsMutation,
    OperationsMutation,
);

/// The subscription root: one object per domain.
#[derive(MergedSubscription, Default)]
pub struct Subscription(StockSubscription, AlertsSubscription, OrdersSubscription);

/// Canopy's executable schema.
pub type CanopySchema = Schema<Query, Mutation, Subscription>;

/// The schema with its limits and extensions, without per-process data.
pub(super) fn builder(limits: &Limits) -> SchemaBuilder<Query, Mutation, Subscription> {
    Schema::build(
        Query::default(),
        Mutation::default(),
        Subscription::default(),
    )
    .enable_federation()
    .enable_subscription_in_federation()
    .limit_depth(limits.max_depth)
    .limit_complexity(limits.max_complexity)
    // First, so nothing parses or expands a document before it is checked.
    .extension(DocumentGuard::new(limits))
    .extension(NoNulBytes)
    .extension(ErrorCodes)
}

/// The schema serving `state`: resolvers reach it through [`super::app_state`]; every
/// document passes `safelist` first.
pub fn build_schema(state: AppState, safelist: Safelist) -> CanopySchema {
    let limits = state.config.limits.clone();
    let loaders = Loaders::new(&state.db);
    builder(&limits)
        .extension(SafelistGuard(safelist.clone()))
        .data(safelist)
        .data(state)
        .data(loaders)
        .finish()
}

/// The federation v2 SDL (with `@link`, subscriptions included for routers that federate
/// them), as served by `_service { sdl }` and printed by `canopy export-schema`.
pub fn sdl(limits: &Limits) -> String {
    builder(limits)
        .finish()
        .sdl_with_options(SDLExportOptions::new().federation().compose_directive())
}
