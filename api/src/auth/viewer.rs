//! The caller of one request, as resolvers see it.

use async_graphql::Context;
use axum::http::{HeaderValue, header::AUTHORIZATION};
use uuid::Uuid;

use super::{AuthError, Claims, JwtKeys, Role};
use crate::error::ApiError;

/// Who is calling. Placed in every GraphQL request's data by the HTTP and websocket layers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Viewer {
    /// No token.
    Anonymous,
    /// A storefront application.
    Storefront,
    /// A signed-in shopper.
    Customer {
        /// The customer's id.
        id: Uuid,
    },
    /// An operator of the retailer.
    Admin {
        /// The token's subject (`sub`): who acts, as written in the audit log.
        subject: String,
    },
}

impl Viewer {
    /// The viewer a verified token describes.
    pub fn from_claims(claims: &Claims) -> Result<Self, AuthError> {
        Ok(match claims.role {
            Role::Admin => Self::Admin {
                subject: claims.sub.clone(),
            },
            Role::Storefront => Self::Storefront,
            Role::Customer => Self::Customer {
                id: claims.sub.parse().map_err(|_| AuthError::BadSubject)?,
            },
        })
    }

    /// The viewer of an `Authorization` header value: none is anonymous, anything but a
    /// valid bearer token is an error (never silently anonymous).
    pub fn from_authorization(
        keys: &JwtKeys,
        authorization: Option<&str>,
    ) -> Result<Self, AuthError> {
        let Some(value) = authorization else {
            return Ok(Self::Anonymous);
        };
        let token = bearer(value).ok_or(AuthError::MalformedHeader)?;
        Self::from_claims(&keys.verify(token)?)
    }

    /// The bearer token of a request's `Authorization` header, unverified; `None` when
    /// there is no header or it is not `Bearer <token>`.
    pub fn bearer_token(headers: &http::HeaderMap) -> Option<&str> {
        headers
            .get(AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(bearer)
    }

    /// The viewer of an HTTP request's headers.
    pub fn from_headers(keys: &JwtKeys, headers: &http::HeaderMap) -> Result<Self, AuthError> {
        let value = headers.get(AUTHORIZATION).map(HeaderValue::to_str);
        match value {
            None => Ok(Self::Anonymous),
            Some(Ok(value)) => Self::from_authorization(keys, Some(value)),
            Some(Err(_)) => Err(AuthError::MalformedHeader),
        }
    }

    /// The viewer of the current GraphQL request.
    pub fn of<'a>(ctx: &Context<'a>) -> Result<&'a Self, ApiError> {
        ctx.data::<Self>()
            .map_err(|_| ApiError::internal("the request carries no Viewer"))
    }

    /// The role of the token, `None` when anonymous.
    pub const fn role(&self) -> Option<Role> {
        match self {
            Self::Anonymous => None,
            Self::Storefront => Some(Role::Storefront),
            Self::Customer { .. } => Some(Role::Customer),
            Self::Admin { .. } => Some(Role::Admin),
        }
    }

    /// The subject of an admin token (the operator), `None` for other viewers.
    pub fn admin_subject(&self) -> Option<&str> {
        match self {
            Self::Admin { subject } => Some(subject),
            _ => None,
        }
    }

    /// The customer id of a customer token.
    pub const fn customer_id(&self) -> Option<Uuid> {
        match self {
            Self::Customer { id } => Some(*id),
            _ => None,
        }
    }
}

/// The token of a `Bearer <token>` header value.
fn bearer(value: &str) -> Option<&str> {
    value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .map(str::trim)
        .filter(|token| !token.is_empty())
}
