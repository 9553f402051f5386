//! An amount of money.

use async_graphql::SimpleObject;

/// An amount of money in the minor unit of its currency (cents for USD).
#[derive(Clone, Debug, PartialEq, Eq, SimpleObject)]
pub struct Money {
    /// Amount in minor units, for example `1299` for $12.99.
    pub amount: i64,
    /// ISO 4217 currency code, for example `USD`.
    pub currency: String,
}

impl Money {
    /// `amount` minor units of `currency`.
    pub fn new(amount: i64, currency: &str) -> Self {
        Self {
            amount,
            currency: currency.to_owned(),
        }
    }
}
