//! The claims Canopy puts in and expects from its tokens.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// What a token allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Operators of the retailer: configuration, customers, alerts, every order.
    Admin,
    /// A storefront application: public catalog reads, optionally identified.
    Storefront,
    /// A shopper: their own profile and orders.
    Customer,
}

/// The JWT claims of an API token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// Subject: the customer id for customer tokens, an operator label otherwise.
    pub sub: String,
    /// The role granted.
    pub role: Role,
    /// Expiry, seconds since the Unix epoch.
    pub exp: u64,
    /// Issue time, seconds since the Unix epoch (identity providers may leave it out).
    #[serde(default)]
    pub iat: u64,
    /// Intended audience, when the deployment sets one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<String>,
    /// Issuer, when the deployment sets one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
}

impl Claims {
    /// Claims for `role` and `sub`, valid for `ttl` from now.
    pub fn new(role: Role, sub: impl Into<String>, ttl: Duration, aud: Option<String>) -> Self {
        let iat = jsonwebtoken::get_current_timestamp();
        Self {
            sub: sub.into(),
            role,
            exp: iat.saturating_add(ttl.as_secs()),
            iat,
            aud,
            iss: None,
        }
    }
}
