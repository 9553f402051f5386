//! Orders for the simulator's own unit tests.

use super::NewOrder;
use crate::model::{Fulfillment, Money, OrderCustomer, OrderLineSubmission};

/// A pickup order `reference` by Ava Lee (the store's customer `customer`, when
/// given) of `quantity` units of `product` at `location`, at $25 a unit.
pub(crate) fn pickup_order(
    reference: &str,
    location: &str,
    product: &str,
    quantity: i64,
    customer: Option<&str>,
) -> NewOrder {
    NewOrder {
        order_reference: reference.to_owned(),
        location_id: location.to_owned(),
        customer_id: customer.map(str::to_owned),
        customer: OrderCustomer {
            external_id: customer.map(str::to_owned),
            first_name: "Ava".into(),
            last_name: "Lee".into(),
            email: None,
            phone: None,
            date_of_birth: None,
            medical_id: None,
        },
        lines: vec![OrderLineSubmission {
            external_product_id: product.to_owned(),
            quantity,
            unit_price: Money::usd(2500),
        }],
        fulfillment: Fulfillment::Pickup,
        delivery_address: None,
        notes: None,
    }
}
