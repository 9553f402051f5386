//! API tokens: minting, verification through HTTP, the `canopy token` command and guards.
#![allow(clippy::unwrap_used)]

mod common;

use std::{process::Command, time::Duration};

use api::auth::{AuthError, Claims, JwtKeys, Role, RoleGuard, Viewer};
use async_graphql::{EmptyMutation, EmptySubscription, Object, Schema};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use common::{TEST_JWT_SECRET, first_code, spawn_app, test_keys};
use reqwest::{StatusCode, header};
use serde_json::{Value, json};
use uuid::Uuid;

async fn query_with_authorization(app: &common::TestApp, authorization: &str) -> reqwest::Response {
    app.client
        .post(app.url("/graphql"))
        .header(header::AUTHORIZATION, authorization)
        .header(header::ACCEPT, "application/graphql-response+json")
        .json(&json!({ "query": "{ apiVersion }" }))
        .send()
        .await
        .unwrap()
}

/// An unsigned token (`alg: none`) claiming admin.
fn alg_none_token() -> String {
    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
    let claims = Claims::new(Role::Admin, "attacker", Duration::from_secs(3600), None);
    let claims = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap());
    format!("{header}.{claims}.")
}

#[tokio::test]
async fn valid_tokens_are_accepted() {
    let app = spawn_app().await;
    let token = app.token(Role::Admin, "ops");
    let response = query_with_authorization(&app, &format!("Bearer {token}")).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn bad_tokens_are_unauthenticated() {
    let app = spawn_app().await;
    let expired = test_keys()
        .sign(&Claims {
            exp: jsonwebtoken::get_current_timestamp() - 3600,
            ..Claims::new(Role::Admin, "ops", Duration::ZERO, None)
        })
        .unwrap();
    let forged = JwtKeys::hs256(b"another-secret-another-secret-another", None)
        .mint(Role::Admin, "ops", Duration::from_secs(3600))
        .unwrap();
    let cases = [
        ("expired", format!("Bearer {expired}")),
        ("bad signature", format!("Bearer {forged}")),
        ("alg none", format!("Bearer {}", alg_none_token())),
        ("garbage", "Bearer not.a.token".to_owned()),
        (
            "not bearer",
            format!("Basic {}", URL_SAFE_NO_PAD.encode("a:b")),
        ),
    ];
    for (case, authorization) in cases {
        let response = query_with_authorization(&app, &authorization).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{case}");
        assert!(response.headers().contains_key(header::WWW_AUTHENTICATE));
        let body: Value = response.json().await.unwrap();
        assert_eq!(first_code(&body), "UNAUTHENTICATED", "{case}");
    }
}

#[test]
fn verification_reports_why() {
    let keys = test_keys();
    let expired = keys
        .sign(&Claims {
            exp: jsonwebtoken::get_current_timestamp() - 3600,
            ..Claims::new(Role::Storefront, "shop", Duration::ZERO, None)
        })
        .unwrap();
    assert!(matches!(keys.verify(&expired), Err(AuthError::Expired)));
    assert!(matches!(
        keys.verify(&alg_none_token()),
        Err(AuthError::Invalid)
    ));

    let audience_keys = JwtKeys::hs256(TEST_JWT_SECRET.as_bytes(), Some("canopy".into()));
    let token = keys
        .mint(Role::Admin, "ops", Duration::from_secs(60))
        .unwrap();
    assert!(audience_keys.verify(&token).is_err(), "a token without aud");
    let token = JwtKeys::hs256(TEST_JWT_SECRET.as_bytes(), Some("elsewhere".into()))
        .mint(Role::Admin, "ops", Duration::from_secs(60))
        .unwrap();
    assert!(matches!(
        audience_keys.verify(&token),
        Err(AuthError::WrongAudience)
    ));

    let customer = Uuid::now_v7();
    let token = keys
        .mint(
            Role::Customer,
            &customer.to_string(),
            Duration::from_secs(60),
        )
        .unwrap();
    let claims = keys.verify(&token).unwrap();
    assert_eq!(
        Viewer::from_claims(&claims).unwrap(),
        Viewer::Customer { id: customer }
    );
}

#[test]
fn token_command_mints_verifiable_tokens() {
    let customer = Uuid::now_v7();
    let output = Command::new(env!("CARGO_BIN_EXE_canopy"))
        .args([
            "token",
            "--role",
            "customer",
            "--customer",
            &customer.to_string(),
            "--ttl",
            "2h",
        ])
        .env("CANOPY_JWT_SECRET", TEST_JWT_SECRET)
        .env_remove("CANOPY_JWT_AUDIENCE")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let token = String::from_utf8(output.stdout).unwrap();
    let claims = test_keys().verify(token.trim()).unwrap();
    assert_eq!(claims.role, Role::Customer);
    assert_eq!(claims.sub, customer.to_string());
    assert_eq!(claims.exp - claims.iat, 7200);

    let refused = Command::new(env!("CARGO_BIN_EXE_canopy"))
        .args(["token", "--role", "customer"])
        .env("CANOPY_JWT_SECRET", TEST_JWT_SECRET)
        .output()
        .unwrap();
    assert!(
        !refused.status.success(),
        "a customer token needs --customer"
    );
}

struct Guarded;

#[Object]
impl Guarded {
    #[graphql(guard = "RoleGuard::admin()")]
    async fn secret(&self) -> &str {
        "admins only"
    }
}

#[tokio::test]
async fn role_guard_distinguishes_unauthenticated_from_forbidden() {
    let schema = Schema::new(Guarded, EmptyMutation, EmptySubscription);
    let run = |viewer: Viewer| {
        let schema = schema.clone();
        async move {
            let request = async_graphql::Request::new("{ secret }").data(viewer);
            serde_json::to_value(schema.execute(request).await).unwrap()
        }
    };
    assert_eq!(first_code(&run(Viewer::Anonymous).await), "UNAUTHENTICATED");
    assert_eq!(first_code(&run(Viewer::Storefront).await), "FORBIDDEN");
    assert_eq!(
        run(Viewer::Admin {
            subject: "ops".into()
        })
        .await["data"]["secret"],
        "admins only"
    );
}
