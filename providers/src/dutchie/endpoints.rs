//! The Dutchie endpoints Canopy calls, their paths, and the client-side
//! rate limits that apply to them. Dutchie limits each key per endpoint, so
//! every endpoint is its own bucket (named after the endpoint).

use std::time::Duration;

use super::settings::{DutchieRateLimits, DutchieSettings};
use crate::http::{Endpoint, PolicyConfig, RateLimit};

const fn endpoint(name: &'static str) -> Endpoint {
    Endpoint::new(name, name)
}

/// `GET /whoami`: the key's location.
pub(crate) const WHOAMI: Endpoint = endpoint("GET /whoami");
/// `GET /products`: the catalog.
pub(crate) const PRODUCTS: Endpoint = endpoint("GET /products");
/// `GET /inventory`: packages with stock.
pub(crate) const INVENTORY: Endpoint = endpoint("GET /inventory");
/// `GET /customer/customers`: customers changed in a date range.
pub(crate) const CUSTOMERS: Endpoint = endpoint("GET /customer/customers");
/// `GET /customer/customers-paginated`: all customers, page by page.
pub(crate) const CUSTOMERS_PAGINATED: Endpoint = endpoint("GET /customer/customers-paginated");
/// `POST /customer/customer`: create or update a customer.
pub(crate) const CUSTOMER_UPSERT: Endpoint = endpoint("POST /customer/customer");
/// `POST /customer/search`: find a customer by medical id, e-mail, phone, name and birth date.
pub(crate) const CUSTOMER_SEARCH: Endpoint = endpoint("POST /customer/search");
/// `GET /reporting/transactions`: purchase history.
pub(crate) const TRANSACTIONS: Endpoint = endpoint("GET /reporting/transactions");
/// `POST /preorder/submit`: place an online order.
pub(crate) const PREORDER_SUBMIT: Endpoint = endpoint("POST /preorder/submit");
/// `GET /preorder/Status`: an order's status.
pub(crate) const PREORDER_STATUS: Endpoint = endpoint("GET /preorder/Status");
/// `POST /preorder/cancel`: cancel an order.
pub(crate) const PREORDER_CANCEL: Endpoint = endpoint("POST /preorder/cancel");

/// Every endpoint above, for limits and tests.
pub(crate) const ALL: [Endpoint; 11] = [
    WHOAMI,
    PRODUCTS,
    INVENTORY,
    CUSTOMERS,
    CUSTOMERS_PAGINATED,
    CUSTOMER_UPSERT,
    CUSTOMER_SEARCH,
    TRANSACTIONS,
    PREORDER_SUBMIT,
    PREORDER_STATUS,
    PREORDER_CANCEL,
];

/// Path of an endpoint (its name without the method).
pub(crate) fn path(endpoint: &Endpoint) -> &'static str {
    endpoint
        .name
        .split_once(' ')
        .map_or(endpoint.name, |(_, path)| path)
}

/// Requests per minute allowed on `endpoint`.
pub(crate) fn per_minute(endpoint: &Endpoint, limits: &DutchieRateLimits) -> u32 {
    match endpoint.name {
        n if n == INVENTORY.name => limits.inventory_per_minute,
        n if n == WHOAMI.name => limits.whoami_per_minute,
        n if n == TRANSACTIONS.name => limits.reporting_per_minute,
        n if n == PREORDER_CANCEL.name => limits.preorder_cancel_per_minute,
        _ => limits.baseline_per_minute,
    }
}

/// The HTTP policy for a Dutchie connection: the shared defaults, Dutchie's
/// per-endpoint limits, the connection's timeouts, then its `http` overrides.
pub(crate) fn policy_config(
    settings: &DutchieSettings,
    raw_settings: &serde_json::Value,
) -> Result<PolicyConfig, serde_json::Error> {
    let mut config = PolicyConfig {
        limits: ALL
            .iter()
            .map(|e| RateLimit::per_minute(e.bucket, per_minute(e, &settings.rate_limits)))
            .collect(),
        ..PolicyConfig::default()
    };
    if let Some(ms) = settings.common.connect_timeout_ms {
        config.connect_timeout = Duration::from_millis(ms);
    }
    if let Some(ms) = settings.common.request_timeout_ms {
        config.request_timeout = Duration::from_millis(ms);
    }
    config.with_settings(raw_settings)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn documented_limits_per_endpoint() {
        let c = policy_config(&DutchieSettings::default(), &serde_json::Value::Null).unwrap();
        let per = |e: Endpoint| {
            c.limits
                .iter()
                .find(|l| l.bucket == e.bucket)
                .unwrap()
                .burst
        };
        assert_eq!(per(PRODUCTS), 120);
        assert_eq!(per(INVENTORY), 200);
        assert_eq!(per(WHOAMI), 200);
        assert_eq!(per(TRANSACTIONS), 60);
        assert_eq!(per(PREORDER_CANCEL), 240);
        assert_eq!(path(&PREORDER_STATUS), "/preorder/Status");
    }
}
