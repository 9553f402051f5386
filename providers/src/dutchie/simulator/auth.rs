//! The simulator's front door, as Dutchie's: HTTP Basic with a location key
//! as user name (401 when unknown; an integrator key in the password slot is
//! checked when one is configured), the key's roles (403 when the endpoint
//! needs one it lacks) and the per-key, per-endpoint rate limits (429 with
//! Dutchie's body). Authenticated requests carry a [`Caller`] extension.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde::{Deserialize, Serialize};

use super::super::endpoints as ep;
use super::super::models::TooManyRequests;
use crate::http::Endpoint;
use crate::simulator::ServerRateLimits;

/// A permission a Dutchie key may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DutchieRole {
    /// Products and inventory.
    Inventory,
    /// Customer profiles.
    Customer,
    /// Reporting (purchase history).
    Reporting,
    /// Pre-orders.
    PreOrder,
}

impl DutchieRole {
    /// Every role.
    pub const ALL: [DutchieRole; 4] = [
        DutchieRole::Inventory,
        DutchieRole::Customer,
        DutchieRole::Reporting,
        DutchieRole::PreOrder,
    ];
}

/// A location API key the simulator accepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DutchieSimKey {
    /// The key (the Basic user name).
    pub key: String,
    /// The store location it belongs to.
    pub location_id: String,
    /// What it may do.
    pub roles: Vec<DutchieRole>,
}

/// Who is calling: set on every authenticated request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Caller {
    /// The key used.
    pub key: String,
    /// The store location of the key.
    pub location_id: String,
}

/// The role an endpoint needs; `None` for any authenticated key.
fn required_role(endpoint: &Endpoint) -> Option<DutchieRole> {
    let name = endpoint.name;
    if name == ep::WHOAMI.name {
        None
    } else if name == ep::PRODUCTS.name || name == ep::INVENTORY.name {
        Some(DutchieRole::Inventory)
    } else if name == ep::TRANSACTIONS.name {
        Some(DutchieRole::Reporting)
    } else if name.contains(" /preorder/") {
        Some(DutchieRole::PreOrder)
    } else {
        Some(DutchieRole::Customer)
    }
}

/// What the guard checks requests against.
#[derive(Debug, Clone)]
pub(crate) struct Gate {
    keys: Arc<HashMap<String, DutchieSimKey>>,
    integrator_key: Option<String>,
    limits: Arc<ServerRateLimits>,
}

impl Gate {
    pub(crate) fn new(
        keys: &[DutchieSimKey],
        integrator_key: Option<String>,
        limits: ServerRateLimits,
    ) -> Self {
        Gate {
            keys: Arc::new(keys.iter().map(|k| (k.key.clone(), k.clone())).collect()),
            integrator_key,
            limits: Arc::new(limits),
        }
    }

    /// The key named by a Basic `Authorization` header, if the credentials are good.
    fn authenticate(&self, authorization: Option<&str>) -> Option<&DutchieSimKey> {
        let encoded = authorization?.strip_prefix("Basic ")?;
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .ok()?;
        let text = String::from_utf8(decoded).ok()?;
        let (user, password) = text.split_once(':')?;
        let key = self.keys.get(user)?;
        let password_ok = password.is_empty() || self.integrator_key.as_deref() == Some(password);
        password_ok.then_some(key)
    }
}

fn endpoint_of(method: &str, path: &str) -> Option<Endpoint> {
    ep::ALL.into_iter().find(|e| {
        e.name
            .split_once(' ')
            .is_some_and(|(m, p)| m == method && p == path)
    })
}

/// Dutchie's 429 body for a bucket allowing `limit` calls a minute.
pub(crate) fn too_many_requests_body(limit: u32) -> serde_json::Value {
    serde_json::to_value(TooManyRequests {
        message: format!("Too many requests - only {limit} per minute allowed"),
        trace_id: uuid::Uuid::new_v4().simple().to_string(),
    })
    .unwrap_or_default()
}

/// The middleware: authenticate, authorise, rate-limit.
pub(crate) async fn guard(State(gate): State<Gate>, mut request: Request, next: Next) -> Response {
    let Some(endpoint) = endpoint_of(request.method().as_str(), request.uri().path()) else {
        return next.run(request).await;
    };
    let authorization = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let Some(key) = gate.authenticate(authorization).cloned() else {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Basic")],
            "Invalid API Key",
        )
            .into_response();
    };
    if let Some(role) = required_role(&endpoint)
        && !key.roles.contains(&role)
    {
        return (StatusCode::FORBIDDEN, "Account not authorized").into_response();
    }
    let decision = gate.limits.check(&key.key, endpoint.bucket);
    if let crate::simulator::RateDecision::Limited { limit, .. } = decision {
        return decision.too_many_requests(too_many_requests_body(limit));
    }
    request.extensions_mut().insert(Caller {
        key: key.key,
        location_id: key.location_id,
    });
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_and_roles() {
        assert_eq!(endpoint_of("GET", "/inventory"), Some(ep::INVENTORY));
        assert_eq!(endpoint_of("POST", "/inventory"), None);
        assert_eq!(required_role(&ep::WHOAMI), None);
        assert_eq!(
            required_role(&ep::PREORDER_STATUS),
            Some(DutchieRole::PreOrder)
        );
        assert_eq!(
            required_role(&ep::CUSTOMER_SEARCH),
            Some(DutchieRole::Customer)
        );
        assert_eq!(
            required_role(&ep::TRANSACTIONS),
            Some(DutchieRole::Reporting)
        );
    }

    #[test]
    fn basic_credentials() {
        let gate = Gate::new(
            &[DutchieSimKey {
                key: "k1".into(),
                location_id: "1".into(),
                roles: vec![],
            }],
            Some("integrator".into()),
            ServerRateLimits::new(&[]),
        );
        let basic = |s: &str| {
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(s)
            )
        };
        assert!(gate.authenticate(Some(&basic("k1:"))).is_some());
        assert!(gate.authenticate(Some(&basic("k1:integrator"))).is_some());
        assert!(gate.authenticate(Some(&basic("k1:wrong"))).is_none());
        assert!(gate.authenticate(Some(&basic("k2:"))).is_none());
        assert!(gate.authenticate(Some("Bearer k1")).is_none());
        assert!(gate.authenticate(None).is_none());
    }
}
