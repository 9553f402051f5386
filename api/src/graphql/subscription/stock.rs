//! `stockChanged(locationId, productIds)`: live stock levels, public like the catalog.
//!
//! Filtering happens here, on the server: a subscriber receives only the products and
//! location it asked for. Delivery is latest-value-wins per (product, location)
//! ([`super::latest`]).

use std::collections::HashSet;

use async_graphql::{Context, ID, Subscription};
use chrono::{DateTime, Utc};
use entities::stock_level;
use futures::{Stream, StreamExt};
use sea_orm::{DatabaseConnection, DbErr};
use uuid::Uuid;

use super::latest::LatestStock;
use crate::{
    error::ApiError,
    events::{
        EventBusExt,
        stock::{STOCK_TOPIC, StockEvent as Change},
    },
    graphql::{
        app_state,
        types::{
            StockEvent,
            ids::{parse_id, parse_optional_id},
        },
    },
    services,
};

/// The most product ids one subscription may name.
pub const MAX_PRODUCT_IDS: usize = 500;

/// Stock subscriptions.
#[derive(Default)]
pub struct StockSubscription;

#[Subscription]
impl StockSubscription {
    /// Stock levels as they change: one event per committed change of a product's stock
    /// at a location, only for `locationId` and `productIds` when given. A subscriber
    /// that reads slower than stock changes gets the latest level of each product and
    /// location rather than every intermediate one. Public: no token needed.
    async fn stock_changed(
        &self,
        ctx: &Context<'_>,
        location_id: Option<ID>,
        product_ids: Option<Vec<ID>>,
    ) -> Result<impl Stream<Item = StockEvent> + use<>, ApiError> {
        let filter = StockFilter::parse(location_id.as_ref(), product_ids.as_deref())?;
        let state = app_state(ctx)?;
        let changes = state.events.subscribe_events(&STOCK_TOPIC);
        Ok(LatestStock::new(changes, filter, state.db.clone())
            .into_stream()
            .map(StockEvent))
    }
}

/// Which stock changes a subscriber asked for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct StockFilter {
    location: Option<Uuid>,
    products: Option<HashSet<Uuid>>,
}

impl StockFilter {
    /// The filter of the `locationId` and `productIds` arguments.
    fn parse(location: Option<&ID>, products: Option<&[ID]>) -> Result<Self, ApiError> {
        let products = products
            .map(|ids| {
                if ids.is_empty() {
                    return Err(ApiError::bad_field(
                        "productIds",
                        "`productIds` is empty; omit it to follow every product",
                    ));
                }
                if ids.len() > MAX_PRODUCT_IDS {
                    return Err(ApiError::bad_field(
                        "productIds",
                        format!("at most {MAX_PRODUCT_IDS} product ids"),
                    ));
                }
                ids.iter().map(|id| parse_id("productIds", id)).collect()
            })
            .transpose()?;
        Ok(Self {
            location: parse_optional_id("locationId", location)?,
            products,
        })
    }

    /// The stock rows the subscriber wants changed since `since`, the most recent
    /// `limit`, oldest first.
    pub(super) async fn changed_since(
        &self,
        db: &DatabaseConnection,
        since: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<stock_level::Model>, DbErr> {
        services::stock::changed_since(db, self.location, self.products.as_ref(), since, limit)
            .await
    }

    /// Whether the subscriber wants `change`.
    pub(super) fn matches(&self, change: &Change) -> bool {
        self.location.is_none_or(|id| id == change.location_id)
            && self
                .products
                .as_ref()
                .is_none_or(|ids| ids.contains(&change.product_id))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use chrono::Utc;
    use entities::enums::ChangeSource;

    use super::*;
    use crate::error::ErrorCode;

    fn change(product: Uuid, location: Uuid) -> Change {
        Change {
            product_id: product,
            location_id: location,
            on_hand: 1,
            reserved: 0,
            available: 1,
            source: ChangeSource::Poll,
            at: Utc::now(),
        }
    }

    #[test]
    fn filters_by_location_and_products() {
        let (product, other_product) = (Uuid::now_v7(), Uuid::now_v7());
        let (location, other_location) = (Uuid::now_v7(), Uuid::now_v7());
        let filter = StockFilter::parse(
            Some(&ID(location.to_string())),
            Some(&[ID(product.to_string())]),
        )
        .unwrap();
        assert!(filter.matches(&change(product, location)));
        assert!(!filter.matches(&change(other_product, location)));
        assert!(!filter.matches(&change(product, other_location)));
        assert!(StockFilter::default().matches(&change(other_product, other_location)));
    }

    #[test]
    fn bad_arguments_are_bad_user_input() {
        for (location, products) in [
            (Some(ID::from("nope")), None),
            (None, Some(vec![ID::from("nope")])),
            (None, Some(vec![])),
        ] {
            let error = StockFilter::parse(location.as_ref(), products.as_deref()).unwrap_err();
            assert_eq!(error.code(), ErrorCode::BadUserInput);
        }
    }
}
