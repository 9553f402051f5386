//! RS256/ES256 tokens verified with the public keys of a JWKS file (`CANOPY_JWKS_FILE`)
//! beside HS256: key choice by `kid`, pinned algorithms (no algorithm confusion, no
//! `alg: none`), expiry, start, audience and issuer, bad key files, and key rotation.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};

use api::auth::{AuthError, JwksError, JwtKeys, Role};
use common::{TEST_JWT_SECRET, first_code, gql::execute, spawn_app_with};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode, get_current_timestamp};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tempfile::TempDir;

const AUDIENCE: &str = "canopy";
const ISSUER: &str = "https://id.example";

fn key_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/keys")
        .join(name)
}

fn pem(name: &str) -> Vec<u8> {
    std::fs::read(key_file(name)).unwrap()
}

/// A copy of `jwks.json` in a fresh directory, so a test can rotate it.
fn jwks_copy() -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("jwks.json");
    std::fs::copy(key_file("jwks.json"), &path).unwrap();
    (dir, path)
}

fn keys(path: &Path) -> JwtKeys {
    JwtKeys::hs256(TEST_JWT_SECRET.as_bytes(), Some(AUDIENCE.into()))
        .with_issuer(Some(ISSUER.into()))
        .with_jwks_file(path)
        .unwrap()
}

/// Valid claims for `role`, adjusted by `adjust`.
fn claims(role: &str, adjust: impl FnOnce(&mut Value)) -> Value {
    let now = get_current_timestamp();
    let mut claims = json!({
        "sub": "idp|ops-1", "role": role, "iat": now, "nbf": now - 5, "exp": now + 600,
        "aud": AUDIENCE, "iss": ISSUER,
    });
    adjust(&mut claims);
    claims
}

