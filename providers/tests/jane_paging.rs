//! Jane's menu paging: `page_size` and `pagination_id` until none is
//! returned, on the current and the older partner path; a repeated cursor
//! is an error, not an endless loop.

#![allow(clippy::unwrap_used)]

mod jane_common;

use jane_common::{provider, sim};
use providers::jane::JaneProvider;
use providers::jane::simulator::JaneSimOptions;
use providers::simulator::Simulator;
use providers::simulator::seed::SeedConfig;
use providers::{PosProvider, ProviderErrorKind};
use secrecy::SecretString;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ROOTS_MENU: &str = "/roots/menu_api/v1/menu_products";

#[tokio::test]
async fn catalog_follows_pagination_id_across_pages() {
    let seed = SeedConfig {
        products: 530,
        ..SeedConfig::default()
    };
    let sim = sim(seed, JaneSimOptions::default()).await;
    let jane = provider(&sim, serde_json::json!({"page_size": 100}));
    let batch = jane.catalog(None).await.unwrap();
    assert_eq!(
        batch.items.len(),
        530,
        "every product, inactive ones included"
    );
    assert!(batch.rejected.is_empty());
    assert_eq!(
        sim.faults().requests(ROOTS_MENU),
        6,
        "530 products in pages of 100"
    );
}

#[tokio::test]
async fn the_older_partner_path_pages_visible_products() {
    let seed = SeedConfig {
        products: 300,
        ..SeedConfig::default()
    };
    let sim = sim(seed, JaneSimOptions::default()).await;
    let jane = provider(
        &sim,
        serde_json::json!({"page_size": 50, "menu_api": "partner"}),
    );
    let batch = jane.catalog(None).await.unwrap();
    let visible = sim.store().read(|s| {
        s.products
            .values()
            .filter(|p| p.active && s.on_hand(&p.external_id, sim.store_id()) > 0)
            .count()
    });
    assert_eq!(batch.items.len(), visible);
    let path = format!("/partner/v1/stores/{}/menu_products", sim.store_id());
    assert_eq!(sim.faults().requests(&path) as usize, visible.div_ceil(50));
    assert_eq!(sim.faults().requests(ROOTS_MENU), 0);
}

#[tokio::test]
async fn page_size_above_jane_maximum_is_a_config_error() {
    let sim = sim(SeedConfig::default(), JaneSimOptions::default()).await;
    let config = jane_common::config(&sim, serde_json::json!({"page_size": 500}));
    let err = JaneProvider::new(&config).unwrap_err();
    assert!(matches!(err.kind, ProviderErrorKind::Config(_)), "{err}");
}

#[tokio::test]
async fn a_repeated_pagination_id_is_malformed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(include_str!("fixtures/jane/token.json"), "application/json"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(ROOTS_MENU))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            include_str!("fixtures/jane/menu_products_page1.json"),
            "application/json",
        ))
        .mount(&server)
        .await;
    let config = providers::ConnectionConfig {
        connection_id: uuid::Uuid::new_v4(),
        kind: providers::model::PosKind::Jane,
        base_url: server.uri().parse().unwrap(),
        api_key: SecretString::from("client"),
        api_secret: Some(SecretString::from("secret")),
        webhook_secret: None,
        settings: serde_json::json!({"store_id": 1234}),
    };
    let err = JaneProvider::new(&config)
        .unwrap()
        .catalog(None)
        .await
        .unwrap_err();
    assert!(matches!(err.kind, ProviderErrorKind::Malformed(_)), "{err}");
    assert_eq!(err.endpoint, "GET /roots/menu_api/v1/menu_products");
}
