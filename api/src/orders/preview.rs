//! What a storefront asks before checkout, without reserving or writing anything: a
//! customer's allowances at a location, and what `placeOrder` would refuse in a cart
//! and why (`checkCart`: the same validation of lines and products, the same
//! compliance check).

use chrono::Utc;
use entities::{customer, location};
use sea_orm::{DatabaseConnection, EntityTrait};
use uuid::Uuid;

use super::{
    input::{NewLine, validate_lines},
    place::{basket_lines, priced, sellable_products},
};
use crate::{
    compliance::{self, Basket, Review, allowances::Allowances},
    error::ApiError,
    services::orders::OrderScope,
    state::AppState,
};

/// The customer a preview is for: a customer's own (`customerId` absent or theirs), an
/// admin's choice (`customerId` required).
async fn buyer(
    db: &DatabaseConnection,
    scope: OrderScope,
    requested: Option<Uuid>,
) -> Result<customer::Model, ApiError> {
    let id = match (scope, requested) {
        (OrderScope::Customer(id), None) => id,
        (OrderScope::Customer(id), Some(other)) if other == id => id,
        (OrderScope::Customer(_), Some(_)) => {
            return Err(ApiError::Forbidden(
                "a customer sees their own allowances only".into(),
            ));
        }
        (OrderScope::All, Some(id)) => id,
        (OrderScope::All, None) => {
            return Err(ApiError::bad_field(
                "customerId",
                "an admin previews for a customer: pass `customerId`",
            ));
        }
    };
    customer::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::bad_field("customerId", "no such customer"))
}

async fn store(db: &DatabaseConnection, id: Uuid) -> Result<location::Model, ApiError> {
    location::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::bad_field("locationId", "no such location"))
}

/// The allowances of the scope's customer (or `customer_id`, for admins) at `location_id`.
pub async fn allowances(
    state: &AppState,
    scope: OrderScope,
    location_id: Uuid,
    customer_id: Option<Uuid>,
) -> Result<Allowances, ApiError> {
    let location = store(&state.db, location_id).await?;
    let customer = buyer(&state.db, scope, customer_id).await?;
    Ok(compliance::allowances::of(&state.db, &customer, &location, Utc::now()).await?)
}

/// What the compliance check makes of `lines` at `location_id` for the scope's customer.
pub async fn check_cart(
    state: &AppState,
    scope: OrderScope,
    location_id: Uuid,
    lines: &[NewLine],
    customer_id: Option<Uuid>,
) -> Result<Review, ApiError> {
    validate_lines(lines, "lines", &state.config.checkout)?;
    let location = store(&state.db, location_id).await?;
    let customer = buyer(&state.db, scope, customer_id).await?;
    let products = sellable_products(&state.db, lines, "lines", location.id).await?;
    let priced = priced(lines, &products);
    let basket = Basket {
        customer: &customer,
        location: &location,
        lines: basket_lines(&priced),
        now: Utc::now(),
    };
    Ok(compliance::review(&state.db, &basket, state.config.checkout.default_min_age).await?)
}
