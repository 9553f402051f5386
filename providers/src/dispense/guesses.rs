//! Every **[guess]** this adapter makes about Dispense's API, in one place.
//!
//! `POS_APIS.md` tags what we inferred rather than read in the vendor's
//! documentation or saw in real clients. Everything so tagged lives here, so
//! that when the real shapes are known only this file changes; the client and
//! the simulator both read these values, so they can never disagree.
//!
//! - **Rooms.** No equivalent of Dutchie's `sellable_rooms` is documented:
//!   products [seen] carry one `quantity` per venue (with `quantityTotal`,
//!   `quantitySold`, `quantityThreshold`) and per variant, never per room.
//!   Dispense is an online menu fed by the store's register, so we take
//!   `quantity` as the units the venue offers online [guess]; should a room
//!   breakdown appear, it belongs in the mapping of `models::Product` the way
//!   Dutchie's `roomQuantities` is read.

use crate::model::{Fulfillment, OrderStatus};

/// Order statuses and what they mean in Canopy's model. The names are a
/// guess; the meaning follows the documented flow (new orders are pending
/// until the store confirms them, and reach the register only once confirmed).
pub(crate) const ORDER_STATUSES: &[(&str, OrderStatus)] = &[
    (STATUS_PENDING, OrderStatus::Submitted),
    (STATUS_CONFIRMED, OrderStatus::Confirmed),
    (STATUS_READY, OrderStatus::Ready),
    (STATUS_COMPLETED, OrderStatus::Completed),
    (STATUS_CANCELLED, OrderStatus::Cancelled),
    (STATUS_RETURNED, OrderStatus::Returned),
];

/// A new order, not yet confirmed by the store.
pub(crate) const STATUS_PENDING: &str = "PENDING";
/// Confirmed by the store; now at the register.
pub(crate) const STATUS_CONFIRMED: &str = "CONFIRMED";
/// Packed and ready for the customer.
pub(crate) const STATUS_READY: &str = "READY";
/// Paid and handed over: a sale.
pub(crate) const STATUS_COMPLETED: &str = "COMPLETED";
/// Cancelled by either side: a void when it had reached the register.
pub(crate) const STATUS_CANCELLED: &str = "CANCELLED";
/// Goods returned at the register. Dispense documents no returns; its
/// orders feed also carries the register's returns under this status, with
/// `returnOf` naming the order (or walk-in sale) returned.
pub(crate) const STATUS_RETURNED: &str = "RETURNED";

/// `orderPickUpType` of a sale made at the register rather than online.
pub(crate) const WALK_IN_PICK_UP_TYPE: &str = "IN_STORE";

/// `orderPickUpType` for each of Canopy's fulfilment modes (`IN_STORE` is
/// seen in real clients; `DELIVERY` is a guess; `CURBSIDE` is also guessed
/// but Canopy never sends it).
pub(crate) fn pick_up_type(fulfillment: Fulfillment) -> &'static str {
    match fulfillment {
        Fulfillment::Pickup => "IN_STORE",
        Fulfillment::Delivery => "DELIVERY",
    }
}

/// Order creation: a cart is created (`POST /carts`, seen), then turned into
/// an order by `POST /orders {cartId, externalOrderId, …}`. The path, the body
/// and the idempotency on `externalOrderId` (same id again returns the
/// existing order) are guesses.
pub(crate) const ORDERS_CREATE_PATH: &str = "orders";
/// One order by id: `GET /orders/{id}` (guess; the list is documented).
pub(crate) const ORDER_PATH: &str = "orders";
/// Cancelling an order: `POST /orders/{id}/cancel {reason}` (guess).
pub(crate) const ORDER_CANCEL_SEGMENT: &str = "cancel";

/// Cart item statuses that mean the line can be ordered. Dispense documents
/// only the failure values (`SOLD_OUT`, `QUANTITY_NOT_AVAILABLE`,
/// `QUANTITY_OVER_PURCHASE_MAX`, …); an absent status or one of these is taken as fine.
pub(crate) const CART_ITEM_OK_STATUSES: &[&str] = &["AVAILABLE", "OK"];

/// Venues carry only `medicalDispensary`; we take a medical dispensary to
/// serve medical patients only, and any other venue to be adult-use only.
pub(crate) fn venue_serves(medical_dispensary: bool) -> (bool, bool) {
    // (adult_use, medical)
    (!medical_dispensary, medical_dispensary)
}
