//! Who is calling: API tokens (JWT) and the roles they grant.
//!
//! Owns token minting and verification ([`JwtKeys`], HS256 and JWKS public keys), the caller as seen by resolvers
//! ([`Viewer`]) and the field guard ([`RoleGuard`]). It must not know about domain
//! objects: ownership checks ("this customer's order") belong to the domain services,
//! which read the customer id from the [`Viewer`].

mod claims;
mod guard;
mod jwks;
mod keys;
mod reload;
mod viewer;

pub use claims::{Claims, Role};
pub use guard::RoleGuard;
pub use jwks::JwksError;
pub use keys::{AuthError, JwtKeys};
pub use reload::watch_jwks;
pub use viewer::Viewer;
