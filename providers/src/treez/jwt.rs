//! Treez v3 request authentication [doc]: every request carries a JWT signed RS256 with
//! the partner's private key, whose `aud` is the exact request URL, `iss` the partner's
//! certificate id and `oid` the organization id, with `iat` and `exp` in
//! **milliseconds** and `exp = iat + 30000` (any other lifetime answers 400). The
//! adapter signs a fresh token for every attempt of every call ([`Signer`]); the
//! simulator checks them the same way Treez does ([`verify`]).
//!
//! Legacy v2 (`api.treez.io/v2.0/dispensary/{name}`) traded a client id and a
//! per-location API key for a two-hour token. It is not supported: Treez documents v3
//! for new partners, and v2's per-location keys would need a secret per store where v3
//! needs one key for the organization.

use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

/// The one lifetime Treez accepts, in milliseconds [doc].
pub(crate) const LIFETIME_MS: i64 = 30_000;

/// The claims of a request token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Claims {
    /// The exact request URL.
    pub aud: String,
    /// The partner certificate id.
    pub iss: String,
    /// The organization id.
    pub oid: String,
    /// Issued at, milliseconds since the epoch.
    pub iat: i64,
    /// Expires at, milliseconds since the epoch: `iat + 30000`.
    pub exp: i64,
}

/// Signs request tokens for one connection.
pub(crate) struct Signer {
    key: EncodingKey,
    certificate_id: String,
    organization_id: String,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("certificate_id", &self.certificate_id)
            .field("organization_id", &self.organization_id)
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// A signer with the private key in PEM; fails (without quoting the key) when the
    /// key cannot sign.
    pub(crate) fn new(
        private_pem: &str,
        certificate_id: &str,
        organization_id: &str,
    ) -> Result<Self, String> {
        let not_a_key = "the API key is not an RSA private key in PEM";
        let pem =
            super::keys::normalized_private_pem(private_pem).map_err(|_| not_a_key.to_owned())?;
        let key = EncodingKey::from_rsa_pem(pem.as_bytes()).map_err(|_| not_a_key.to_owned())?;
        let signer = Signer {
            key,
            certificate_id: certificate_id.to_owned(),
            organization_id: organization_id.to_owned(),
        };
        signer
            .sign("https://api-prod.treez.io/")
            .map_err(|_| "the API key cannot sign RS256 tokens".to_owned())?;
        Ok(signer)
    }

    /// A token for a request to `url`, valid for [`LIFETIME_MS`] from now.
    pub(crate) fn sign(&self, url: &str) -> Result<String, jsonwebtoken::errors::Error> {
        let iat = Utc::now().timestamp_millis();
        let claims = Claims {
            aud: url.to_owned(),
            iss: self.certificate_id.clone(),
            oid: self.organization_id.clone(),
            iat,
            exp: iat + LIFETIME_MS,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &self.key)
    }
}

/// Why a request token was refused, and with which HTTP status Treez answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// 400: a lifetime other than 30 000 ms.
    Lifetime,
    /// 401: missing, unsigned, wrongly signed, expired, or for another URL, issuer or
    /// organization.
    Unauthenticated(&'static str),
}

/// What a token must say to be accepted.
pub(crate) struct Expected<'a> {
    /// The registered public key.
    pub key: &'a DecodingKey,
    /// The URL the request was made to.
    pub url: &'a str,
    /// The registered certificate id.
    pub certificate_id: &'a str,
    /// The organization id.
    pub organization_id: &'a str,
    /// Now, in milliseconds.
    pub now_ms: i64,
}

/// Checks a request token as Treez does: signature, lifetime, expiry, then the claims.
pub(crate) fn verify(token: &str, expected: &Expected<'_>) -> Result<Claims, Refusal> {
    let mut validation = Validation::new(Algorithm::RS256);
    // `exp`/`iat` are milliseconds, not the seconds jsonwebtoken checks; `aud` must be
    // the exact URL. Both are checked below.
    validation.validate_exp = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    let claims = jsonwebtoken::decode::<Claims>(token, expected.key, &validation)
        .map_err(|_| Refusal::Unauthenticated("bad signature"))?
        .claims;
    if claims.exp - claims.iat != LIFETIME_MS {
        return Err(Refusal::Lifetime);
    }
    // a little leeway for clocks, never for the lifetime itself
    const LEEWAY_MS: i64 = 1_000;
    if claims.iat > expected.now_ms + LEEWAY_MS || claims.exp < expected.now_ms {
        return Err(Refusal::Unauthenticated("expired"));
    }
    if claims.aud != expected.url {
        return Err(Refusal::Unauthenticated("audience is not the request URL"));
    }
    if claims.iss != expected.certificate_id || claims.oid != expected.organization_id {
        return Err(Refusal::Unauthenticated("unknown issuer or organization"));
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::treez::keys::RsaKeys;

    fn expected<'a>(key: &'a DecodingKey, url: &'a str, now_ms: i64) -> Expected<'a> {
        Expected {
            key,
            url,
            certificate_id: "cert-1",
            organization_id: "org-1",
            now_ms,
        }
    }

    #[test]
    fn a_signed_token_is_accepted_only_for_its_url_and_lifetime() {
        let keys = RsaKeys::generate().unwrap();
        let signer = Signer::new(&keys.private_pem, "cert-1", "org-1").unwrap();
        let key = DecodingKey::from_rsa_pem(keys.public_pem.as_bytes()).unwrap();
        let url = "http://127.0.0.1:1/dispensary/v3/a/product/product_list?page=1";
        let token = signer.sign(url).unwrap();
        let now = Utc::now().timestamp_millis();
        let claims = verify(&token, &expected(&key, url, now)).unwrap();
        assert_eq!(claims.exp - claims.iat, LIFETIME_MS);
        assert_eq!(
            verify(
                &token,
                &expected(
                    &key,
                    "http://127.0.0.1:1/dispensary/v3/a/product/product_list?page=2",
                    now
                )
            ),
            Err(Refusal::Unauthenticated("audience is not the request URL"))
        );
        assert_eq!(
            verify(&token, &expected(&key, url, now + LIFETIME_MS + 1)),
            Err(Refusal::Unauthenticated("expired"))
        );
        let other = RsaKeys::generate().unwrap();
        let other_key = DecodingKey::from_rsa_pem(other.public_pem.as_bytes()).unwrap();
        assert_eq!(
            verify(&token, &expected(&other_key, url, now)),
            Err(Refusal::Unauthenticated("bad signature"))
        );
        // a token in seconds, or of another lifetime, is a 400
        let seconds = Claims {
            aud: url.to_owned(),
            iss: "cert-1".to_owned(),
            oid: "org-1".to_owned(),
            iat: now / 1000,
            exp: now / 1000 + 30,
        };
        let encoding = EncodingKey::from_rsa_pem(keys.private_pem.as_bytes()).unwrap();
        let token =
            jsonwebtoken::encode(&Header::new(Algorithm::RS256), &seconds, &encoding).unwrap();
        assert_eq!(
            verify(&token, &expected(&key, url, now)),
            Err(Refusal::Lifetime)
        );
    }

    #[test]
    fn a_key_that_cannot_sign_is_refused_without_quoting_it() {
        let err = Signer::new(
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
            "c",
            "o",
        )
        .unwrap_err();
        assert!(!err.contains("AAAA"), "{err}");
        assert!(Signer::new("sk_live_123", "c", "o").is_err());
    }
}
