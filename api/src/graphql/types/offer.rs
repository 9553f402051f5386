//! Which of a product's per-store offers a `Product` field shows: one store's, or, when
//! no store is named, those of every store that lists the product (a "from" price is the
//! lowest of them).

use entities::stock_level;
use uuid::Uuid;

use super::Money;

/// The offers a field reads.
pub struct Offered {
    levels: Vec<stock_level::Model>,
}

impl Offered {
    /// Of a product's stock rows `levels`: the row at `at` (listed or not), else every
    /// listed row.
    pub fn of(levels: Vec<stock_level::Model>, at: Option<Uuid>) -> Self {
        let levels = levels
            .into_iter()
            .filter(|level| match at {
                Some(location) => level.location_id == location,
                None => level.listed,
            })
            .collect();
        Self { levels }
    }

    /// The lowest of the offers' `amount`s, in its offer's currency.
    pub fn lowest(&self, amount: impl Fn(&stock_level::Model) -> Option<i64>) -> Option<Money> {
        self.levels
            .iter()
            .filter_map(|level| Some((amount(level)?, level)))
            .min_by_key(|(amount, _)| *amount)
            .map(|(amount, level)| Money::new(amount, &level.currency))
    }

    /// The strictest per-transaction maximum of the offers.
    pub fn strictest_limit(&self) -> Option<i32> {
        self.levels
            .iter()
            .filter_map(|level| level.max_per_transaction)
            .min()
    }
}

/// Whether some store lists the product of `levels`.
pub fn listed_anywhere(levels: &[stock_level::Model]) -> bool {
    levels.iter().any(|level| level.listed)
}
