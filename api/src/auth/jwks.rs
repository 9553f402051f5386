//! Public keys of identity providers, read from a JWKS file (`CANOPY_JWKS_FILE`).
//!
//! Only RS256 and ES256 (P-256) public keys are accepted, each with a `kid` that tokens
//! name in their header. A key's algorithm is pinned when it is loaded (from its `alg`, or
//! from its type when `alg` is absent), so a token can never choose how its key is used.
//! Symmetric keys are refused: the HS256 secret comes from `CANOPY_JWT_SECRET` only.

use std::{collections::HashSet, io, path::Path};

use jsonwebtoken::{
    Algorithm, DecodingKey,
    jwk::{AlgorithmParameters, EllipticCurve, Jwk, JwkSet, KeyAlgorithm, PublicKeyUse},
};

/// A public key that verifies tokens signed with `algorithm` and carrying `kid`.
pub(super) struct VerifyingKey {
    pub(super) kid: String,
    pub(super) algorithm: Algorithm,
    pub(super) key: DecodingKey,
}

/// Why a JWKS file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum JwksError {
    /// The file cannot be read.
    #[error("cannot read the JWKS file: {0}")]
    Read(#[source] io::Error),
    /// The file is not a JSON Web Key Set.
    #[error("the JWKS file is not a JSON Web Key Set: {0}")]
    Parse(#[source] serde_json::Error),
    /// One key cannot verify tokens.
    #[error("JWKS key #{index}: {reason}")]
    Key {
        /// Position of the key in the set.
        index: usize,
        /// What is wrong with it.
        reason: String,
    },
}

/// The verifying keys of the JWKS file at `path`.
pub(super) fn read(path: &Path) -> Result<Vec<VerifyingKey>, JwksError> {
    let text = std::fs::read(path).map_err(JwksError::Read)?;
    let set: JwkSet = serde_json::from_slice(&text).map_err(JwksError::Parse)?;
    verifying_keys(&set)
}

/// The verifying keys of a key set; keys meant for encryption are skipped.
pub(super) fn verifying_keys(set: &JwkSet) -> Result<Vec<VerifyingKey>, JwksError> {
    let mut kids = HashSet::new();
    let mut keys = Vec::with_capacity(set.keys.len());
    for (index, jwk) in set.keys.iter().enumerate() {
        if jwk.common.public_key_use == Some(PublicKeyUse::Encryption) {
            continue;
        }
        let key = verifying_key(jwk).map_err(|reason| JwksError::Key { index, reason })?;
        if !kids.insert(key.kid.clone()) {
            return Err(JwksError::Key {
                index,
                reason: format!("duplicate kid `{}`", key.kid),
            });
        }
        keys.push(key);
    }
    Ok(keys)
}

fn verifying_key(jwk: &Jwk) -> Result<VerifyingKey, String> {
    let kid = jwk
        .common
        .key_id
        .clone()
        .filter(|kid| !kid.is_empty())
        .ok_or("a `kid` is required")?;
    let algorithm = algorithm(jwk)?;
    let key = DecodingKey::from_jwk(jwk).map_err(|error| format!("unusable key: {error}"))?;
    Ok(VerifyingKey {
        kid,
        algorithm,
        key,
    })
}

/// The one algorithm a key verifies: its declared `alg`, which must match its type.
fn algorithm(jwk: &Jwk) -> Result<Algorithm, String> {
    let by_type = match &jwk.algorithm {
        AlgorithmParameters::RSA(_) => Algorithm::RS256,
        AlgorithmParameters::EllipticCurve(params) if params.curve == EllipticCurve::P256 => {
            Algorithm::ES256
        }
        AlgorithmParameters::EllipticCurve(_) => {
            return Err("only the P-256 curve (ES256) is supported".into());
        }
        _ => return Err("only RSA (RS256) and EC P-256 (ES256) public keys are supported".into()),
    };
    match jwk.common.key_algorithm {
        None => Ok(by_type),
        Some(KeyAlgorithm::RS256) if by_type == Algorithm::RS256 => Ok(by_type),
        Some(KeyAlgorithm::ES256) if by_type == Algorithm::ES256 => Ok(by_type),
        Some(other) => Err(format!("`alg` {other:?} does not fit this key")),
    }
}
