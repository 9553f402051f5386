//! [`decode_responses`]: every Jane response decoder of the adapter run on one body,
//! as if each endpoint had answered it, without a network (for the fuzz targets and
//! their regression tests). A list body goes through the same steps as in
//! [`super::JaneProvider`]: the page envelope, record-by-record parsing, then the
//! catalog, stock, customers and purchase history made of the parsed records.

use chrono::DateTime;
use serde_json::Value;

use super::client::{self, CARTS, MENU};
use super::mapping;
use super::models::{CartResponse, Carts, MenuProducts, Page, StoreResponse};
use super::settings::JaneSettings;
use crate::decoded::{DecodedResponses, read_as};

/// Decodes `body` as the answer of each Jane endpoint the adapter reads, for store
/// `1` with the default settings; a body that is not JSON decodes to nothing, as the
/// adapter refuses it whole.
pub fn decode_responses(body: &[u8]) -> DecodedResponses {
    let mut out = DecodedResponses::default();
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return out;
    };
    let Ok(settings) = JaneSettings::from_json(&serde_json::json!({ "store_id": "1" })) else {
        return out;
    };
    if let Some(page) = read_as::<Page<MenuProducts<Value>>>(&value) {
        let (menu, mut rejected) =
            client::parse_records(page.data.menu_products, &MENU, &["product_id", "id"]);
        out.products = client::catalog(&menu, &settings, MENU.name, &mut rejected);
        out.stock = client::stock(
            &menu,
            &settings,
            MENU.name,
            DateTime::UNIX_EPOCH,
            &mut rejected,
        );
        out.rejected.extend(rejected);
    }
    if let Some(page) = read_as::<Page<Carts<Value>>>(&value) {
        let (carts, mut rejected) = client::parse_records(page.data.carts, &CARTS, &["id"]);
        out.customers = client::customers(&carts);
        out.transactions = client::transactions(&carts, &settings, &mut rejected);
        out.order_statuses = carts.iter().map(mapping::cart_status).collect();
        out.rejected.extend(rejected);
    }
    if let Some(response) = read_as::<CartResponse>(&value) {
        out.order_statuses
            .push(mapping::cart_status(&response.data.cart));
    }
    if let Some(StoreResponse { data }) = read_as::<StoreResponse>(&value) {
        out.locations.push(mapping::location(data.store));
    }
    out
}
