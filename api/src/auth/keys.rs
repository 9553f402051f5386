//! Signing and verifying API tokens.
//!
//! One HS256 secret both signs (for `canopy token`) and verifies. RS256/ES256 public keys
//! from a JWKS file verify tokens of an identity provider; the token header's `alg` and
//! `kid` pick the key, and each key verifies only the algorithm it was loaded for, so an
//! HS256 token "signed" with a public key (algorithm confusion) or an `alg: none` token
//! finds no key. The JWKS keys can be replaced while the server runs ([`JwtKeys::reload_jwks`]).

use std::{
    fmt,
    path::{Path, PathBuf},
    sync::{Arc, PoisonError, RwLock},
    time::Duration,
};

use jsonwebtoken::{
    Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, decode_header, encode,
    errors::ErrorKind,
};

use super::{
    Claims, Role,
    jwks::{self, JwksError, VerifyingKey},
};
use crate::{config::Config, error::ApiError};

/// Seconds of clock skew tolerated on `exp` and `nbf`.
const LEEWAY_SECS: u64 = 30;

/// Why a token was refused or could not be made.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// The `Authorization` header is not `Bearer <token>`.
    #[error("the Authorization header must be `Bearer <token>`")]
    MalformedHeader,
    /// The token has expired.
    #[error("the token has expired")]
    Expired,
    /// The token's `nbf` is still in the future.
    #[error("the token is not valid yet")]
    NotYetValid,
    /// The token is for another audience.
    #[error("the token is not meant for this API")]
    WrongAudience,
    /// The token comes from another issuer.
    #[error("the token comes from an issuer this API does not trust")]
    WrongIssuer,
    /// Bad signature, unknown key, unsupported algorithm (including `none`) or malformed
    /// token.
    #[error("the token is invalid")]
    Invalid,
    /// A customer token whose subject is not a customer id.
    #[error("the token's subject is not a customer id")]
    BadSubject,
    /// Signing failed (a key problem on our side).
    #[error("could not sign the token")]
    Signing(#[source] jsonwebtoken::errors::Error),
}

impl From<AuthError> for ApiError {
    fn from(error: AuthError) -> Self {
        match error {
            AuthError::Signing(cause) => ApiError::internal(cause),
            other => ApiError::Unauthenticated(other.to_string()),
        }
    }
}

/// The keys that sign and verify API tokens, and the claims every token must carry.
pub struct JwtKeys {
    signing: EncodingKey,
    hs256: DecodingKey,
    jwks: RwLock<Arc<[VerifyingKey]>>,
    jwks_file: Option<PathBuf>,
    audience: Option<String>,
    issuer: Option<String>,
}

impl fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtKeys")
            .field("jwks_keys", &self.jwks_keys().len())
            .field("jwks_file", &self.jwks_file)
            .field("audience", &self.audience)
            .field("issuer", &self.issuer)
            .finish_non_exhaustive()
    }
}

impl JwtKeys {
    /// HS256 keys from a shared secret; tokens must carry `audience` when it is set.
    pub fn hs256(secret: &[u8], audience: Option<String>) -> Self {
        Self {
            signing: EncodingKey::from_secret(secret),
            hs256: DecodingKey::from_secret(secret),
            jwks: RwLock::new(Arc::from([])),
            jwks_file: None,
            audience,
            issuer: None,
        }
    }

    /// The keys a server configuration describes: the HS256 `secret`, the audience and
    /// issuer to require, and the JWKS file when one is set.
    pub fn from_config(secret: &[u8], config: &Config) -> Result<Self, JwksError> {
        let keys =
            Self::hs256(secret, config.jwt_audience.clone()).with_issuer(config.jwt_issuer.clone());
        match &config.jwks_file {
            Some(path) => keys.with_jwks_file(path),
            None => Ok(keys),
        }
    }

    /// Requires tokens to carry this issuer (`iss`), and writes it into minted tokens.
    #[must_use]
    pub fn with_issuer(mut self, issuer: Option<String>) -> Self {
        self.issuer = issuer;
        self
    }

