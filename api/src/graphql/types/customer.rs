//! `Customer`: a shopper's profile and purchase history (admins, or the shopper as `me`).

use async_graphql::{Context, ID, Json, Object};
use chrono::{DateTime, NaiveDate, Utc};
use entities::customer;

use super::{
    Purchase,
    connection::{CanopyConnection, TotalCount, connection, page_request},
    cursor::IdList,
    ids::to_id,
};
use crate::{
    error::ApiError,
    graphql::app_state,
    services::customers::{self, PurchasePosition},
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

    /// Purchases online and in store, newest first.
    async fn purchase_history(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<CanopyConnection<PurchasePosition, Purchase>, ApiError> {
        let request = page_request::<PurchasePosition>(ctx, first, after.as_deref())?;
        let db = &app_state(ctx)?.db;
        let page = customers::purchase_history(db, self.0.id, &request).await?;
        let customer_id = self.0.id;
        let total = TotalCount::new(move |db| {
            Box::pin(async move { customers::count_purchases(&db, customer_id).await })
        });
        Ok(connection(
            page.map(Purchase),
            &request,
            total,
            |purchase| PurchasePosition::from(&purchase.0),
        ))
    }
}
