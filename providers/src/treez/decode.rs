//! Treez's listings, decoded record by record with the shared
//! [`crate::listing::RecordDecoder`]: which endpoint, id field and checks each has.

use super::api;
use super::mapping;
use super::models::{Customer, Product, StockRow, Ticket};
pub(crate) use crate::listing::RecordDecoder;

/// The vendor's name in logs.
const VENDOR: &str = "treez";

impl RecordDecoder<Product> {
    /// Products of `product_list`.
    pub(crate) fn products() -> Self {
        Self::new(
            VENDOR,
            api::PRODUCTS.name,
            "product_id",
            mapping::validate_product,
            |p| &p.product_id,
        )
    }
}

impl RecordDecoder<StockRow> {
    /// Rows of `getStock`.
    pub(crate) fn stock() -> Self {
        Self::new(
            VENDOR,
            api::STOCK.name,
            "product_id",
            mapping::validate_stock,
            |s| &s.product_id,
        )
    }
}

impl RecordDecoder<Customer> {
    /// Customers changed since a time.
    pub(crate) fn customers() -> Self {
        Self::new(
            VENDOR,
            api::CUSTOMERS.name,
            "customer_id",
            |_| Ok(()),
            |c| &c.customer_id,
        )
    }
}

impl RecordDecoder<Ticket> {
    /// Tickets changed since a time.
    pub(crate) fn tickets() -> Self {
        Self::new(
            VENDOR,
            api::TICKETS.name,
            "ticket_id",
            mapping::validate_ticket,
            |t| &t.ticket_id,
        )
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::{Value, json};

    #[test]
    fn bad_rows_are_rejected_and_the_rest_kept() {
        let mut d = RecordDecoder::stock();
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
