//! [`DispenseProvider`]: the [`PosProvider`] for Dispense.
//!
//! Catalog and stock come from `GET /products?venueId&group=false` (one row
//! per SKU; any live `variants` count as SKUs of their own), incrementally
//! with `modifiedStart`. Dispense has no customer API: when the connection
//! sets `customers_from_orders`, customers are derived from the `user` on
//! orders changed since the mark; otherwise customer reads are `Unsupported`. Purchase history is the
//! completed (sale) and cancelled (void) orders. Orders are submitted as a
//! cart turned into an order **[guess]**, idempotent on Canopy's order id.
//! Dispense has no returns API and no webhooks.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use http::HeaderMap;

use super::api::{self, DispenseApi};
use super::decode;
use super::guesses;
use super::mapping;
use super::models::{CancelOrder, Cart, NewCart, NewCartItem, NewOrder, Order, Product, Venue};
use super::settings::DispenseSettings;
use crate::error::{ProviderError, ProviderErrorKind, ProviderResult};
use crate::http::Endpoint;
use crate::listing::RecordDecoder;
use crate::model::{
    Batch, Capabilities, ConnectionReport, ExternalCustomer, ExternalLocation, ExternalProduct,
    ExternalTransaction, OrderSubmission, PosKind, PosOrderStatus, RejectedRecord, ReturnReceipt,
    ReturnRequest, StockSnapshot, SubmittedOrder, WebhookEvent,
};
use crate::provider::{ConnectionConfig, PosProvider};

/// The Dispense adapter for one connection.
#[derive(Debug)]
pub struct DispenseProvider {
    api: DispenseApi,
    venues: Vec<String>,
    customers_from_orders: bool,
}

/// Records of one kind read from every venue, plus what was rejected.
struct Read<T> {
    items: Vec<T>,
    rejected: Vec<RejectedRecord>,
}

impl DispenseProvider {
    /// An adapter for `config`; fails on unusable settings, base URL or key.
    pub fn new(config: &ConnectionConfig) -> ProviderResult<Self> {
        let settings = DispenseSettings::from_json(&config.settings).map_err(|msg| {
            ProviderError::new(
                config.connection_id,
                "configure",
                ProviderErrorKind::Config(msg),
            )
        })?;
        Ok(DispenseProvider {
            api: DispenseApi::new(config, &settings)?,
            venues: settings.venues(),
            customers_from_orders: settings.customers_from_orders,
        })
    }

