//! Inbound Jane webhooks [doc]: Jane POSTs `{cart: {...}}` to the endpoint we
//! registered, with `Authorization: Bearer <shared secret>`.
//!
//! The secret is compared in constant time (`subtle`), so the comparison
//! says nothing about how much of a guess was right. A verified cart becomes
//! a [`WebhookEvent::OrderStatus`] carrying the customer from the cart's user
//! fields; an unknown status is kept as `vendor_status`, never rejected.

use http::HeaderMap;
use http::header::AUTHORIZATION;
use secrecy::{ExposeSecret, SecretString};
use subtle::ConstantTimeEq;

use crate::model::WebhookEvent;

use super::mapping;
use super::models::CartEnvelope;

/// Why a webhook was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum WebhookError {
    /// No `Authorization` header, or not a bearer token.
    #[error("missing bearer token")]
    MissingToken,
    /// The bearer token is not the shared secret.
    #[error("bearer token does not match the shared secret")]
    BadToken,
    /// The body is not a cart payload.
    #[error("unreadable cart payload: {0}")]
    BadBody(String),
}

/// Checks `Authorization: Bearer <secret>` against the shared secret in constant time.
pub(crate) fn verify(headers: &HeaderMap, secret: &SecretString) -> Result<(), WebhookError> {
    let presented = headers
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| {
            let (scheme, token) = value.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        })
        .filter(|token| !token.is_empty())
        .ok_or(WebhookError::MissingToken)?;
    if constant_time_eq(presented.as_bytes(), secret.expose_secret().as_bytes()) {
        Ok(())
    } else {
        Err(WebhookError::BadToken)
    }
}

/// Byte equality whose timing depends only on the lengths.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    bool::from(a.ct_eq(b))
}

/// Parses a verified webhook body into its event.
pub(crate) fn parse(body: &[u8]) -> Result<WebhookEvent, WebhookError> {
    let CartEnvelope { cart } =
        serde_json::from_slice(body).map_err(|e| WebhookError::BadBody(e.to_string()))?;
    Ok(WebhookEvent::OrderStatus {
        delivery_id: None,
        status: mapping::cart_status(&cart),
        customer: mapping::cart_customer(&cart).map(Box::new),
        order_reference: cart.external_order_id.clone(),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use http::HeaderValue;

    fn headers(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn verify_accepts_only_the_shared_secret() {
        let secret = SecretString::from("s3cret");
        assert_eq!(verify(&headers("Bearer s3cret"), &secret), Ok(()));
        assert_eq!(verify(&headers("bearer  s3cret "), &secret), Ok(()));
        assert_eq!(
            verify(&headers("Bearer s3cre"), &secret),
            Err(WebhookError::BadToken)
        );
        assert_eq!(
            verify(&headers("Bearer s3cretx"), &secret),
            Err(WebhookError::BadToken)
        );
        assert_eq!(
            verify(&headers("Basic s3cret"), &secret),
            Err(WebhookError::MissingToken)
        );
        assert_eq!(
            verify(&headers("Bearer "), &secret),
            Err(WebhookError::MissingToken)
        );
        assert_eq!(
            verify(&HeaderMap::new(), &secret),
            Err(WebhookError::MissingToken)
        );
    }

    #[test]
    fn constant_time_eq_compares_bytes() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
