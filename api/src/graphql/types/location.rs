//! `Location`: a store.

use async_graphql::{Context, ID, Object};
use entities::location;

use super::ids::to_id;
use crate::graphql::contained;

/// A store (dispensary or shop) and the jurisdiction facts that govern it.
pub struct Location(pub location::Model);

#[Object(cache_control(max_age = 300, public))]
impl Location {
    /// The location's id.
    async fn id(&self, ctx: &Context<'_>) -> ID {
        contained::location(ctx, self.0.id);
        to_id(self.0.id)
    }

    /// Display name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Street address.
    async fn address(&self) -> Option<&str> {
        self.0.address.as_deref()
    }

    /// City.
    async fn city(&self) -> Option<&str> {
        self.0.city.as_deref()
    }

    /// Jurisdiction: two-letter state or province code, for example `CA`.
    async fn state(&self) -> &str {
        &self.0.state
    }

    /// Postal code.
    async fn postal_code(&self) -> Option<&str> {
        self.0.postal_code.as_deref()
    }

    /// Sells adult-use (recreational) products.
    async fn adult_use(&self) -> bool {
        self.0.adult_use
    }

    /// Sells to medical patients.
    async fn medical(&self) -> bool {
        self.0.medical
    }

    /// State licence number.
    async fn licence_number(&self) -> Option<&str> {
        self.0.licence_number.as_deref()
    }

    /// IANA time zone, for example `America/Los_Angeles`.
    async fn time_zone(&self) -> &str {
        &self.0.time_zone
    }
}
