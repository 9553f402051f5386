//! Every **[guess]** this adapter makes about Jane's API, in one place.
//!
//! `POS_APIS.md` documents Jane's token endpoint, menu API and webhook
//! payload; everything else here is our inference. The adapter and the
//! simulator both read these values, so they can never disagree, and when
//! Jane's real shapes are known only this file (and the wire fields marked
//! `[guess]` in `models.rs`) changes.
//!
//! - **Statuses.** Only `verification` is documented; the other names and
//!   their meaning in Canopy's model are a guess ([`CART_STATUSES`]).
//! - **Times.** Webhook times are `YYYY-MM-DD HH:MM:SS` with no zone; we read
//!   them as UTC ([`TIME_FORMAT`]).
//! - **Stock.** Jane's menu carries no documented stock count. We read a
//!   per-weight map `inventory: {"<weight>": units}` on each menu product,
//!   keyed like `available_weights` (`MenuProduct::inventory`).
//! - **Variants.** A menu product sold in several weights becomes one Canopy
//!   product per weight, id `"{product_id}:{weight}"`; one sold in a single
//!   weight keeps its `product_id` ([`variant_id`]).
//! - **Partner API.** Checkout is Jane's own; for orders placed in Canopy we
//!   model a partner order API: create (idempotent on our order id), read,
//!   cancel, return (answered with a refund cart), and a cart listing from
//!   which customers and purchase history are derived: a cart with a
//!   `completed_time` was sold at the register under its `pos_order_id`, a
//!   `refund` cart is a return (naming the sale in `refund_of` when known),
//!   and a completed cart later `cancelled` is a void. Jane has no customer
//!   listing: customers arrive on carts (webhooks), so the adapter reads none.
//!   Paths below; bodies in `models.rs`.
//! - **Stores.** `GET /partner/v1/stores/{id}` describes a store.
//! - **Rooms.** No equivalent of Dutchie's `sellable_rooms`: the menu API
//!   [seen] describes what the store sells online, with no per-room (sales
//!   floor / vault) stock, and the per-weight `inventory` map is itself our
//!   guess. Stock Jane lists is taken as sellable; a store that keeps vault
//!   stock off its Jane menu already does what `sellable_rooms` does.

use crate::model::OrderStatus;

use super::weights::JaneWeight;

/// Jane's cart statuses and their meaning in Canopy's model, in the order a
/// cart normally moves through them.
pub(crate) const CART_STATUSES: &[(&str, OrderStatus)] = &[
    (STATUS_PENDING, OrderStatus::Submitted),
    (STATUS_VERIFICATION, OrderStatus::Submitted),
    (STATUS_STAFF_REVIEW, OrderStatus::Submitted),
    (STATUS_PREPARING, OrderStatus::Confirmed),
    (STATUS_READY, OrderStatus::Ready),
    (STATUS_DELIVERY_STARTED, OrderStatus::Shipped),
    (STATUS_DELIVERY_FINISHED, OrderStatus::Delivered),
    (STATUS_FINISHED, OrderStatus::Completed),
    (STATUS_CANCELLED, OrderStatus::Cancelled),
];

/// The names of [`CART_STATUSES`], in the same order.
pub(crate) const STATUS_NAMES: &[&str] = &[
    STATUS_PENDING,
    STATUS_VERIFICATION,
    STATUS_STAFF_REVIEW,
    STATUS_PREPARING,
    STATUS_READY,
    STATUS_DELIVERY_STARTED,
    STATUS_DELIVERY_FINISHED,
    STATUS_FINISHED,
    STATUS_CANCELLED,
];

/// A new cart, as the partner API creates it.
pub(crate) const STATUS_PENDING: &str = "pending";
/// Jane verifies the customer's id (the one documented status).
pub(crate) const STATUS_VERIFICATION: &str = "verification";
/// Staff review the cart.
pub(crate) const STATUS_STAFF_REVIEW: &str = "staff_member_review";
/// Staff accepted the cart and are packing it.
pub(crate) const STATUS_PREPARING: &str = "preparing";
/// Ready for pickup.
pub(crate) const STATUS_READY: &str = "ready_for_pickup";
/// Out for delivery.
pub(crate) const STATUS_DELIVERY_STARTED: &str = "delivery_started";
/// Delivered.
pub(crate) const STATUS_DELIVERY_FINISHED: &str = "delivery_finished";
/// Paid and handed over: a sale in purchase history.
pub(crate) const STATUS_FINISHED: &str = "finished";
/// Cancelled by either side; a completed cart later cancelled is a void.
pub(crate) const STATUS_CANCELLED: &str = "cancelled";

/// The format of every Jane time, read as UTC.
pub(crate) const TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// The separator between a product id and its weight in a variant id.
const VARIANT_SEPARATOR: char = ':';

/// The Canopy product id of one weight of a Jane product.
pub(crate) fn variant_id(product_id: &str, weight: JaneWeight, single_weight: bool) -> String {
    if single_weight {
        product_id.to_owned()
    } else {
        format!(
            "{product_id}{VARIANT_SEPARATOR}{}",
            weight.key().replace(' ', "_")
        )
    }
}

/// Splits a Canopy product id into Jane's product id and, for a variant, its weight.
pub(crate) fn split_variant_id(external_id: &str) -> (&str, Option<JaneWeight>) {
    match external_id.split_once(VARIANT_SEPARATOR) {
        Some((product_id, weight)) => match JaneWeight::parse(weight) {
            Some(weight) => (product_id, Some(weight)),
            None => (external_id, None),
        },
        None => (external_id, None),
    }
}

/// A store: `GET {base}/partner/v1/stores/{store_id}`.
pub(crate) fn store_path(store_id: &str) -> String {
    format!("partner/v1/stores/{store_id}")
}

/// Carts of a store, newest changes included: `GET …/carts?updated_since=&count=&pagination_id=`.
pub(crate) fn carts_path(store_id: &str) -> String {
    format!("partner/v1/stores/{store_id}/carts")
}

/// Create an order: `POST …/orders`, idempotent on `external_order_id`.
pub(crate) fn orders_path(store_id: &str) -> String {
    format!("partner/v1/stores/{store_id}/orders")
}

/// One order (a cart): `GET …/orders/{cart_id}`.
pub(crate) fn order_path(store_id: &str, cart_id: &str) -> String {
    format!("partner/v1/stores/{store_id}/orders/{cart_id}")
}

/// Cancel an order: `POST …/orders/{cart_id}/cancel {reason}`.
pub(crate) fn order_cancel_path(store_id: &str, cart_id: &str) -> String {
    format!("{}/cancel", order_path(store_id, cart_id))
}

/// Return lines of an order: `POST …/orders/{cart_id}/returns {products, reason}`.
pub(crate) fn order_returns_path(store_id: &str, cart_id: &str) -> String {
    format!("{}/returns", order_path(store_id, cart_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variant_ids_round_trip() {
        let id = variant_id("42", JaneWeight::EighthOunce, false);
        assert_eq!(id, "42:eighth_ounce");
        assert_eq!(split_variant_id(&id), ("42", Some(JaneWeight::EighthOunce)));
        assert_eq!(variant_id("42", JaneWeight::Each, true), "42");
        assert_eq!(split_variant_id("42"), ("42", None));
        assert_eq!(split_variant_id("a:b"), ("a:b", None));
    }
}