    /// Reads a venue-scoped list from every venue. Duplicate ids are rejected
    /// within one venue's list; the caller decides about the same id across venues.
    async fn read_all<T: serde::de::DeserializeOwned>(
        &self,
        endpoint: &Endpoint,
        path: &str,
        extra: &[(&'static str, String)],
        since: Option<DateTime<Utc>>,
        decoder: fn() -> RecordDecoder<T>,
    ) -> ProviderResult<Read<T>> {
        let mut read = Read {
            items: Vec::new(),
            rejected: Vec::new(),
        };
        for venue in &self.venues {
            let mut query = api::venue_query(venue, since);
            query.extend_from_slice(extra);
            let decoder = self.api.list(endpoint, path, &query, decoder()).await?;
            read.items.extend(decoder.items);
            read.rejected.extend(decoder.rejected);
        }
        Ok(read)
    }

    async fn products(&self, since: Option<DateTime<Utc>>) -> ProviderResult<Read<Product>> {
        self.read_all(
            &api::PRODUCTS,
            "products",
            &[("group", "false".to_owned())],
            since,
            decode::products,
        )
        .await
    }

    async fn orders(&self, since: Option<DateTime<Utc>>) -> ProviderResult<Read<Order>> {
        self.read_all(&api::ORDERS, "orders", &[], since, decode::orders)
            .await
    }

    async fn venue(&self, id: &str) -> ProviderResult<ExternalLocation> {
        let venue: Venue = self.api.get(&api::VENUE, &["venues", id], &[]).await?;
        Ok(mapping::location(&venue))
    }

    /// Checks every line of a new cart can be had.
    fn check_cart(&self, cart: &Cart) -> ProviderResult<()> {
        let refused: Vec<String> = cart
            .items
            .iter()
            .filter_map(|item| {
                let status = item.status.as_deref()?;
                (!guesses::CART_ITEM_OK_STATUSES
                    .iter()
                    .any(|ok| ok.eq_ignore_ascii_case(status)))
                .then(|| format!("{}: {status}", item.product))
            })
            .collect();
        if refused.is_empty() {
            Ok(())
        } else {
            Err(self.api.error(
                &api::CREATE_CART,
                ProviderErrorKind::Rejected(refused.join(", ")),
            ))
        }
    }
}

#[async_trait]
impl PosProvider for DispenseProvider {
    fn kind(&self) -> PosKind {
        PosKind::Dispense
    }

    fn capabilities(&self) -> Capabilities {
        super::KIND.capabilities
    }

    async fn test_connection(&self) -> ProviderResult<ConnectionReport> {
        let locations = self.locations().await?;
        Ok(ConnectionReport {
            identity: format!("Dispense venue {}", self.venues.join(", ")),
            locations,
            permissions: Vec::new(),
        })
    }

    async fn locations(&self) -> ProviderResult<Vec<ExternalLocation>> {
        let mut locations = Vec::with_capacity(self.venues.len());
        for venue in &self.venues {
            locations.push(self.venue(venue).await?);
        }
        Ok(locations)
    }

    async fn catalog(
        &self,
        since: Option<DateTime<Utc>>,
    ) -> ProviderResult<Batch<ExternalProduct>> {
        let rows = self.products(since).await?;
        Ok(Batch {
            items: mapping::catalog(&rows.items),
            rejected: rows.rejected,
            high_water_mark: rows.items.iter().map(|p| p.modified).max(),
        })
    }

    async fn stock(&self, since: Option<DateTime<Utc>>) -> ProviderResult<StockSnapshot> {
        let rows = self.products(since).await?;
        Ok(StockSnapshot {
            records: rows.items.iter().flat_map(mapping::stock).collect(),
            complete: since.is_none(),
            rejected: rows.rejected,
        })
    }

    /// Dispense has no customer API: with `customers_from_orders` set, the
    /// users on orders changed since `since` (each as of their latest order).
    async fn customers(
        &self,
        since: Option<DateTime<Utc>>,
    ) -> ProviderResult<Batch<ExternalCustomer>> {
        if !self.customers_from_orders {
            return Err(self.api.unsupported(
                "customers",
                "Dispense has no customer API (see customers_from_orders)",
            ));
        }
        let orders = self.orders(since).await?;
        Ok(Batch {
            items: mapping::customers(&orders.items),
            rejected: orders.rejected,
            high_water_mark: orders.items.iter().map(|o| o.modified).max(),
        })
    }

    async fn upsert_customer(&self, _customer: &ExternalCustomer) -> ProviderResult<String> {
        Err(self
            .api
            .unsupported("upsert_customer", "Dispense has no customer API"))
    }

    async fn transactions(
        &self,
        since: Option<DateTime<Utc>>,
    ) -> ProviderResult<Batch<ExternalTransaction>> {
        let orders = self.orders(since).await?;
        Ok(Batch {
            items: orders
                .items
                .iter()
                .filter_map(mapping::transaction)
                .collect(),
            rejected: orders.rejected,
            high_water_mark: orders.items.iter().map(|o| o.modified).max(),
        })
    }

    async fn submit_order(&self, order: &OrderSubmission) -> ProviderResult<SubmittedOrder> {
        let customer = &order.customer;
        let new_cart = NewCart {
            venue_id: order.external_location_id.clone(),
            items: order
                .lines
                .iter()
                .map(|line| NewCartItem {
                    product_id: line.external_product_id.clone(),
                    quantity: line.quantity,
                    purchase_weight: None,
                })
                .collect(),
            user_id: customer.external_id.clone(),
            pick_up_type: Some(guesses::pick_up_type(order.fulfillment).to_owned()),
            first_name: customer.first_name.clone(),
            last_name: customer.last_name.clone(),
            email: customer.email.clone(),
            phone: customer.phone.clone(),
        };
        let cart: Cart = self
            .api
            .post(&api::CREATE_CART, &["carts"], &new_cart)
            .await?;
        self.check_cart(&cart)?;
        let new_order = NewOrder {
            cart_id: cart.id,
            external_order_id: order.order_id.to_string(),
            notes: order.notes.clone(),
        };
        let placed: Order = self
            .api
            .post(
                &api::CREATE_ORDER,
                &[guesses::ORDERS_CREATE_PATH],
                &new_order,
            )
            .await?;
        Ok(SubmittedOrder {
            external_id: placed.id.clone(),
            status: mapping::order_status(&placed),
        })
    }

    async fn order_status(&self, external_id: &str) -> ProviderResult<PosOrderStatus> {
        let order: Order = self
            .api
            .get(&api::ORDER, &api::order_path(external_id, None), &[])
            .await?;
        Ok(mapping::order_status(&order))
    }

    async fn cancel_order(
        &self,
        external_id: &str,
        reason: &str,
    ) -> ProviderResult<PosOrderStatus> {
        let body = CancelOrder {
            reason: reason.to_owned(),
        };
        let path = api::order_path(external_id, Some(guesses::ORDER_CANCEL_SEGMENT));
        let order: Order = self.api.post(&api::CANCEL_ORDER, &path, &body).await?;
        Ok(mapping::order_status(&order))
    }

    async fn submit_return(&self, _request: &ReturnRequest) -> ProviderResult<ReturnReceipt> {
        Err(self
            .api
            .unsupported("submit_return", "Dispense has no returns API"))
    }

    fn parse_webhook(
        &self,
        _headers: &HeaderMap,
        _body: &[u8],
    ) -> ProviderResult<Vec<WebhookEvent>> {
        Err(self
            .api
            .unsupported("parse_webhook", "Dispense sends no webhooks"))
    }
}
