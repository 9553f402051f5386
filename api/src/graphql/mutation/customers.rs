//! Profile mutations: `updateMyProfile` (the signed-in customer), and for admins
//! `updateCustomer`, `mergeCustomers`, `unmergeCustomer` and `anonymizeCustomer`
//! (each audited by the service).

use async_graphql::{Context, ID, Object};

use super::admin::admin_call;
use crate::{
    auth::{Role, RoleGuard, Viewer},
    customers::{
        anonymize, merge,
        profile::{self, Editor},
    },
    error::ApiError,
    graphql::{
        app_state,
        types::{Customer, ProfileInput, ids::parse_id},
    },
};

/// Customer mutations.
#[derive(Default)]
pub struct CustomersMutation;

#[Object]
impl CustomersMutation {
    /// Changes the signed-in customer's own profile; the change reaches each POS that
    /// holds the customer where its API allows (see `Customer.posProfiles`).
    #[graphql(guard = "RoleGuard::new(&[Role::Customer])")]
    async fn update_my_profile(
        &self,
        ctx: &Context<'_>,
        input: ProfileInput,
    ) -> Result<Customer, ApiError> {
        let id = Viewer::of(ctx)?
            .customer_id()
            .ok_or_else(|| ApiError::Forbidden("a customer token is required".into()))?;
        let db = &app_state(ctx)?.db;
        Ok(Customer(
            profile::update(db, Editor::Customer, id, &input.into()).await?,
        ))
    }

    /// Changes a customer's profile. Admins only.
    #[graphql(guard = "RoleGuard::admin()")]
    async fn update_customer(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: ProfileInput,
    ) -> Result<Customer, ApiError> {
        let (state, actor) = admin_call(ctx)?;
        let id = parse_id("id", &id)?;
        Ok(Customer(
            profile::update(&state.db, Editor::Admin(actor), id, &input.into()).await?,
        ))
    }

    /// Merges profile `duplicateId` into `targetId` (one person): the target then shows
    /// both histories. Reversible with `unmergeCustomer`. Admins only.
    #[graphql(guard = "RoleGuard::admin()")]
    async fn merge_customers(
        &self,
        ctx: &Context<'_>,
        target_id: ID,
        duplicate_id: ID,
    ) -> Result<Customer, ApiError> {
        let (state, actor) = admin_call(ctx)?;
        let target = parse_id("targetId", &target_id)?;
        let duplicate = parse_id("duplicateId", &duplicate_id)?;
        Ok(Customer(
            merge::merge(&state.db, actor, target, duplicate).await?,
        ))
    }

    /// Splits a merged profile off again; returns it. Admins only.
    #[graphql(guard = "RoleGuard::admin()")]
    async fn unmerge_customer(&self, ctx: &Context<'_>, id: ID) -> Result<Customer, ApiError> {
        let (state, actor) = admin_call(ctx)?;
        let id = parse_id("id", &id)?;
        Ok(Customer(merge::unmerge(&state.db, actor, id).await?))
    }

    /// Erases a customer's personal data on request; orders, purchases and compliance
    /// totals stay. Admins only.
    #[graphql(guard = "RoleGuard::admin()")]
    async fn anonymize_customer(&self, ctx: &Context<'_>, id: ID) -> Result<Customer, ApiError> {
        let (state, actor) = admin_call(ctx)?;
        let id = parse_id("id", &id)?;
        Ok(Customer(anonymize::anonymize(&state.db, actor, id).await?))
    }
}
