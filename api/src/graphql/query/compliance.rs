//! Compliance reads: the rules (admins), and the storefront's previews before checkout,
//! `allowances` and `checkCart` (a customer for themselves, an admin for a customer).

use async_graphql::{Context, ID, Object};

use crate::{
    auth::{RoleGuard, Viewer},
    error::ApiError,
    graphql::{
        app_state,
        mutation::{OrderLineInput, order_lines},
        types::{
            Allowances, CartCheck, ComplianceRule,
            ids::{parse_id, parse_optional_id},
        },
    },
    orders::preview,
    services::orders::OrderScope,
};

/// Compliance queries.
#[derive(Default)]
pub struct ComplianceQuery;

#[Object]
impl ComplianceQuery {
    /// The compliance rules, all or those of one `jurisdiction` (e.g. `CA`), by
    /// jurisdiction and code; disabled rules included. A jurisdiction is at most 64 characters.
    #[graphql(guard = "RoleGuard::admin()")]
    async fn compliance_rules(
        &self,
        ctx: &Context<'_>,
        #[graphql(validator(max_length = 64))] jurisdiction: Option<String>,
    ) -> Result<Vec<ComplianceRule>, ApiError> {
        let db = &app_state(ctx)?.db;
        Ok(crate::compliance::rules::list(db, jurisdiction.as_deref())
            .await?
            .into_iter()
            .map(ComplianceRule)
            .collect())
    }

    /// The signed-in customer's allowances at a location (an admin passes
    /// `customerId`): per purchase limit that applies, used / limit / remaining in its
    /// unit and when its window rolls over, counted exactly as `placeOrder` counts.
    #[graphql(guard = "RoleGuard::customer_or_admin()")]
    async fn allowances(
        &self,
        ctx: &Context<'_>,
        location_id: ID,
        customer_id: Option<ID>,
    ) -> Result<Allowances, ApiError> {
        let scope = OrderScope::of(Viewer::of(ctx)?)?;
        let location = parse_id("locationId", &location_id)?;
        let customer = parse_optional_id("customerId", customer_id.as_ref())?;
        Ok(
            preview::allowances(app_state(ctx)?, scope, location, customer)
                .await?
                .into(),
        )
    }

    /// What `placeOrder` would refuse in these lines at a location, and why (every rule
    /// broken, with its figures), without reserving anything. An admin passes
    /// `customerId`.
    #[graphql(guard = "RoleGuard::customer_or_admin()")]
    async fn check_cart(
        &self,
        ctx: &Context<'_>,
        location_id: ID,
        lines: Vec<OrderLineInput>,
        customer_id: Option<ID>,
    ) -> Result<CartCheck, ApiError> {
        let scope = OrderScope::of(Viewer::of(ctx)?)?;
        let location = parse_id("locationId", &location_id)?;
        let customer = parse_optional_id("customerId", customer_id.as_ref())?;
        let lines = order_lines("lines", &lines)?;
        Ok(
            preview::check_cart(app_state(ctx)?, scope, location, &lines, customer)
                .await?
                .into(),
        )
    }
}
