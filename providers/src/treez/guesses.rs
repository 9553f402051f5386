//! Every **[guess]** this adapter makes about Treez's API, in one place.
//!
//! `POS_APIS.md` tags what we inferred rather than read in Treez's documentation
//! (`code.treez.io`: the dispensary OpenAPI document, its recipes, FAQ and webhook
//! pages) or saw in real clients. Everything so tagged lives here, so that when the
//! real shapes are known only this file changes; the client and the simulator both
//! read these values, so they can never disagree.
//!
//! - **Webhook bodies.** `{event_type, dispensary_short_name, data}` is documented, what
//!   `data` holds is not. We take a TICKET's `data` to be the ticket as `GET /ticket`
//!   shows it and an INVENTORY's to be the product's `getStock` row; PRODUCT and
//!   CUSTOMER events are acknowledged and left to polling (Canopy has no event for them).
//! - **Paging.** Pages are numbered from 1, and the end of a list is a short page (the
//!   recipes say there is no next link; `totalElements` is not always sent).
//! - **Customer lists** answer `{…envelope, totalPages, totalElements, data: [customer]}`,
//!   like the documented ticket history.
//! - **Tickets by last update**: the document names the path
//!   `/ticket/lastUpdated/{date}/…` and describes it as "closed on the date"; real v2
//!   clients use `…/lastUpdated/after/{date}/…`. We take the v3 path to mean *changed at
//!   or after* `date`, as the customer and product variants are documented to.
//! - **The authorization header** carries the JWT as `Bearer <jwt>`.
//! - **Failure tokens the documents do not name**, used by the simulator only: a token
//!   of another lifetime answers 400 `INVALID_TOKEN` (the 400 is documented, the token
//!   is not), a dispensary it does not serve 404 `DISPENSARY_NOT_FOUND`, a page number
//!   that is not one 400 `INVALID_PAGE_PARAMETER`.
//! - **Rate limits.** The reading of Treez's FAQ (10 a second per dispensary,
//!   429 `OVER LIMIT`) is followed; the generated recipes say no limit is published.

use crate::model::{Fulfillment, OrderStatus};

/// Pages are numbered from this.
pub(crate) const FIRST_PAGE: u32 = 1;

/// The statuses Treez documents (`INVALID_TICKET_STATUS` lists them) and what they
/// mean in Canopy's model. Which of them stands for what is read from the recipes
/// (a new online order awaits processing, is processed, packed, then completed on
/// payment); that `REMOVED` is a cancellation and `DRAFT` not yet submitted are guesses.
pub(crate) const TICKET_STATUSES: &[(&str, Option<OrderStatus>)] = &[
    (STATUS_DRAFT, Some(OrderStatus::Pending)),
    (STATUS_VERIFICATION_PENDING, Some(OrderStatus::Submitted)),
    (STATUS_AWAITING_PROCESSING, Some(OrderStatus::Submitted)),
    (STATUS_IN_PROCESS, Some(OrderStatus::Confirmed)),
    (STATUS_PACKED_READY, Some(OrderStatus::Ready)),
    (STATUS_OUT_FOR_DELIVERY, Some(OrderStatus::Shipped)),
    (STATUS_COMPLETED, Some(OrderStatus::Completed)),
    (STATUS_CANCELED, Some(OrderStatus::Cancelled)),
    (STATUS_REMOVED, Some(OrderStatus::Cancelled)),
    (STATUS_PREVIEW, None),
];

/// Not yet submitted.
pub(crate) const STATUS_DRAFT: &str = "DRAFT";
/// Waiting for the customer's documents to be checked.
pub(crate) const STATUS_VERIFICATION_PENDING: &str = "VERIFICATION_PENDING";
/// A new online order: what Canopy creates tickets in.
pub(crate) const STATUS_AWAITING_PROCESSING: &str = "AWAITING_PROCESSING";
/// Taken by staff.
pub(crate) const STATUS_IN_PROCESS: &str = "IN_PROCESS";
/// Packed, ready for the customer.
pub(crate) const STATUS_PACKED_READY: &str = "PACKED_READY";
/// On its way.
pub(crate) const STATUS_OUT_FOR_DELIVERY: &str = "OUT_FOR_DELIVERY";
/// Paid and handed over: a sale.
pub(crate) const STATUS_COMPLETED: &str = "COMPLETED";
/// Cancelled (Treez sends no TICKET webhook for it [doc]).
pub(crate) const STATUS_CANCELED: &str = "CANCELED";
/// Taken off the queue **[guess: a cancellation]**.
pub(crate) const STATUS_REMOVED: &str = "REMOVED";
/// A priced basket that is not a ticket (`previewticket`).
pub(crate) const STATUS_PREVIEW: &str = "PREVIEW";

