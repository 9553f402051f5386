//! Why a simulator mutation was refused.

/// A mutation of the simulator's store that cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SimError {
    /// No product with this id.
    #[error("unknown product {0}")]
    UnknownProduct(String),
    /// No location with this id.
    #[error("unknown location {0}")]
    UnknownLocation(String),
    /// No order with this id.
    #[error("unknown order {0}")]
    UnknownOrder(String),
    /// No transaction with this id.
    #[error("unknown transaction {0}")]
    UnknownTransaction(String),
    /// A sale of more units than are on hand.
    #[error(
        "only {on_hand} of product {product_id} on hand at {location_id}, {requested} requested"
    )]
    InsufficientStock {
        /// The product.
        product_id: String,
        /// The location.
        location_id: String,
        /// Units on hand.
        on_hand: i64,
        /// Units asked for.
        requested: i64,
    },
    /// A request the store cannot make sense of (zero quantity, wrong sign, bad status).
    #[error("invalid request: {0}")]
    Invalid(String),
    /// The order is in a state that does not allow this (e.g. returning an unfilled order).
    #[error("order {order_id} is {status}: {action} not allowed")]
    WrongOrderState {
        /// The order.
        order_id: String,
        /// Its vendor status.
        status: String,
        /// What was attempted.
        action: &'static str,
    },
    /// The vendor's simulator does not offer this.
    #[error("not supported by this simulator: {0}")]
    Unsupported(&'static str),
}
