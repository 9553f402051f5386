//! Dispense's listings, decoded record by record with the shared
//! [`crate::listing::RecordDecoder`]: which endpoint, id field and checks each has.

use super::api;
use super::mapping;
use super::models::{Order, Product};
pub(crate) use crate::listing::RecordDecoder;

/// The vendor's name in logs.
const VENDOR: &str = "dispense";
/// The id field of Dispense's records.
const ID: &str = "id";

impl RecordDecoder<Product> {
    /// The decoder of `GET /products` rows.
    pub(crate) fn products() -> Self {
        Self::new(
            VENDOR,
            api::PRODUCTS.name,
            ID,
            mapping::validate_product,
            |p| &p.id,
        )
    }
}

impl RecordDecoder<Order> {
    /// The decoder of `GET /orders` rows.
    pub(crate) fn orders() -> Self {
        Self::new(VENDOR, api::ORDERS.name, ID, mapping::validate_order, |o| {
            &o.id
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Deserialize)]
    struct Rec {
        id: String,
        qty: i64,
    }

    fn decoder() -> RecordDecoder<Rec> {
        RecordDecoder::new(
            VENDOR,
            "GET /things",
            ID,
            |r: &Rec| {
                if r.qty < 0 {
                    Err("negative".into())
                } else {
                    Ok(())
                }
            },
            |r: &Rec| &r.id,
        )
    }

    #[test]
    fn bad_records_are_rejected_and_the_rest_kept() {
        let mut d = decoder();
        d.push_page(vec![
            json!({"id": "a", "qty": 1}),
            json!({"id": "b"}),
            json!({"id": "c", "qty": "many"}),
            json!({"id": "d", "qty": -1}),
        ]);
        d.push_page(vec![
            json!({"id": "a", "qty": 2}),
            json!({"id": "e", "qty": 0}),
        ]);
        let ids: Vec<_> = d.items.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["a", "e"]);
        let rejected: Vec<_> = d
            .rejected
            .iter()
            .map(|r| (r.external_id.clone().unwrap(), r.endpoint.as_str()))
            .collect();
        assert_eq!(
            rejected,
            [
                ("b".to_owned(), "GET /things"),
                ("c".to_owned(), "GET /things"),
                ("d".to_owned(), "GET /things"),
                ("a".to_owned(), "GET /things"),
            ]
        );
        assert_eq!(d.rejected[3].reason, "duplicate id");
    }
}
