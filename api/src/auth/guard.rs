//! The role guard for GraphQL fields: `#[graphql(guard = "RoleGuard::admin()")]`.

use async_graphql::{Context, ErrorExtensions, Guard};

use super::{Role, Viewer};
use crate::error::ApiError;

/// Lets a field resolve only for viewers holding one of the allowed roles.
/// Anonymous callers get `UNAUTHENTICATED`, other roles `FORBIDDEN`.
#[derive(Clone, Copy, Debug)]
pub struct RoleGuard {
    allowed: &'static [Role],
}

impl RoleGuard {
    /// A guard allowing exactly these roles.
    pub const fn new(allowed: &'static [Role]) -> Self {
        Self { allowed }
    }

    /// Admins only.
    pub const fn admin() -> Self {
        Self::new(&[Role::Admin])
    }

    /// Customers (their own data, enforced by the service) and admins.
    pub const fn customer_or_admin() -> Self {
        Self::new(&[Role::Customer, Role::Admin])
    }

    /// Any token at all.
    pub const fn authenticated() -> Self {
        Self::new(&[Role::Admin, Role::Storefront, Role::Customer])
    }

    /// Checks a viewer against the allowed roles.
    pub fn check_viewer(&self, viewer: &Viewer) -> Result<(), ApiError> {
        match viewer.role() {
            None => Err(ApiError::Unauthenticated(
                "this field needs an API token".into(),
            )),
            Some(role) if self.allowed.contains(&role) => Ok(()),
            Some(_) => Err(ApiError::Forbidden(
                "this token's role may not access this field".into(),
            )),
        }
    }
}

impl Guard for RoleGuard {
    async fn check(&self, ctx: &Context<'_>) -> async_graphql::Result<()> {
        Viewer::of(ctx)
            .and_then(|viewer| self.check_viewer(viewer))
            .map_err(|error| error.extend())
    }
}