/// How a test token is signed.
#[derive(Clone, Copy)]
enum Signer {
    /// With the private key `<name>.pem` (`alg` from the key type).
    Pem(&'static str, Algorithm),
    /// HS256 with the server's secret.
    Secret,
    /// HS256 with these bytes as the "secret" (algorithm confusion with a public key).
    HmacWith(&'static str),
}

fn sign(signer: Signer, kid: Option<&str>, claims: &Value) -> String {
    let (algorithm, key) = match signer {
        Signer::Pem(name, algorithm @ Algorithm::RS256) => (
            algorithm,
            EncodingKey::from_rsa_pem(&pem(&format!("{name}.pem"))).unwrap(),
        ),
        Signer::Pem(name, algorithm) => (
            algorithm,
            EncodingKey::from_ec_pem(&pem(&format!("{name}.pem"))).unwrap(),
        ),
        Signer::Secret => (
            Algorithm::HS256,
            EncodingKey::from_secret(TEST_JWT_SECRET.as_bytes()),
        ),
        Signer::HmacWith(name) => (Algorithm::HS256, EncodingKey::from_secret(&pem(name))),
    };
    let mut header = Header::new(algorithm);
    header.kid = kid.map(str::to_owned);
    encode(&header, claims, &key).unwrap()
}

fn alg_none(kid: &str) -> String {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    let header = URL_SAFE_NO_PAD.encode(json!({ "alg": "none", "kid": kid }).to_string());
    let claims = URL_SAFE_NO_PAD.encode(claims("admin", |_| {}).to_string());
    format!("{header}.{claims}.")
}

const RSA: Signer = Signer::Pem("rsa-1", Algorithm::RS256);
const EC: Signer = Signer::Pem("ec-1", Algorithm::ES256);

/// `Ok(role)` or the name of the error.
fn outcome(keys: &JwtKeys, token: &str) -> Result<Role, String> {
    keys.verify(token)
        .map(|claims| claims.role)
        .map_err(|error| match error {
            AuthError::Expired => "Expired".to_owned(),
            AuthError::NotYetValid => "NotYetValid".to_owned(),
            AuthError::WrongAudience => "WrongAudience".to_owned(),
            AuthError::WrongIssuer => "WrongIssuer".to_owned(),
            AuthError::Invalid => "Invalid".to_owned(),
            other => format!("{other:?}"),
        })
}

#[test]
fn tokens_are_verified_with_the_key_their_kid_names() {
    let (_dir, path) = jwks_copy();
    let keys = keys(&path);
    let valid = claims("admin", |_| {});
    let now = get_current_timestamp();
    let invalid = || Err("Invalid".to_owned());
    let cases: Vec<(&str, String, Result<Role, String>)> = vec![
        (
            "RS256 by kid",
            sign(RSA, Some("rsa-1"), &valid),
            Ok(Role::Admin),
        ),
        (
            "ES256 by kid",
            sign(EC, Some("ec-1"), &valid),
            Ok(Role::Admin),
        ),
        (
            "HS256 secret",
            sign(Signer::Secret, None, &valid),
            Ok(Role::Admin),
        ),
        ("unknown kid", sign(RSA, Some("rsa-9"), &valid), invalid()),
        ("no kid", sign(RSA, None, &valid), invalid()),
        (
            "forged: another key under a trusted kid",
            sign(
                Signer::Pem("rsa-2", Algorithm::RS256),
                Some("rsa-1"),
                &valid,
            ),
            invalid(),
        ),
        (
            "EC key named as the RSA kid",
            sign(EC, Some("rsa-1"), &valid),
            invalid(),
        ),
        (
            "algorithm confusion: HS256 keyed with the RSA public key",
            sign(Signer::HmacWith("rsa-1.pub.pem"), Some("rsa-1"), &valid),
            invalid(),
        ),
        ("alg none", alg_none("rsa-1"), invalid()),
        (
            "expired",
            sign(
                RSA,
                Some("rsa-1"),
                &claims("admin", |c| c["exp"] = json!(now - 120)),
            ),
            Err("Expired".into()),
        ),
        (
            "not yet valid",
            sign(
                RSA,
                Some("rsa-1"),
                &claims("admin", |c| c["nbf"] = json!(now + 600)),
            ),
            Err("NotYetValid".into()),
        ),
        (
            "wrong audience",
            sign(
                RSA,
                Some("rsa-1"),
                &claims("admin", |c| c["aud"] = json!("other")),
            ),
            Err("WrongAudience".into()),
        ),
        (
            "no audience",
            sign(
                RSA,
                Some("rsa-1"),
                &claims("admin", |c| {
                    c.as_object_mut().unwrap().remove("aud").map(drop).unwrap()
                }),
            ),
            invalid(),
        ),
        (
            "wrong issuer",
            sign(
                EC,
                Some("ec-1"),
                &claims("admin", |c| c["iss"] = json!("https://evil.example")),
            ),
            Err("WrongIssuer".into()),
        ),
        (
            "no issuer",
            sign(
                Signer::Secret,
                None,
                &claims("admin", |c| {
                    c.as_object_mut().unwrap().remove("iss").map(drop).unwrap()
                }),
            ),
            invalid(),
        ),
        (
            "unknown role",
            sign(RSA, Some("rsa-1"), &claims("root", |_| {})),
            invalid(),
        ),
    ];
    for (case, token, expected) in cases {
        assert_eq!(outcome(&keys, &token), expected, "{case}");
    }
}

#[tokio::test]
async fn identity_provider_tokens_work_over_http() {
    let (_dir, path) = jwks_copy();
    let app = spawn_app_with(|config| {
        config.jwks_file = Some(path.clone());
        config.jwt_audience = Some(AUDIENCE.into());
        config.jwt_issuer = Some(ISSUER.into());
    })
    .await;
    let customers = "{ customers(first: 1) { totalCount } }";

    let admin = sign(EC, Some("ec-1"), &claims("admin", |_| {}));
    let (status, body) = execute(&app, Some(&admin), customers, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["customers"]["totalCount"], 0, "{body}");

    let storefront = sign(RSA, Some("rsa-1"), &claims("storefront", |_| {}));
    let (status, body) = execute(&app, Some(&storefront), customers, json!({})).await;
    assert_eq!(
        (status, first_code(&body)),
        (StatusCode::OK, "FORBIDDEN"),
        "{body}"
    );

    let confused = sign(
        Signer::HmacWith("rsa-1.pub.pem"),
        Some("rsa-1"),
        &claims("admin", |_| {}),
    );
    let (status, body) = execute(&app, Some(&confused), customers, json!({})).await;
    assert_eq!(
        (status, first_code(&body)),
        (StatusCode::UNAUTHORIZED, "UNAUTHENTICATED"),
        "{body}"
    );

    // `canopy token`-style HS256 tokens carry the configured issuer and audience.
    let minted = app.token(Role::Admin, "ops");
    let (status, body) = execute(&app, Some(&minted), customers, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[test]
fn rotated_key_sets_replace_the_old_keys() {
    let (_dir, path) = jwks_copy();
    let keys = keys(&path);
    let old = sign(RSA, Some("rsa-1"), &claims("admin", |_| {}));
    let new = sign(
        Signer::Pem("rsa-2", Algorithm::RS256),
        Some("rsa-2"),
        &claims("admin", |_| {}),
    );
    assert!(keys.verify(&old).is_ok());
    assert!(keys.verify(&new).is_err());

    std::fs::write(&path, "{ not json").unwrap();
    assert!(matches!(keys.reload_jwks(), Err(JwksError::Parse(_))));
    assert!(
        keys.verify(&old).is_ok(),
        "a broken file keeps the old keys"
    );

    std::fs::copy(key_file("jwks-rotated.json"), &path).unwrap();
    assert_eq!(keys.reload_jwks().unwrap(), 1);
    assert!(keys.verify(&new).is_ok());
    assert!(matches!(keys.verify(&old), Err(AuthError::Invalid)));
}

#[test]
fn unusable_key_sets_are_refused() {
    let rsa: Value =
        serde_json::from_str(&std::fs::read_to_string(key_file("jwks.json")).unwrap()).unwrap();
    let rsa_key = rsa["keys"][0].clone();
    let with = |adjust: fn(&mut Value)| {
        let mut key = rsa_key.clone();
        adjust(&mut key);
        json!({ "keys": [key] })
    };
    let cases = [
        (
            "symmetric key",
            json!({ "keys": [{ "kty": "oct", "kid": "k", "k": "c2VjcmV0" }] }),
        ),
        (
            "no kid",
            with(|key| drop(key.as_object_mut().unwrap().remove("kid"))),
        ),
        (
            "alg that does not fit",
            with(|key| key["alg"] = json!("ES256")),
        ),
        ("duplicate kid", json!({ "keys": [rsa_key, rsa_key] })),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (case, set) in cases {
        let path = dir.path().join("jwks.json");
        std::fs::write(&path, set.to_string()).unwrap();
        let error = JwtKeys::hs256(TEST_JWT_SECRET.as_bytes(), None)
            .with_jwks_file(&path)
            .unwrap_err();
        assert!(matches!(error, JwksError::Key { .. }), "{case}: {error}");
    }
    let missing = JwtKeys::hs256(TEST_JWT_SECRET.as_bytes(), None)
        .with_jwks_file(dir.path().join("absent.json"))
        .unwrap_err();
    assert!(matches!(missing, JwksError::Read(_)));
}
