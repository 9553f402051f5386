//! The [`PosProvider`] trait: all the rest of Canopy knows of a point of sale.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use http::HeaderMap;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use url::Url;
use uuid::Uuid;

use crate::error::ProviderResult;
use crate::model::{
    Batch, Capabilities, ConnectionReport, ExternalCustomer, ExternalLocation, ExternalProduct,
    ExternalTransaction, OrderSubmission, PosKind, PosOrderStatus, ReturnReceipt, ReturnRequest,
    StockSnapshot, SubmittedOrder, WebhookEvent,
};

/// The settings key naming the time zone of stores whose POS does not give one.
pub const TIME_ZONE_SETTING: &str = "time_zone";

/// Everything needed to reach one POS account.
#[derive(Debug, Clone)]
pub struct ConnectionConfig {
    /// Canopy's id for the provider connection; named in every error and trace.
    pub connection_id: Uuid,
    /// Which POS.
    pub kind: PosKind,
    /// The vendor's API base URL (a simulator's in tests and the demo).
    pub base_url: Url,
    /// Dutchie location key, Jane client id, Dispense API key.
    pub api_key: SecretString,
    /// Jane client secret; Dutchie integrator key in integrator mode.
    pub api_secret: Option<SecretString>,
    /// The shared secret inbound webhooks are verified with (Jane); `None` for vendors
    /// without webhooks or before one is configured.
    pub webhook_secret: Option<SecretString>,
    /// Vendor-specific settings without secrets (store ids, venue ids, auth modes, token URL …).
    pub settings: serde_json::Value,
}

/// A POS the rest of Canopy can sync with and send orders to.
///
/// Each method is one capability; a vendor without it answers
/// [`crate::ProviderErrorKind::Unsupported`]. Incremental reads take the
/// last high-water mark (`since`) and return everything modified at or after it.
#[async_trait]
pub trait PosProvider: Send + Sync {
    /// Which POS this adapter speaks to.
    fn kind(&self) -> PosKind;

    /// What this vendor offers beyond the common operations.
    fn capabilities(&self) -> Capabilities;

    /// Checks the credentials and reports what they reach.
    async fn test_connection(&self) -> ProviderResult<ConnectionReport>;

    /// The stores the credentials can see.
    async fn locations(&self) -> ProviderResult<Vec<ExternalLocation>>;

    /// The catalog, in full (`since = None`) or changed since a time.
    async fn catalog(&self, since: Option<DateTime<Utc>>)
    -> ProviderResult<Batch<ExternalProduct>>;

    /// Stock counts: a full snapshot, or changes since a time where the vendor has them.
    async fn stock(&self, since: Option<DateTime<Utc>>) -> ProviderResult<StockSnapshot>;

    /// Customers, in full or changed since a time.
    async fn customers(
        &self,
        since: Option<DateTime<Utc>>,
    ) -> ProviderResult<Batch<ExternalCustomer>>;

    /// Writes a customer profile to the POS; returns the POS's id for it.
    async fn upsert_customer(&self, customer: &ExternalCustomer) -> ProviderResult<String>;

    /// Purchase history (sales, returns, voids), in full or changed since a time.
    async fn transactions(
        &self,
        since: Option<DateTime<Utc>>,
    ) -> ProviderResult<Batch<ExternalTransaction>>;

    /// Submits an online order. Idempotent on `order.order_id`: submitting the
    /// same order twice yields the same POS order.
    async fn submit_order(&self, order: &OrderSubmission) -> ProviderResult<SubmittedOrder>;

    /// The current status of an order at the POS.
    async fn order_status(&self, external_id: &str) -> ProviderResult<PosOrderStatus>;

    /// Cancels an order at the POS.
    async fn cancel_order(&self, external_id: &str, reason: &str)
    -> ProviderResult<PosOrderStatus>;

    /// Records a return of some lines of a completed order.
    async fn submit_return(&self, request: &ReturnRequest) -> ProviderResult<ReturnReceipt>;

    /// Verifies and parses an inbound webhook. Vendors without webhooks answer `Unsupported`.
    fn parse_webhook(&self, headers: &HeaderMap, body: &[u8]) -> ProviderResult<Vec<WebhookEvent>>;
}

/// Vendor settings shared by all kinds, read from [`ConnectionConfig::settings`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CommonSettings {
    /// Override of the connect timeout, milliseconds.
    pub connect_timeout_ms: Option<u64>,
    /// Override of the per-request timeout, milliseconds.
    pub request_timeout_ms: Option<u64>,
}