    /// Also verifies RS256/ES256 tokens with the public keys of the JWKS file at `path`,
    /// which [`JwtKeys::reload_jwks`] reads again.
    pub fn with_jwks_file(mut self, path: impl Into<PathBuf>) -> Result<Self, JwksError> {
        let path = path.into();
        self.jwks = RwLock::new(Arc::from(jwks::read(&path)?));
        self.jwks_file = Some(path);
        Ok(self)
    }

    /// The JWKS file the keys came from, if any.
    pub fn jwks_file(&self) -> Option<&Path> {
        self.jwks_file.as_deref()
    }

    /// Reads the JWKS file again and swaps its keys in; on error the old keys stay.
    /// Returns the number of keys now loaded.
    pub fn reload_jwks(&self) -> Result<usize, JwksError> {
        let Some(path) = &self.jwks_file else {
            return Ok(0);
        };
        let keys: Arc<[VerifyingKey]> = Arc::from(jwks::read(path)?);
        let count = keys.len();
        *self.jwks.write().unwrap_or_else(PoisonError::into_inner) = keys;
        Ok(count)
    }

    /// Signs a token for `role` and `subject` that expires after `ttl`.
    pub fn mint(&self, role: Role, subject: &str, ttl: Duration) -> Result<String, AuthError> {
        self.sign(&Claims {
            iss: self.issuer.clone(),
            ..Claims::new(role, subject, ttl, self.audience.clone())
        })
    }

    /// Signs arbitrary claims with the HS256 key.
    pub fn sign(&self, claims: &Claims) -> Result<String, AuthError> {
        encode(&Header::new(Algorithm::HS256), claims, &self.signing).map_err(AuthError::Signing)
    }

    /// Verifies a token's signature, algorithm, expiry, start, audience and issuer and
    /// returns its claims.
    pub fn verify(&self, token: &str) -> Result<Claims, AuthError> {
        let header = decode_header(token).map_err(|_| AuthError::Invalid)?;
        if header.alg == Algorithm::HS256 {
            return self.decode(token, &self.hs256, Algorithm::HS256);
        }
        let kid = header.kid.as_deref().ok_or(AuthError::Invalid)?;
        let keys = self.jwks_keys();
        let key = keys
            .iter()
            .find(|key| key.algorithm == header.alg && key.kid == kid)
            .ok_or(AuthError::Invalid)?;
        self.decode(token, &key.key, key.algorithm)
    }

    fn jwks_keys(&self) -> Arc<[VerifyingKey]> {
        Arc::clone(&self.jwks.read().unwrap_or_else(PoisonError::into_inner))
    }

    fn decode(
        &self,
        token: &str,
        key: &DecodingKey,
        algorithm: Algorithm,
    ) -> Result<Claims, AuthError> {
        decode::<Claims>(token, key, &self.validation(algorithm))
            .map(|data| data.claims)
            .map_err(|error| match error.kind() {
                ErrorKind::ExpiredSignature => AuthError::Expired,
                ErrorKind::ImmatureSignature => AuthError::NotYetValid,
                ErrorKind::InvalidAudience => AuthError::WrongAudience,
                ErrorKind::InvalidIssuer => AuthError::WrongIssuer,
                _ => AuthError::Invalid,
            })
    }

    fn validation(&self, algorithm: Algorithm) -> Validation {
        let mut validation = Validation::new(algorithm);
        validation.leeway = LEEWAY_SECS;
        validation.validate_nbf = true;
        let mut required = vec!["exp"];
        match &self.audience {
            Some(audience) => {
                validation.set_audience(&[audience]);
                required.push("aud");
            }
            None => validation.validate_aud = false,
        }
        if let Some(issuer) = &self.issuer {
            validation.set_issuer(&[issuer]);
            required.push("iss");
        }
        validation.set_required_spec_claims(&required);
        validation
    }
}
