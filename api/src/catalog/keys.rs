//! The keys a catalog record is matched by, normalised so two stores' spellings of one
//! product meet: the SKU (trimmed), the barcode (a GTIN-14), the net weight or volume in
//! whole milligrams or microlitres, and `brand|name|measure|category` with the name
//! lower-cased, its punctuation dropped and the size it repeats removed.

use providers::{
    gtin::{self, GtinError},
    model::{ExternalProduct, WeightUnit},
};

/// Milligrams per gram, ounce and pound; microlitres per millilitre and fluid ounce.
const MG_PER_G: f64 = 1_000.0;
const MG_PER_OZ: f64 = 28_349.523_125;
const MG_PER_LB: f64 = 453_592.37;
const UL_PER_ML: f64 = 1_000.0;
const UL_PER_FL_OZ: f64 = 29_573.529_562_5;

/// What one record is matched by.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct MatchKeys {
    /// The retailer's SKU.
    pub sku: Option<String>,
    /// The barcode as a GTIN-14.
    pub upc: Option<String>,
    /// `brand|name|measure|category`; `None` without a brand or a measure.
    pub match_key: Option<String>,
    /// `mg:<n>` or `ul:<n>`.
    pub measure: Option<String>,
}

impl MatchKeys {
    /// The keys of `product`, or why its barcode is unusable.
    pub fn of(product: &ExternalProduct) -> Result<Self, GtinError> {
        let upc = product.upc.as_deref().map(gtin::normalise).transpose()?;
        let measure = measure(product);
        let match_key = match (product.brand.as_deref().map(words), &measure) {
            (Some(brand), Some(measure)) if !brand.is_empty() => Some(format!(
                "{brand}|{}|{measure}|{:?}",
                name_words(&product.name),
                product.category
            )),
            _ => None,
        };
        Ok(Self {
            sku: product
                .sku
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
            upc,
            match_key,
            measure,
        })
    }
}

/// The net weight or volume in whole milligrams (`mg:…`) or microlitres (`ul:…`).
fn measure(product: &ExternalProduct) -> Option<String> {
    let from_weight = product.net_weight.and_then(|w| {
        let (dimension, per_unit) = match w.unit {
            WeightUnit::Grams => ("mg", MG_PER_G),
            WeightUnit::Milligrams => ("mg", 1.0),
            WeightUnit::Ounces => ("mg", MG_PER_OZ),
            WeightUnit::Pounds => ("mg", MG_PER_LB),
            WeightUnit::Milliliters => ("ul", UL_PER_ML),
            WeightUnit::FluidOunces => ("ul", UL_PER_FL_OZ),
            WeightUnit::Each | WeightUnit::Other => return None,
        };
        whole(w.value * per_unit).map(|n| format!("{dimension}:{n}"))
    });
    from_weight.or_else(|| {
        product
            .volume_ml
            .and_then(|ml| whole(ml * UL_PER_ML))
            .map(|n| format!("ul:{n}"))
    })
}

/// `amount` rounded to a whole positive number, if it is one.
fn whole(amount: f64) -> Option<u64> {
    // checked finite and within u64 before the cast
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    (amount.is_finite() && amount > 0.0 && amount < 1e15).then(|| amount.round() as u64)
}

/// Lower-case words of `text`, punctuation dropped, joined by one space.
fn words(text: &str) -> String {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric() && c != '.')
        .map(|w| w.trim_matches('.'))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The words of a product name without the size it repeats (`3.5g`, `1 oz`, `100 mg`):
/// stores write the size in the name or not, the measure is compared apart.
fn name_words(name: &str) -> String {
    const UNITS: [&str; 9] = ["g", "mg", "oz", "lb", "ml", "floz", "gram", "grams", "pack"];
    let all = words(name);
    let tokens: Vec<&str> = all.split(' ').collect();
    let mut kept = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let token = tokens[i];
        let number_end = token
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(token.len());
        let (number, unit) = token.split_at(number_end);
        let is_number = !number.is_empty() && number.parse::<f64>().is_ok();
        if is_number && UNITS.contains(&unit) {
            i += 1;
            continue;
        }
        if is_number && unit.is_empty() && tokens.get(i + 1).is_some_and(|u| UNITS.contains(u)) {
            i += 2;
            continue;
        }
        kept.push(token);
        i += 1;
    }
    kept.join(" ")
}

#[cfg(test)]
mod tests {
    use providers::model::{ProductCategory, StrainType, Weight};

    use super::*;

    pub(crate) fn record(name: &str, brand: Option<&str>, grams: Option<f64>) -> ExternalProduct {
        ExternalProduct {
            external_id: "1".into(),
            external_location_id: None,
            sku: None,
            upc: None,
            name: name.into(),
            brand: brand.map(str::to_owned),
            category: ProductCategory::Flower,
            category_raw: None,
            strain_type: StrainType::Hybrid,
            strain_type_raw: None,
            thc: None,
            cbd: None,
            net_weight: grams.map(|value| Weight {
                value,
                unit: WeightUnit::Grams,
            }),
            flower_equivalent_grams: None,
            abv: None,
            volume_ml: None,
            rec_price: None,
            med_price: None,
            medical_only: false,
            max_per_transaction: None,
            images: Vec::new(),
            package_tag: None,
            active: true,
            modified_at: None,
        }
    }

    #[test]
    fn two_spellings_of_one_product_share_a_key() {
        let a = MatchKeys::of(&record("Blue Dream 3.5g", Some("Acme Farms"), Some(3.5)));
        let b = MatchKeys::of(&record(
            "BLUE DREAM - 3.5 g",
            Some("ACME  farms"),
            Some(3.5),
        ));
        let key = a.unwrap_or_default().match_key;
        assert_eq!(key.as_deref(), Some("acme farms|blue dream|mg:3500|Flower"));
        assert_eq!(b.unwrap_or_default().match_key, key);
    }

    #[test]
    fn an_eighth_in_ounces_is_not_three_and_a_half_grams_but_is_compared_in_milligrams() {
        let mut ounce = record("Blue Dream", Some("Acme"), None);
        ounce.net_weight = Some(Weight {
            value: 0.125,
            unit: WeightUnit::Ounces,
        });
        let keys = MatchKeys::of(&ounce).unwrap_or_default();
        assert_eq!(keys.measure.as_deref(), Some("mg:3544"));
    }

    #[test]
    fn no_brand_or_no_measure_gives_no_name_key() {
        let keys = MatchKeys::of(&record("Blue Dream", None, Some(3.5))).unwrap_or_default();
        assert_eq!(keys.match_key, None);
        let keys = MatchKeys::of(&record("Blue Dream", Some("Acme"), None)).unwrap_or_default();
        assert_eq!(keys.match_key, None);
    }

    #[test]
    fn a_barcode_failing_its_check_digit_is_refused() {
        let mut bad = record("Blue Dream", Some("Acme"), Some(3.5));
        bad.upc = Some("036000291453".into());
        assert_eq!(MatchKeys::of(&bad), Err(GtinError::CheckDigit));
        bad.upc = Some("036000291452".into());
        assert_eq!(
            MatchKeys::of(&bad).map(|k| k.upc),
            Ok(Some("00036000291452".into()))
        );
    }
}
