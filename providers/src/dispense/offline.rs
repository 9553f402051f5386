//! [`decode_responses`]: every Dispense response decoder of the adapter run on one
//! body, as if each endpoint had answered it, without a network (for the fuzz targets
//! and their regression tests). A list body goes through the same steps as in
//! [`super::DispenseProvider`]: the page envelope, the record-by-record decoder, then
//! the catalog, stock, customers and purchase history made of the accepted rows.

use serde_json::Value;

use super::decode;
use super::mapping;
use super::models::{ListEnvelope, Order, Venue};
use crate::decoded::{DecodedResponses, read_as};

/// Decodes `body` as the answer of each Dispense endpoint the adapter reads; a body
/// that is not JSON decodes to nothing, as the adapter refuses it whole.
pub fn decode_responses(body: &[u8]) -> DecodedResponses {
    let mut out = DecodedResponses::default();
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return out;
    };
    if let Some(page) = read_as::<ListEnvelope<Value>>(&value) {
        let mut products = decode::products();
        products.push_page(page.data.clone());
        out.products = mapping::catalog(&products.items);
        out.stock = products.items.iter().flat_map(mapping::stock).collect();
        out.rejected.extend(products.rejected);

        let mut orders = decode::orders();
        orders.push_page(page.data);
        out.customers = mapping::customers(&orders.items);
        out.transactions = orders
            .items
            .iter()
            .filter_map(mapping::transaction)
            .collect();
        out.rejected.extend(orders.rejected);
    }
    if let Some(venue) = read_as::<Venue>(&value) {
        out.locations.push(mapping::location(&venue));
    }
    if let Some(order) = read_as::<Order>(&value) {
        out.order_statuses.push(mapping::order_status(&order));
    }
    out
}
