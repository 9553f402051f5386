//! `canopy rotate-key`: every sealed secret is re-encrypted under the new master key in
//! one transaction, audited; a row that cannot be opened leaves every row untouched.
#![allow(clippy::unwrap_used)]

mod common;

use api::{
    cli::{Cli, CliError, run},
    config::MasterKey,
    connections::{self, ConnectionInput},
    secrets::{ExposeSecret, KeyId, Keyring},
};
use base64::{Engine, engine::general_purpose::STANDARD};
use clap::Parser;
use entities::{audit_log, provider_connection};
use providers::{ConnectionConfig, model::PosKind};
use sea_orm::{Database, DatabaseConnection, EntityTrait};
use secrecy::SecretString;
use serde_json::json;
use tempfile::TempDir;

fn key(byte: u8) -> (String, MasterKey) {
    let encoded = STANDARD.encode([byte; MasterKey::LEN]);
    let key = MasterKey::from_base64(&encoded).unwrap();
    (encoded, key)
}

/// A migrated SQLite database, and one on a fresh PostgreSQL schema when configured.
async fn databases() -> Vec<(String, DatabaseConnection, Option<TempDir>)> {
    let dir = tempfile::tempdir().unwrap();
    let mut urls = vec![(
        format!("sqlite://{}/canopy.db?mode=rwc", dir.path().display()),
        Some(dir),
    )];
    if let Some(url) = common::fresh_postgres_url().await {
        urls.push((url, None));
    }
    let mut databases = Vec::new();
    for (url, dir) in urls {
        let db = Database::connect(url.as_str()).await.unwrap();
        api::db::migrate(&db).await.unwrap();
        databases.push((url, db, dir));
    }
    databases
}

async fn store(
    db: &DatabaseConnection,
    keyring: &Keyring,
    name: &str,
    with_secrets: bool,
) -> provider_connection::Model {
    let config = ConnectionConfig {
        connection_id: uuid::Uuid::nil(),
        kind: PosKind::Jane,
        base_url: "https://pos.example.com".parse().unwrap(),
        api_key: SecretString::from(format!("{name}-api-key-0123456789")),
        api_secret: with_secrets.then(|| SecretString::from(format!("{name}-api-secret"))),
        webhook_secret: with_secrets.then(|| SecretString::from(format!("{name}-webhook"))),
        settings: json!({}),
    };
    connections::create(db, keyring, &ConnectionInput::from_config(name, config))
        .await
        .unwrap()
}

async fn rotate(url: &str, old: &str, new: &str) -> Result<(), CliError> {
    run(Cli::parse_from([
        "canopy",
        "--database-url",
        url,
        "--master-key",
        old,
        "rotate-key",
        "--new-key",
        new,
    ]))
    .await
}

#[tokio::test]
async fn every_secret_is_resealed_under_the_new_key() {
    let (old_text, old) = key(1);
    let (new_text, new) = key(2);
    for (url, db, _dir) in databases().await {
        let keyring = Keyring::new(&old);
        let full = store(&db, &keyring, "full", true).await;
        let bare = store(&db, &keyring, "bare", false).await;
        rotate(&url, &old_text, &new_text).await.unwrap();

        let new_keyring = Keyring::new(&new);
        let old_only = Keyring::new(&old);
        for (before, name) in [(&full, "full"), (&bare, "bare")] {
            let row = provider_connection::Entity::find_by_id(before.id)
                .one(&db)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(row.key_id, KeyId::of(&new).as_str(), "{url}");
            assert_ne!(row.api_key_sealed, before.api_key_sealed);
            assert_eq!(row.api_key_hint, before.api_key_hint);
            let opened = connections::connection_config(&new_keyring, &row).unwrap();
            assert_eq!(
                opened.api_key.expose_secret(),
                format!("{name}-api-key-0123456789")
            );
            if name == "full" {
                assert_eq!(
                    opened.api_secret.unwrap().expose_secret(),
                    "full-api-secret"
                );
                assert_eq!(
                    opened.webhook_secret.unwrap().expose_secret(),
                    "full-webhook"
                );
            }
            assert!(connections::connection_config(&old_only, &row).is_err());
        }
        let audit = audit_log::Entity::find().all(&db).await.unwrap();
        assert_eq!(audit.len(), 1);
        assert_eq!(audit[0].action, "master_key.rotate");
        assert_eq!(audit[0].actor, "cli:rotate-key");
        assert_eq!(audit[0].after.as_ref().unwrap()["connections"], 2);

        // rotating to the key in use is refused
        assert!(matches!(
            rotate(&url, &new_text, &new_text).await,
            Err(CliError::Rotate(_))
        ));
    }
}

#[tokio::test]
async fn a_row_the_old_key_cannot_open_leaves_every_row_untouched() {
    let (old_text, old) = key(3);
    let (new_text, _) = key(4);
    let (_, stranger) = key(5);
    for (url, db, _dir) in databases().await {
        let first = store(&db, &Keyring::new(&old), "first", true).await;
        store(&db, &Keyring::new(&stranger), "foreign", false).await;
        let error = rotate(&url, &old_text, &new_text).await.unwrap_err();
        assert!(matches!(error, CliError::Rotate(_)), "{error}");
        assert!(!error.to_string().contains("api-key"), "{error}");
        let row = provider_connection::Entity::find_by_id(first.id)
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row, first, "{url}: the transaction was rolled back");
        assert!(audit_log::Entity::find().all(&db).await.unwrap().is_empty());
    }
}
