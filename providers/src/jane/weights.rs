//! The weights Jane sells by (`available_weights`), each with its price
//! field on a menu product and its mass.

use super::models::WeightPrices;

/// One of Jane's sale weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum JaneWeight {
    /// Sold by the unit.
    Each,
    /// 0.5 g.
    HalfGram,
    /// 1 g.
    Gram,
    /// 2 g.
    TwoGram,
    /// 1/8 oz (3.5 g by dispensary convention).
    EighthOunce,
    /// 1/4 oz (7 g).
    QuarterOunce,
    /// 1/2 oz (14 g).
    HalfOunce,
    /// 1 oz (28 g).
    Ounce,
}

impl JaneWeight {
    /// Every weight, smallest first (`each` first).
    pub(crate) const ALL: [JaneWeight; 8] = [
        JaneWeight::Each,
        JaneWeight::HalfGram,
        JaneWeight::Gram,
        JaneWeight::TwoGram,
        JaneWeight::EighthOunce,
        JaneWeight::QuarterOunce,
        JaneWeight::HalfOunce,
        JaneWeight::Ounce,
    ];

    /// The name in `available_weights`.
    pub(crate) fn key(self) -> &'static str {
        match self {
            JaneWeight::Each => "each",
            JaneWeight::HalfGram => "half gram",
            JaneWeight::Gram => "gram",
            JaneWeight::TwoGram => "two gram",
            JaneWeight::EighthOunce => "eighth ounce",
            JaneWeight::QuarterOunce => "quarter ounce",
            JaneWeight::HalfOunce => "half ounce",
            JaneWeight::Ounce => "ounce",
        }
    }

    /// Parses an `available_weights` entry (case-insensitive; `_` taken as a space).
    pub(crate) fn parse(key: &str) -> Option<Self> {
        let key = key.trim().replace('_', " ");
        Self::ALL
            .into_iter()
            .find(|w| w.key().eq_ignore_ascii_case(&key))
    }

    /// The mass in grams, using the dispensary convention (an eighth is 3.5 g,
    /// an ounce 28 g); `None` for `each`.
    pub(crate) fn grams(self) -> Option<f64> {
        match self {
            JaneWeight::Each => None,
            JaneWeight::HalfGram => Some(0.5),
            JaneWeight::Gram => Some(1.0),
            JaneWeight::TwoGram => Some(2.0),
            JaneWeight::EighthOunce => Some(3.5),
            JaneWeight::QuarterOunce => Some(7.0),
            JaneWeight::HalfOunce => Some(14.0),
            JaneWeight::Ounce => Some(28.0),
        }
    }

    /// The weight sold in exactly `grams`, if Jane has one.
    pub(crate) fn from_grams(grams: f64) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|w| w.grams().is_some_and(|g| (g - grams).abs() < 1e-6))
    }

    /// This weight's price field.
    pub(crate) fn price(self, mut prices: WeightPrices) -> Option<f64> {
        *self.price_slot(&mut prices)
    }

    /// Sets this weight's price field.
    pub(crate) fn set_price(self, prices: &mut WeightPrices, price: Option<f64>) {
        *self.price_slot(prices) = price;
    }

    fn price_slot(self, prices: &mut WeightPrices) -> &mut Option<f64> {
        match self {
            JaneWeight::Each => &mut prices.price_each,
            JaneWeight::HalfGram => &mut prices.price_half_gram,
            JaneWeight::Gram => &mut prices.price_gram,
            JaneWeight::TwoGram => &mut prices.price_two_gram,
            JaneWeight::EighthOunce => &mut prices.price_eighth_ounce,
            JaneWeight::QuarterOunce => &mut prices.price_quarter_ounce,
            JaneWeight::HalfOunce => &mut prices.price_half_ounce,
            JaneWeight::Ounce => &mut prices.price_ounce,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_accept_snake_case() {
        for w in JaneWeight::ALL {
            assert_eq!(JaneWeight::parse(w.key()), Some(w));
        }
        assert_eq!(
            JaneWeight::parse("Eighth_Ounce"),
            Some(JaneWeight::EighthOunce)
        );
        assert_eq!(JaneWeight::parse("kilo"), None);
    }

    #[test]
    fn price_slots_are_distinct() {
        let mut prices = WeightPrices::default();
        for (i, w) in JaneWeight::ALL.into_iter().enumerate() {
            w.set_price(&mut prices, Some(i as f64));
        }
        for (i, w) in JaneWeight::ALL.into_iter().enumerate() {
            assert_eq!(w.price(prices), Some(i as f64));
        }
        assert_eq!(JaneWeight::from_grams(3.5), Some(JaneWeight::EighthOunce));
        assert_eq!(JaneWeight::from_grams(3.0), None);
    }
}
