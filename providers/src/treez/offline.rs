//! [`decode_responses`]: every Treez response decoder of the adapter run on one body,
//! as if each endpoint had answered it, without a network (for the fuzz targets and
//! their regression tests). A list body goes through the same steps as in
//! [`super::TreezProvider`]: the page, the record-by-record decoder, then the mapping.

use chrono::Utc;
use serde_json::Value;

use super::api::records;
use super::decode;
use super::mapping;
use super::models::{OrgEntity, Ticket};
use crate::decoded::{DecodedResponses, read_as};

/// The dispensary decoded records are filed under.
const DISPENSARY: &str = "offline";

/// Decodes `body` as the answer of each Treez endpoint the adapter reads; a body that
/// is not JSON decodes to nothing, as the adapter refuses it whole.
pub fn decode_responses(body: &[u8]) -> DecodedResponses {
    let mut out = DecodedResponses::default();
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return out;
    };
    if let Some(rows) = records::products(value.clone()) {
        let mut products = decode::products();
        products.push_page(rows);
        out.products = products
            .items
            .iter()
            .map(|p| mapping::product(p, DISPENSARY))
            .collect();
        out.rejected.extend(products.rejected);
    }
    if let Some(rows) = records::stock(value.clone()) {
        let mut stock = decode::stock();
        stock.push_page(rows);
        let now = Utc::now();
        out.stock = stock
            .items
            .iter()
            .map(|row| mapping::stock(row, DISPENSARY, now))
            .collect();
        out.rejected.extend(stock.rejected);
    }
    if let Some(rows) = records::customers(value.clone()) {
        let mut customers = decode::customers();
        customers.push_page(rows);
        out.customers = customers
            .items
            .iter()
            .filter_map(mapping::customer)
            .collect();
        out.rejected.extend(customers.rejected);
    }
    if let Some(rows) = records::tickets(value.clone()) {
        let mut tickets = decode::tickets();
        tickets.push_page(rows);
        out.transactions = tickets
            .items
            .iter()
            .filter_map(|t| mapping::transaction(t, DISPENSARY))
            .collect();
        out.order_statuses = tickets.items.iter().map(mapping::ticket_status).collect();
        out.rejected.extend(tickets.rejected);
    }
    if let Some(entities) = read_as::<Vec<OrgEntity>>(&value) {
        out.locations = entities
            .iter()
            .map(|e| mapping::location(&e.name, Some(e), None))
            .collect();
    }
    if let Some(ticket) = value.get("data").and_then(read_as::<Ticket>) {
        out.order_statuses.push(mapping::ticket_status(&ticket));
    }
    out
}
