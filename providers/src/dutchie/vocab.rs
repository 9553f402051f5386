//! Dutchie's vocabularies (categories, strain types, units, pre-order
//! statuses) and their Canopy equivalents, as tables read in both
//! directions: the adapter reads vendor values leniently (case and
//! punctuation ignored, known aliases accepted), the simulator writes the
//! first, canonical spelling. Unknown values are kept and logged, never fatal.

use crate::model::{OrderStatus, PotencyUnit, ProductCategory, StrainType, WeightUnit};

/// Canonical Dutchie spelling first, then accepted aliases.
const CATEGORIES: &[(ProductCategory, &[&str])] = &[
    (ProductCategory::Flower, &["Flower", "Bulk Flower", "Buds"]),
    (
        ProductCategory::PreRoll,
        &["Pre-Rolls", "Pre-Roll", "Prerolls", "Pre Rolled", "Joints"],
    ),
    (
        ProductCategory::Vape,
        &[
            "Vaporizers",
            "Vapes",
            "Vape",
            "Cartridges",
            "Carts",
            "Vape Pens",
        ],
    ),
    (
        ProductCategory::Concentrate,
        &["Concentrates", "Concentrate", "Extracts", "Extract", "Dabs"],
    ),
    (ProductCategory::Edible, &["Edibles", "Edible"]),
    (ProductCategory::Tincture, &["Tinctures", "Tincture"]),
    (ProductCategory::Topical, &["Topicals", "Topical"]),
    (
        ProductCategory::Beverage,
        &["Beverages", "Beverage", "Drinks"],
    ),
    (
        ProductCategory::Accessory,
        &["Accessories", "Accessory", "Gear", "Paraphernalia"],
    ),
    (ProductCategory::Beer, &["Beer"]),
    (ProductCategory::Wine, &["Wine"]),
    (ProductCategory::Spirits, &["Spirits", "Liquor"]),
];

const STRAINS: &[(StrainType, &[&str])] = &[
    (StrainType::Indica, &["Indica", "Indica Dominant"]),
    (StrainType::Sativa, &["Sativa", "Sativa Dominant"]),
    (StrainType::Hybrid, &["Hybrid"]),
    (StrainType::Cbd, &["CBD", "High CBD"]),
    (StrainType::None, &["N/A", "None", "NA"]),
];

const POTENCY_UNITS: &[(PotencyUnit, &[&str])] = &[
    (PotencyUnit::Percent, &["%", "percent", "pct"]),
    (PotencyUnit::Milligrams, &["mg", "milligrams"]),
    (
        PotencyUnit::MilligramsPerGram,
        &["mg/g", "mg per g", "mg per gram"],
    ),
];

const WEIGHT_UNITS: &[(WeightUnit, &[&str])] = &[
    (WeightUnit::Grams, &["g", "gram", "grams", "gr"]),
    (WeightUnit::Milligrams, &["mg", "milligram", "milligrams"]),
    (WeightUnit::Ounces, &["oz", "ounce", "ounces"]),
    (WeightUnit::Pounds, &["lb", "lbs", "pound", "pounds"]),
    (
        WeightUnit::Milliliters,
        &["ml", "milliliter", "milliliters"],
    ),
    (WeightUnit::FluidOunces, &["fl oz", "floz", "fluid ounce"]),
    (WeightUnit::Each, &["ea", "each", "unit", "units", "ct"]),
];

/// Dutchie pre-order statuses [spec] and what they mean in Canopy.
const ORDER_STATUSES: &[(OrderStatus, &[&str])] = &[
    (OrderStatus::Submitted, &["Submitted", "Pending"]),
    (OrderStatus::Confirmed, &["Processing"]),
    (OrderStatus::Ready, &["Filled"]),
    (OrderStatus::Completed, &["Complete", "Completed"]),
    (OrderStatus::Cancelled, &["Cancelled", "Canceled"]),
];

/// Lower case with only letters, digits, `%` and `/` kept: "Pre-Rolls" and "prerolls" compare equal.
fn key(raw: &str) -> String {
    raw.chars()
        .filter(|c| c.is_alphanumeric() || *c == '%' || *c == '/')
        .flat_map(char::to_lowercase)
        .collect()
}

fn lookup<T: Clone>(table: &[(T, &[&str])], raw: &str) -> Option<T> {
    let wanted = key(raw);
    table
        .iter()
        .find(|(_, names)| names.iter().any(|n| key(n) == wanted))
        .map(|(value, _)| value.clone())
}

fn canonical<T: PartialEq>(
    table: &[(T, &'static [&'static str])],
    value: &T,
) -> Option<&'static str> {
    table
        .iter()
        .find(|(v, _)| v == value)
        .and_then(|(_, names)| names.first().copied())
}

/// Reads a product's category from `masterCategory`, falling back to `category`,
/// with the raw text when Canopy does not know it.
pub(crate) fn category(
    master: Option<&str>,
    category: Option<&str>,
) -> (ProductCategory, Option<String>) {
    let raw = master
        .filter(|s| !s.trim().is_empty())
        .or(category.filter(|s| !s.trim().is_empty()))
        .unwrap_or_default();
    match lookup(CATEGORIES, raw) {
        Some(known) => (known, None),
        None => {
            tracing::warn!(
                vendor = "dutchie",
                value = raw,
                "unknown product category kept as Other"
            );
            (ProductCategory::Other, Some(raw.to_owned()))
        }
    }
}

