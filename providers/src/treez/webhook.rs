//! Inbound Treez webhooks [doc]: `{event_type, dispensary_short_name, data}` POSTed with
//! a static `Authorization: Bearer <token>`; no signature, no event id, no retries.
//!
//! The token is compared in constant time. An INVENTORY event becomes a
//! [`WebhookEvent::Stock`] for its dispensary, a TICKET event a
//! [`WebhookEvent::OrderStatus`] (carrying Canopy's order id from
//! `external_order_number`); PRODUCT and CUSTOMER events are acknowledged with no event
//! (the next poll reads them). Events for a dispensary this connection does not serve
//! are ignored. What `data` holds is a guess (see `guesses`).

use chrono::{DateTime, Utc};
use http::HeaderMap;
use http::header::AUTHORIZATION;
use secrecy::{ExposeSecret, SecretString};
use subtle::ConstantTimeEq;

use super::mapping;
use super::models::{StockRow, Ticket, WebhookBody};
use crate::model::WebhookEvent;

/// `event_type` of a stock change.
pub(crate) const INVENTORY: &str = "INVENTORY";
/// `event_type` of a ticket change.
pub(crate) const TICKET: &str = "TICKET";
/// `event_type` of a product change.
pub(crate) const PRODUCT: &str = "PRODUCT";
/// `event_type` of a customer change.
pub(crate) const CUSTOMER: &str = "CUSTOMER";

/// Why a webhook was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum WebhookError {
    /// No `Authorization` header, or not a bearer token.
    #[error("missing bearer token")]
    MissingToken,
    /// The bearer token is not the configured one.
    #[error("bearer token does not match")]
    BadToken,
    /// The body is not a Treez webhook.
    #[error("unreadable webhook: {0}")]
    BadBody(String),
}

/// Checks `Authorization: Bearer <token>` in constant time.
pub(crate) fn verify(headers: &HeaderMap, token: &SecretString) -> Result<(), WebhookError> {
    let presented = headers
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| {
            let (scheme, token) = value.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        })
        .filter(|token| !token.is_empty())
        .ok_or(WebhookError::MissingToken)?;
    if bool::from(presented.as_bytes().ct_eq(token.expose_secret().as_bytes())) {
        Ok(())
    } else {
        Err(WebhookError::BadToken)
    }
}

/// The events of a verified body, for the dispensaries this connection serves.
pub(crate) fn parse(
    body: &[u8],
    dispensaries: &[String],
    received_at: DateTime<Utc>,
) -> Result<Vec<WebhookEvent>, WebhookError> {
    let body: WebhookBody =
        serde_json::from_slice(body).map_err(|e| WebhookError::BadBody(e.to_string()))?;
    let dispensary = body.dispensary_short_name.trim();
    if !dispensaries.iter().any(|d| d == dispensary) {
        tracing::info!(
            vendor = "treez",
            dispensary,
            "webhook for another dispensary ignored"
        );
        return Ok(Vec::new());
    }
    let bad = |e: String| WebhookError::BadBody(format!("{}: {e}", body.event_type));
    match body.event_type.as_str() {
        INVENTORY => {
            let row: StockRow = crate::record::read(body.data).map_err(bad)?;
            mapping::validate_stock(&row).map_err(bad)?;
            Ok(vec![WebhookEvent::Stock {
                delivery_id: None,
                records: vec![mapping::stock(&row, dispensary, received_at)],
            }])
        }
        TICKET => {
            let ticket: Ticket = crate::record::read(body.data).map_err(bad)?;
            Ok(vec![WebhookEvent::OrderStatus {
                delivery_id: None,
                status: mapping::ticket_status(&ticket),
                customer: None,
                order_reference: ticket.external_order_number.clone(),
            }])
        }
        PRODUCT | CUSTOMER => Ok(Vec::new()),
        other => Err(WebhookError::BadBody(format!("unknown event_type {other}"))),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use http::HeaderValue;
    use serde_json::json;

    fn headers(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn only_the_configured_token_passes() {
        let token = SecretString::from("whk-123");
        assert_eq!(verify(&headers("Bearer whk-123"), &token), Ok(()));
        assert_eq!(
            verify(&headers("Bearer whk-12"), &token),
            Err(WebhookError::BadToken)
        );
        assert_eq!(
            verify(&headers("Basic whk-123"), &token),
            Err(WebhookError::MissingToken)
        );
        assert_eq!(
            verify(&HeaderMap::new(), &token),
            Err(WebhookError::MissingToken)
        );
    }

    #[test]
    fn inventory_and_ticket_events_become_canopy_events() {
        let served = vec!["store-a".to_owned()];
        let now = Utc::now();
        let inventory = json!({"event_type": "INVENTORY", "dispensary_short_name": "store-a",
            "data": {"product_id": "p1", "inventory_details": [
                {"location_name": "FLOOR", "inventory_type": "ADULT", "sellable_quantity": 4,
                 "last_updated_at": "2026-07-14T10:55:58.000-07:00"},
                {"location_name": "BACK", "inventory_type": "ADULT", "sellable_quantity": 3}]}});
        let events = parse(inventory.to_string().as_bytes(), &served, now).unwrap();
        let [WebhookEvent::Stock { records, .. }] = events.as_slice() else {
            panic!("{events:?}")
        };
        assert_eq!(
            (records[0].on_hand, records[0].external_location_id.as_str()),
            (7, "store-a")
        );
        let ticket = json!({"event_type": "TICKET", "dispensary_short_name": "store-a",
            "data": {"ticket_id": "t1", "order_status": "PACKED_READY",
                "external_order_number": "order-1"}});
        let events = parse(ticket.to_string().as_bytes(), &served, now).unwrap();
        let [
            WebhookEvent::OrderStatus {
                status,
                order_reference,
                ..
            },
        ] = events.as_slice()
        else {
            panic!("{events:?}")
        };
        assert_eq!(status.vendor_status, "PACKED_READY");
        assert_eq!(order_reference.as_deref(), Some("order-1"));
        let elsewhere =
            json!({"event_type": "TICKET", "dispensary_short_name": "store-b", "data": {}});
        assert!(
            parse(elsewhere.to_string().as_bytes(), &served, now)
                .unwrap()
                .is_empty()
        );
        let product =
            json!({"event_type": "PRODUCT", "dispensary_short_name": "store-a", "data": {}});
        assert!(
            parse(product.to_string().as_bytes(), &served, now)
                .unwrap()
                .is_empty()
        );
        assert!(parse(b"<html>", &served, now).is_err());
    }
}
