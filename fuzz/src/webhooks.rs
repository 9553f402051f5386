//! The webhook check: a body goes through each vendor adapter's `parse_webhook` with a
//! verified `Authorization` header, then through what the receiver does with the
//! events (the delivery id, the stored JSON payload read back by the worker). It must
//! never panic, and the stored payload must read back as the events it was made of.

use std::sync::{Arc, OnceLock};

use api::webhooks::queue;
use arbitrary::Unstructured;
use chrono::DateTime;
use entities::{enums::QueueStatus, webhook_delivery};
use http::{HeaderMap, HeaderValue, header::AUTHORIZATION};
use providers::{ConnectionConfig, PosProvider, model::PosKind};
use secrecy::SecretString;
use uuid::Uuid;

/// The shared secret of the fuzzed connections.
pub const SECRET: &str = "fuzz-webhook-secret";

/// Field names of Jane's cart payloads, for the structured half of the input.
const JANE_WORDS: &str = include_str!("../dicts/jane.dict");

/// One adapter per POS kind, built once (no call to any POS is made).
fn adapters() -> &'static [Arc<dyn PosProvider>] {
    static ADAPTERS: OnceLock<Vec<Arc<dyn PosProvider>>> = OnceLock::new();
    ADAPTERS.get_or_init(|| {
        PosKind::ALL
            .into_iter()
            .map(|kind| {
                let config = ConnectionConfig {
                    connection_id: Uuid::nil(),
                    kind,
                    base_url: "http://127.0.0.1:9/".parse().expect("a valid URL"),
                    api_key: SecretString::from("fuzz-key"),
                    api_secret: Some(SecretString::from("fuzz-secret")),
                    webhook_secret: Some(SecretString::from(SECRET)),
                    settings: serde_json::json!({ "store_id": "1", "venue_id": "1" }),
                };
                providers::connect(config).expect("the fuzz connection settings are valid")
            })
            .collect()
    })
}

fn words() -> &'static [String] {
    static WORDS: OnceLock<Vec<String>> = OnceLock::new();
    WORDS.get_or_init(|| crate::json::dictionary(JANE_WORDS))
}

/// The headers of a delivery signed with [`SECRET`].
pub fn signed_headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        AUTHORIZATION,
        HeaderValue::from_str(&format!("Bearer {SECRET}")).expect("a valid header"),
    );
    headers
}

/// Runs `data` as a webhook body, and `{"cart": document}` built from it, through every
/// adapter; panics (a fuzzer crash) when a stored payload does not read back.
pub fn check(data: &[u8]) {
    let headers = signed_headers();
    receive(&headers, data);
    let mut u = Unstructured::new(data);
    if let Ok(cart) = crate::json::document(&mut u, words()) {
        let body = serde_json::json!({ "cart": cart }).to_string();
        receive(&headers, body.as_bytes());
    }
}

/// What the receiver and the worker do with one delivery, without the database.
pub fn receive(headers: &HeaderMap, body: &[u8]) {
    for adapter in adapters() {
        let Ok(events) = adapter.parse_webhook(headers, body) else {
            continue;
        };
        let delivery_id = queue::delivery_id(&events, body);
        let payload = serde_json::to_value(&events).expect("webhook events serialize");
        let stored = webhook_delivery::Model {
            id: Uuid::nil(),
            connection_id: Uuid::nil(),
            delivery_id,
            payload,
            status: QueueStatus::Pending,
            attempts: 0,
            last_error: None,
            received_at: DateTime::UNIX_EPOCH,
            processed_at: None,
        };
        let read_back = queue::events(&stored).expect("a stored payload reads back");
        assert_eq!(read_back, events, "a stored payload reads back unchanged");
    }
}
