//! The decoders of Treez's listings ([`RecordDecoder`]s): which endpoint each reads,
//! the wire field naming its records, and the checks a record must pass.

use super::api;
use super::mapping;
use super::models::{Customer, Product, StockRow, Ticket};
use crate::{
    http::Endpoint,
    listing::{Listing, RecordDecoder},
};

/// The listing of `endpoint`, its records named by `id_field`.
const fn listing(endpoint: &Endpoint, id_field: &'static str) -> Listing {
    Listing {
        vendor: "treez",
        endpoint: endpoint.name,
        id_field,
    }
}

/// Products of `product_list`.
pub(crate) fn products() -> RecordDecoder<Product> {
    RecordDecoder::new(
        listing(&api::PRODUCTS, "product_id"),
        mapping::validate_product,
        |p| &p.product_id,
    )
}

/// Rows of `getStock`.
pub(crate) fn stock() -> RecordDecoder<StockRow> {
    RecordDecoder::new(
        listing(&api::STOCK, "product_id"),
        mapping::validate_stock,
        |s| &s.product_id,
    )
}

/// Customers changed since a time.
pub(crate) fn customers() -> RecordDecoder<Customer> {
    RecordDecoder::new(
        listing(&api::CUSTOMERS, "customer_id"),
        |_| Ok(()),
        |c| &c.customer_id,
    )
}

/// Tickets changed since a time.
pub(crate) fn tickets() -> RecordDecoder<Ticket> {
    RecordDecoder::new(
        listing(&api::TICKETS, "ticket_id"),
        mapping::validate_ticket,
        |t| &t.ticket_id,
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::{Value, json};

    #[test]
    fn bad_rows_are_rejected_and_the_rest_kept() {
        let mut d = stock();
        let row = |id: &str, qty: Value| json!({"product_id": id, "inventory_details": [{"sellable_quantity": qty}]});
        d.push_page(vec![
            row("a", json!(3)),
            row("b", json!(-1)),
            json!({"inventory_details": []}),
            row("c", json!("many")),
        ]);
        d.push_page(vec![row("a", json!(1)), row("d", json!(0))]);
        let ids: Vec<_> = d.items.iter().map(|r| r.product_id.as_str()).collect();
        assert_eq!(ids, ["a", "d"]);
        let rejected: Vec<_> = d.rejected.iter().map(|r| r.external_id.clone()).collect();
        assert_eq!(
            rejected,
            [Some("b".into()), None, Some("c".into()), Some("a".into())]
        );
        assert!(d.rejected.iter().all(|r| r.endpoint == api::STOCK.name));
    }
}