/// The ticket `type` of each fulfilment (documented values).
pub(crate) fn ticket_type(fulfillment: Fulfillment) -> &'static str {
    match fulfillment {
        Fulfillment::Pickup => "PICKUP",
        Fulfillment::Delivery => "DELIVERY",
    }
}

/// `type` of a sale rung up at the register (documented value).
pub(crate) const REGISTER_TICKET_TYPE: &str = "POS";
/// `order_source` of tickets Canopy creates, and of online orders (documented).
pub(crate) const ECOMMERCE_SOURCE: &str = "ECOMMERCE";
/// `order_source` of register sales (documented).
pub(crate) const IN_STORE_SOURCE: &str = "IN_STORE";
/// The inventory type Canopy orders from (documented values `ADULT`, `MEDICAL`).
pub(crate) const INVENTORY_TYPE: &str = "ADULT";

/// A refund is a ticket of its own naming the original in `original_ticket_id` [doc];
/// a refund of a walk-in sale rung up without its receipt names none, so a ticket with
/// a `refund_reason` is also taken as a refund **[guess]**.
pub(crate) fn is_refund(original_ticket_id: Option<&str>, refund_reason: Option<&str>) -> bool {
    original_ticket_id.is_some() || refund_reason.is_some_and(|r| !r.trim().is_empty())
}

/// A completed sale voided at the register shows as `CANCELED` with its `date_closed`
/// kept **[guess]**; an online order cancelled before payment has none.
pub(crate) fn is_void(status: &str, date_closed_set: bool) -> bool {
    status == STATUS_CANCELED && date_closed_set
}

/// `refund_reason` the simulator writes on a return.
pub(crate) const RETURN_REASON: &str = "RETURN";

/// `PUT /ticket/update/{ticket_id}` takes the fields to change; a status change is
/// `{order_status}` **[guess: the body is not documented]**.
pub(crate) const TICKET_UPDATE_PATH: &str = "update";

/// `PUT /customer/update/{customer_id}` with the `detailcustomer` body updates a
/// customer **[guess: the path is named in the FAQ, not in the document]**.
pub(crate) const CUSTOMER_UPDATE_PATH: &str = "update";

/// Lab results carry no documented shape. We read an entry as
/// `{"cannabinoid": "THC"|"CBD", "value": <number>, "unit": "PERCENT"|"MG"|"MG_G"}`
/// **[guess]**; anything else in the list is skipped.
pub(crate) const LAB_CANNABINOID: &str = "cannabinoid";
/// See [`LAB_CANNABINOID`].
pub(crate) const LAB_VALUE: &str = "value";
/// See [`LAB_CANNABINOID`].
pub(crate) const LAB_UNIT: &str = "unit";

/// A dispensary's organization entity: the one `store_entities` names, else the one
/// whose name is the short name once case and everything but letters and digits are
/// set aside (`PartnerSandbox3` is `partnersandbox3` in the document's examples)
/// **[guess]**.
pub(crate) fn entity_matches(short_name: &str, entity_name: &str) -> bool {
    let squash = |s: &str| -> String {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    !short_name.trim().is_empty() && squash(short_name) == squash(entity_name)
}

/// Entities do not say which customers a store serves: taken as both adult-use and
/// medical **[guess]** (Treez tickets carry either patient type).
pub(crate) const STORE_SERVES: (bool, bool) = (true, true);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_match_their_short_names_loosely() {
        assert!(entity_matches("partnersandbox3", "PartnerSandbox3"));
        assert!(entity_matches("green-canopy", "Green Canopy"));
        assert!(!entity_matches("partnersandbox3", "PartnerSandbox4"));
        assert!(!entity_matches("", ""));
    }

    #[test]
    fn refunds_and_voids() {
        assert!(is_refund(Some("t1"), None));
        assert!(is_refund(None, Some(RETURN_REASON)));
        assert!(!is_refund(None, Some(" ")));
        assert!(is_void(STATUS_CANCELED, true));
        assert!(!is_void(STATUS_CANCELED, false));
        assert!(!is_void(STATUS_COMPLETED, true));
    }
}
