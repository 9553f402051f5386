//! The decoders of Dispense's listings ([`RecordDecoder`]s): which endpoint each reads
//! and the checks a record must pass; every Dispense record is named by its `id`.

use super::api;
use super::mapping;
use super::models::{Order, Product};
use crate::{
    http::Endpoint,
    listing::{Listing, RecordDecoder},
};

/// The listing of `endpoint`.
const fn listing(endpoint: &Endpoint) -> Listing {
    Listing {
        vendor: "dispense",
        endpoint: endpoint.name,
        id_field: "id",
    }
}

/// The decoder of `GET /products` rows.
pub(crate) fn products() -> RecordDecoder<Product> {
    RecordDecoder::new(listing(&api::PRODUCTS), mapping::validate_product, |p| {
        &p.id
    })
}

/// The decoder of `GET /orders` rows.
pub(crate) fn orders() -> RecordDecoder<Order> {
    RecordDecoder::new(listing(&api::ORDERS), mapping::validate_order, |o| &o.id)
}
