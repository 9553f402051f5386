//! [`decode_responses`]: every Dutchie response decoder of the adapter run on one body,
//! as if each endpoint had answered it, without a network (for the fuzz targets and
//! their regression tests). The body goes through the same steps as in
//! [`super::DutchieProvider`]: JSON first, then each list's record-by-record decoder
//! and mapping, then the per-product stock sums.

use chrono::DateTime;
use serde_json::Value;

use super::decode::ListDecoder;
use super::endpoints as ep;
use super::models::{CustomerSearchResult, LocationIdentity, PreOrderStatus};
use super::settings::DutchieSettings;
use super::{customer_match, mapping};
use crate::decoded::{DecodedResponses, read_as};

/// The location id the offline stock and transactions are read for.
const LOCATION_ID: &str = "1";

/// Decodes `body` as the answer of each Dutchie endpoint the adapter reads, with the
/// default settings; a body that is not JSON decodes to nothing, as the adapter
/// refuses it whole.
pub fn decode_responses(body: &[u8]) -> DecodedResponses {
    let mut out = DecodedResponses::default();
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return out;
    };
    let settings = DutchieSettings::default();
    let currency = &settings.currency;

    let mut products = ListDecoder::products();
    products.page(value.clone(), |p| mapping::product(p, currency));
    out.products = products.items;
    out.rejected.extend(products.rejected);

    let mut inventory = ListDecoder::inventory();
    inventory.page(value.clone(), |item| {
        mapping::stock_item(&item, LOCATION_ID, DateTime::UNIX_EPOCH, None)
    });
    out.stock = mapping::stock_per_product(inventory.items);
    out.rejected.extend(inventory.rejected);

    let mut customers = ListDecoder::customers(&ep::CUSTOMERS);
    customers.page(value.clone(), mapping::customer);
    out.customers = customers.items;
    out.rejected.extend(customers.rejected);

    let mut transactions = ListDecoder::transactions();
    transactions.page(value.clone(), |t| {
        mapping::transaction(t, LOCATION_ID, currency)
    });
    out.transactions = transactions.items;
    out.rejected.extend(transactions.rejected);

    if let Some(identity) = read_as::<LocationIdentity>(&value) {
        out.locations.push(mapping::location(&identity, &settings));
    }
    if let Some(status) = read_as::<PreOrderStatus>(&value) {
        out.order_statuses.push(mapping::order_status(status));
    }
    if let Some(matches) = read_as::<Vec<CustomerSearchResult>>(&value) {
        customer_match::best(&matches);
    }
    out
}
