//! `Customer`: a shopper's profile and purchase history (admins, or the shopper as `me`).

use async_graphql::{Context, ID, Json, Object};
use chrono::{DateTime, NaiveDate, Utc};
use entities::customer;

use super::{
    ClassGrams, CustomerEvent, CustomerPosProfile, Money, Purchase, PurchaseTotals,
    connection::{CanopyConnection, TotalCount, connection, page_request},
    cursor::IdList,
    ids::{parse_id, to_id},
};
use crate::{
    auth::RoleGuard,
    compliance::period,
    customers::{events, history, merge, profile, sync_status},
    error::ApiError,
    graphql::app_state,
    services::{
        customers::{self, PurchasePosition},
        locations::find_location,
    },
};

/// A customer profile, merged across POS systems and online accounts.
pub struct Customer(pub customer::Model);

impl IdList for Customer {
    const KIND: &'static str = "customer";
}

#[Object(cache_control(private))]
impl Customer {
    /// The customer's id.
    async fn id(&self) -> ID {
        to_id(self.0.id)
    }

    /// E-mail address (lower-cased).
    async fn email(&self) -> Option<&str> {
        self.0.email.as_deref()
    }

    /// Phone number in E.164 form.
    async fn phone(&self) -> Option<&str> {
        self.0.phone.as_deref()
    }

    /// First name.
    async fn first_name(&self) -> Option<&str> {
        self.0.first_name.as_deref()
    }

    /// Last name.
    async fn last_name(&self) -> Option<&str> {
        self.0.last_name.as_deref()
    }

    /// Date of birth.
    async fn date_of_birth(&self) -> Option<NaiveDate> {
        self.0.date_of_birth
    }

    /// Street address.
    async fn address(&self) -> Option<&str> {
        self.0.address.as_deref()
    }

    /// City.
    async fn city(&self) -> Option<&str> {
        self.0.city.as_deref()
    }

    /// State or province.
    async fn state(&self) -> Option<&str> {
        self.0.state.as_deref()
    }

    /// Postal code.
    async fn postal_code(&self) -> Option<&str> {
        self.0.postal_code.as_deref()
    }

    /// Preferences: favourite categories, preferred location and the like.
    async fn preferences(&self) -> Json<&serde_json::Value> {
        Json(&self.0.preferences)
    }

    /// Opted in to marketing messages.
    async fn marketing_opt_in(&self) -> bool {
        self.0.marketing_opt_in
    }

    /// When the profile was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// Whether personal data was erased on request (the history stays).
    async fn anonymized_at(&self) -> Option<DateTime<Utc>> {
        self.0.anonymized_at
    }

    /// The profile this one was merged into, if any.
    async fn merged_into_id(&self) -> Option<ID> {
        self.0.merged_into_id.map(to_id)
    }

    /// Purchases online and in store, newest first, of this profile and every profile
    /// merged into it.
    async fn purchase_history(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<CanopyConnection<PurchasePosition, Purchase>, ApiError> {
        let request = page_request::<PurchasePosition>(ctx, first, after.as_deref())?;
        let db = &app_state(ctx)?.db;
        let family = merge::family(db, self.0.id).await?;
        let page = customers::purchase_history(db, &family, &request).await?;
        let total = TotalCount::new(move |db| {
            let family = family.clone();
            Box::pin(async move { customers::count_purchases(&db, &family).await })
        });
        Ok(connection(
            page.map(Purchase),
            &request,
            total,
            |purchase| PurchasePosition::from(&purchase.0),
        ))
    }

    /// Totals of the purchase history: sales, returns and voids, each POS transaction
    /// counted once (an online order rung up at the POS is that same purchase).
    async fn purchase_totals(&self, ctx: &Context<'_>) -> Result<PurchaseTotals, ApiError> {
        let db = &app_state(ctx)?.db;
        let family = merge::family(db, self.0.id).await?;
        Ok(history::totals(db, &family).await?.into())
    }

    /// Sales less returns, across every POS and online.
    async fn lifetime_value(&self, ctx: &Context<'_>) -> Result<Money, ApiError> {
        let db = &app_state(ctx)?.db;
        let family = merge::family(db, self.0.id).await?;
        let totals = history::totals(db, &family).await?;
        Ok(Money::new(totals.net(), &totals.currency))
    }

    /// Flower-equivalent grams bought (online and in store) per product class in the
    /// current compliance periods at a location: that location's time zone and the
    /// purchase limits its jurisdiction sets for the market the customer buys under
    /// there (medical with a valid card at a medical store, else adult-use), each with
    /// its limit and period, counted as checkout counts them. `locationId` defaults to
    /// the customer's preferred location; without either, `BAD_USER_INPUT`.
    async fn grams_in_period(
        &self,
        ctx: &Context<'_>,
        location_id: Option<ID>,
    ) -> Result<Vec<ClassGrams>, ApiError> {
        let db = &app_state(ctx)?.db;
        let location = match &location_id {
            Some(id) => Some(parse_id("locationId", id)?),
            None => profile::preferred_location(&self.0),
        }
        .ok_or_else(|| {
            ApiError::bad_field(
                "locationId",
                "name a location: the customer has no preferred location",
            )
        })?;
        let location = find_location(db, location)
            .await?
            .ok_or_else(|| ApiError::bad_field("locationId", "no such location"))?;
        Ok(period::current(db, &self.0, &location, Utc::now())
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// The customer's record at each POS, and whether Canopy's edits reached it.
    async fn pos_profiles(&self, ctx: &Context<'_>) -> Result<Vec<CustomerPosProfile>, ApiError> {
        let db = &app_state(ctx)?.db;
        Ok(sync_status::of(db, self.0.id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// What happened to the profile (and those merged into it), oldest first. Admins only.
    #[graphql(guard = "RoleGuard::admin()")]
    async fn events(&self, ctx: &Context<'_>) -> Result<Vec<CustomerEvent>, ApiError> {
        let db = &app_state(ctx)?.db;
        let family = merge::family(db, self.0.id).await?;
        Ok(events::of(db, &family)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }
}