/// Dutchie's spelling of a category (an `Other` keeps its raw value).
pub(crate) fn category_name(value: ProductCategory, raw: Option<&str>) -> &str {
    match (value, raw) {
        (ProductCategory::Other, Some(raw)) => raw,
        (known, _) => canonical(CATEGORIES, &known).unwrap_or(known.as_str()),
    }
}

/// Reads `strainType` with the raw text when Canopy does not know it; absent or
/// blank is "not applicable".
pub(crate) fn strain_type(raw: Option<&str>) -> (StrainType, Option<String>) {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => (StrainType::None, None),
        Some(raw) => match lookup(STRAINS, raw) {
            Some(known) => (known, None),
            None => {
                tracing::warn!(
                    vendor = "dutchie",
                    value = raw,
                    "unknown strain type kept as Other"
                );
                (StrainType::Other, Some(raw.to_owned()))
            }
        },
    }
}

/// Dutchie's spelling of a strain type; `None` (not applicable) is written as null.
pub(crate) fn strain_type_name(value: StrainType, raw: Option<&str>) -> Option<&str> {
    match (value, raw) {
        (StrainType::None, _) => None,
        (StrainType::Other, raw) => raw,
        (known, _) => canonical(STRAINS, &known),
    }
}

/// Reads `thcContentUnit` / `cbdContentUnit`.
pub(crate) fn potency_unit(raw: &str) -> Option<PotencyUnit> {
    lookup(POTENCY_UNITS, raw)
}

/// Dutchie's spelling of a potency unit (`OTHER`, whose spelling is lost, as "other").
pub(crate) fn potency_unit_name(unit: PotencyUnit) -> &'static str {
    canonical(POTENCY_UNITS, &unit).unwrap_or("other")
}

/// Reads `netWeightUnit`.
pub(crate) fn weight_unit(raw: &str) -> Option<WeightUnit> {
    lookup(WEIGHT_UNITS, raw)
}

/// Dutchie's spelling of a weight unit (`OTHER`, whose spelling is lost, as "other").
pub(crate) fn weight_unit_name(unit: WeightUnit) -> &'static str {
    canonical(WEIGHT_UNITS, &unit).unwrap_or("other")
}

/// Maps a pre-order status; `None` (logged) for a value Canopy does not know.
pub(crate) fn order_status(raw: &str) -> Option<OrderStatus> {
    let status = lookup(ORDER_STATUSES, raw);
    if status.is_none() {
        tracing::warn!(
            vendor = "dutchie",
            value = raw,
            "unknown pre-order status kept as vendor_status"
        );
    }
    status
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_read_aliases_and_keep_unknowns() {
        assert_eq!(
            category(Some("Pre-Rolls"), None),
            (ProductCategory::PreRoll, None)
        );
        assert_eq!(
            category(Some("prerolls"), None),
            (ProductCategory::PreRoll, None)
        );
        assert_eq!(
            category(None, Some("VAPORIZERS")),
            (ProductCategory::Vape, None)
        );
        assert_eq!(
            category(Some(""), Some("Edibles")),
            (ProductCategory::Edible, None)
        );
        assert_eq!(
            category(Some("Clones"), None),
            (ProductCategory::Other, Some("Clones".to_owned()))
        );
    }

    #[test]
    fn every_category_round_trips_through_its_dutchie_name() {
        for (value, _) in CATEGORIES {
            assert_eq!(category(Some(category_name(*value, None)), None).0, *value);
        }
        let other = (ProductCategory::Other, Some("Seeds".to_owned()));
        assert_eq!(
            category(Some(category_name(other.0, other.1.as_deref())), None),
            other
        );
    }

    #[test]
    fn strains_units_and_statuses() {
        assert_eq!(strain_type(Some("indica")), (StrainType::Indica, None));
        assert_eq!(strain_type(Some("CBD")), (StrainType::Cbd, None));
        assert_eq!(strain_type(None), (StrainType::None, None));
        assert_eq!(strain_type(Some("N/A")), (StrainType::None, None));
        assert_eq!(
            strain_type(Some("Ruderalis")),
            (StrainType::Other, Some("Ruderalis".into()))
        );
        assert_eq!(potency_unit("%"), Some(PotencyUnit::Percent));
        assert_eq!(potency_unit("MG"), Some(PotencyUnit::Milligrams));
        assert_eq!(potency_unit("mg/g"), Some(PotencyUnit::MilligramsPerGram));
        assert_eq!(potency_unit("ppm"), None);
        assert_eq!(weight_unit("oz"), Some(WeightUnit::Ounces));
        assert_eq!(weight_unit("Grams"), Some(WeightUnit::Grams));
        assert_eq!(weight_unit("mg"), Some(WeightUnit::Milligrams));
        assert_eq!(order_status("Processing"), Some(OrderStatus::Confirmed));
        assert_eq!(order_status("Filled"), Some(OrderStatus::Ready));
        assert_eq!(order_status("Complete"), Some(OrderStatus::Completed));
        assert_eq!(order_status("OnHold"), None);
        let sim = crate::dutchie::simulator::STATUSES;
        for name in sim.all {
            assert_eq!(order_status(name), sim.canonical(name), "{name}");
        }
    }
}
