//! The GraphQL request path without the network: the real router (`api::server::router`)
//! on a fresh SQLite file with migrations applied, the in-process cache and bus and a
//! small catalog (one store, one product in stock), built once per process. Each input
//! is sent as a `POST /graphql` body and as the `query` of a `GET /graphql`, on a tokio
//! worker thread like a served request (so its stack is a server's, not the fuzzer's).

use std::sync::OnceLock;

use api::{
    AppState,
    config::{Config, MasterKey, Secrets},
    graphql::build_schema,
    operations::Safelist,
};
use axum::{
    Router,
    body::{Body, Bytes},
    http::{Request, StatusCode, header},
};
use chrono::Utc;
use clap::Parser;
use entities::{enums, location, product, stock_level};
use sea_orm::{ActiveModelTrait, DatabaseConnection, DbErr, IntoActiveModel};
use tempfile::TempDir;
use tokio::runtime::Runtime;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;
use uuid::Uuid;

/// The HS256 secret of the fuzzed server (no token is ever minted with it).
const JWT_SECRET: &str = "fuzz-secret-that-is-long-enough-for-hs256!";

/// The seeded store's id, for seed queries.
pub const LOCATION_ID: Uuid = Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0001);
/// The seeded product's id, for seed queries.
pub const PRODUCT_ID: Uuid = Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0002);

/// The server and the runtime it runs on.
pub struct App {
    runtime: Runtime,
    router: Router,
    _dir: TempDir,
}

#[derive(Parser)]
struct ConfigOnly {
    #[command(flatten)]
    config: Config,
}

/// One HTTP answer.
#[derive(Debug)]
pub struct Answer {
    /// The status.
    pub status: StatusCode,
    /// The body.
    pub body: Bytes,
}

impl App {
    /// The process's server, built on first use.
    pub fn get() -> &'static App {
        static APP: OnceLock<App> = OnceLock::new();
        APP.get_or_init(|| App::build().expect("the fuzz server starts"))
    }

    fn build() -> Result<App, Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let mut config = ConfigOnly::parse_from(["canopy"]).config;
        config.database_url =
            format!("sqlite://{}/canopy.db?mode=rwc", dir.path().display()).parse()?;
        config.redis_url = None;
        config.jwt_secret = Some(JWT_SECRET.parse()?);
        config.jwks_file = None;
        config.response_cache = false;
        // one client sends every input: no rate limit
        config.limits.rate_limit_per_minute = 0;
        let secrets = Secrets {
            jwt_secret: JWT_SECRET.parse()?,
            master_key: MasterKey::random(),
        };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()?;
        let router = runtime.block_on(async {
            let state = AppState::build(config, secrets).await?;
            seed(&state.db).await?;
            let safelist = Safelist::new(state.db.clone(), state.config.persisted_queries);
            let schema = build_schema(state.clone(), safelist.clone());
            Ok::<_, Box<dyn std::error::Error>>(api::server::router(
                state,
                schema,
                safelist,
                CancellationToken::new(),
            ))
        })?;
        Ok(App {
            runtime,
            router,
            _dir: dir,
        })
    }

    /// Sends `request` through the router on a worker thread; a panic in the handler is
    /// a panic here.
    pub fn send(&self, request: Request<Body>) -> Answer {
        let router = self.router.clone();
        self.runtime.block_on(async move {
            let task = tokio::spawn(async move {
                let response = router.oneshot(request).await.expect("infallible");
                let status = response.status();
                let body = axum::body::to_bytes(response.into_body(), usize::MAX)
                    .await
                    .unwrap_or_default();
                Answer { status, body }
            });
            match task.await {
                Ok(answer) => answer,
                Err(error) => std::panic::resume_unwind(error.into_panic()),
            }
        })
    }

    /// `POST /graphql` with `body` as JSON.
    pub fn post(&self, body: &[u8]) -> Answer {
        self.send(
            Request::post("/graphql")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::ACCEPT, "application/graphql-response+json")
                .body(Body::from(body.to_vec()))
                .expect("a valid request"),
        )
    }

    /// `GET /graphql?query=…` with `query` URL-encoded.
    pub fn get_query(&self, query: &[u8]) -> Answer {
        let encoded: String = url::form_urlencoded::byte_serialize(query).collect();
        self.send(
            Request::get(format!("/graphql?query={encoded}"))
                .header(header::ACCEPT, "application/graphql-response+json")
                .body(Body::empty())
                .expect("a valid request"),
        )
    }
}

/// Sends `data` both ways; panics (a fuzzer crash) on a 5xx answer.
pub fn check(data: &[u8]) {
    let app = App::get();
    for (how, answer) in [("POST", app.post(data)), ("GET", app.get_query(data))] {
        assert!(
            !answer.status.is_server_error(),
            "{how} /graphql answered {}: {}",
            answer.status,
            String::from_utf8_lossy(&answer.body)
        );
    }
}

/// One California store and one flower product with 10 in stock.
async fn seed(db: &DatabaseConnection) -> Result<(), DbErr> {
    let now = Utc::now();
    location::Model {
        id: LOCATION_ID,
        name: "Fuzz Store".to_owned(),
        address: Some("1 Market St".to_owned()),
        city: Some("San Francisco".to_owned()),
        state: "CA".to_owned(),
        postal_code: Some("94105".to_owned()),
        adult_use: true,
        medical: false,
        licence_number: None,
        time_zone: "America/Los_Angeles".to_owned(),
        min_age_override: None,
        connection_id: None,
        external_id: None,
        created_at: now,
        updated_at: now,
    }
    .into_active_model()
    .insert(db)
    .await?;
    product::Model {
        id: PRODUCT_ID,
        name: "Fuzz Kush".to_owned(),
        brand: Some("Canopy".to_owned()),
        category: enums::ProductCategory::Flower,
        category_raw: None,
        strain_type: Some(enums::StrainType::Hybrid),
        strain_type_raw: None,
        thc_value: Some(21.5),
        thc_unit: Some(enums::PotencyUnit::Percent),
        cbd_value: None,
        cbd_unit: None,
        net_weight_value: Some(3.5),
        net_weight_unit: Some(enums::WeightUnit::Grams),
        flower_equivalent_grams: Some(3.5),
        abv: None,
        volume_ml: None,
        medical_only: false,
        images: serde_json::json!([]),
        package_tag: None,
        sku: None,
        upc: None,
        pos_modified_at: None,
        created_at: now,
        updated_at: now,
    }
    .into_active_model()
    .insert(db)
    .await?;
    stock_level::Model {
        id: Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0003),
        product_id: PRODUCT_ID,
        location_id: LOCATION_ID,
        on_hand: 10,
        reserved: 0,
        pos_updated_at: None,
        pos_version: None,
        package_tag: None,
        updated_at: now,
        price: Some(4500),
        med_price: None,
        currency: "USD".to_owned(),
        listed: true,
        max_per_transaction: None,
        offer_modified_at: None,
    }
    .into_active_model()
    .insert(db)
    .await?;
    Ok(())
}
