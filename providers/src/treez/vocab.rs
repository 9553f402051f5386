//! Treez's documented vocabularies and their Canopy meanings, one table each, read in
//! both directions: the adapter maps wire → model, the simulator model → wire. The
//! first entry for a model value is the one the simulator sends.

use crate::model::{PotencyUnit, ProductCategory, StrainType, WeightUnit};

/// `category_type` values [spec] and their categories.
pub(crate) const CATEGORIES: &[(&str, ProductCategory)] = &[
    ("FLOWER", ProductCategory::Flower),
    ("PREROLL", ProductCategory::PreRoll),
    ("CARTRIDGE", ProductCategory::Vape),
    ("EXTRACT", ProductCategory::Concentrate),
    ("EDIBLE", ProductCategory::Edible),
    ("TINCTURE", ProductCategory::Tincture),
    ("TOPICAL", ProductCategory::Topical),
    ("BEVERAGE", ProductCategory::Beverage),
    ("MERCH", ProductCategory::Accessory),
];

/// `category_type` values Canopy has no category for: kept as `Other` quietly.
pub(crate) const KNOWN_OTHER_CATEGORIES: &[&str] = &["PILL", "PLANT", "MISC", "NON-INV"];

/// What the simulator sends for a category Treez has no name for.
pub(crate) const FALLBACK_CATEGORY: &str = "MISC";

/// `classification` values [spec] and their strain types.
pub(crate) const STRAINS: &[(&str, StrainType)] = &[
    ("INDICA", StrainType::Indica),
    ("SATIVA", StrainType::Sativa),
    ("HYBRID", StrainType::Hybrid),
    ("CBD", StrainType::Cbd),
    ("NONE", StrainType::None),
    ("I/S", StrainType::Hybrid),
    ("S/I", StrainType::Hybrid),
];

/// `uom` values and their units: `GRAMS` and `MILLIGRAMS` [spec], `count` [seen on
/// ticket lines]; the others are spelt as Treez spells the documented ones [guess].
pub(crate) const UNITS: &[(&str, WeightUnit)] = &[
    ("GRAMS", WeightUnit::Grams),
    ("MILLIGRAMS", WeightUnit::Milligrams),
    ("OUNCES", WeightUnit::Ounces),
    ("POUNDS", WeightUnit::Pounds),
    ("MILLILITERS", WeightUnit::Milliliters),
    ("FLUID_OUNCES", WeightUnit::FluidOunces),
    ("EACH", WeightUnit::Each),
    ("count", WeightUnit::Each),
];

/// Lab result units (see `guesses::LAB_UNIT`).
pub(crate) const POTENCY_UNITS: &[(&str, PotencyUnit)] = &[
    ("PERCENT", PotencyUnit::Percent),
    ("MG", PotencyUnit::Milligrams),
    ("MG_G", PotencyUnit::MilligramsPerGram),
];

/// The value for `raw` in `table`, case-insensitively.
pub(crate) fn lookup<'a, V>(table: &'a [(&'static str, V)], raw: &str) -> Option<&'a V> {
    let raw = raw.trim();
    table
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(raw))
        .map(|(_, v)| v)
}

/// The first wire name for `value` in `table`.
pub(crate) fn reverse<V: PartialEq>(
    table: &[(&'static str, V)],
    value: &V,
) -> Option<&'static str> {
    table
        .iter()
        .find(|(_, v)| v == value)
        .map(|(name, _)| *name)
}

/// US states by name, for entity addresses (`region: "California"`).
const STATES: &[(&str, &str)] = &[
    ("Alabama", "AL"),
    ("Alaska", "AK"),
    ("Arizona", "AZ"),
    ("Arkansas", "AR"),
    ("California", "CA"),
    ("Colorado", "CO"),
    ("Connecticut", "CT"),
    ("Delaware", "DE"),
    ("District of Columbia", "DC"),
    ("Florida", "FL"),
    ("Georgia", "GA"),
    ("Hawaii", "HI"),
    ("Idaho", "ID"),
    ("Illinois", "IL"),
    ("Indiana", "IN"),
    ("Iowa", "IA"),
    ("Kansas", "KS"),
    ("Kentucky", "KY"),
    ("Louisiana", "LA"),
    ("Maine", "ME"),
    ("Maryland", "MD"),
    ("Massachusetts", "MA"),
    ("Michigan", "MI"),
    ("Minnesota", "MN"),
    ("Mississippi", "MS"),
    ("Missouri", "MO"),
    ("Montana", "MT"),
    ("Nebraska", "NE"),
    ("Nevada", "NV"),
    ("New Hampshire", "NH"),
    ("New Jersey", "NJ"),
    ("New Mexico", "NM"),
    ("New York", "NY"),
    ("North Carolina", "NC"),
    ("North Dakota", "ND"),
    ("Ohio", "OH"),
    ("Oklahoma", "OK"),
    ("Oregon", "OR"),
    ("Pennsylvania", "PA"),
    ("Rhode Island", "RI"),
    ("South Carolina", "SC"),
    ("South Dakota", "SD"),
    ("Tennessee", "TN"),
    ("Texas", "TX"),
    ("Utah", "UT"),
    ("Vermont", "VT"),
    ("Virginia", "VA"),
    ("Washington", "WA"),
    ("West Virginia", "WV"),
    ("Wisconsin", "WI"),
    ("Wyoming", "WY"),
];

/// The two-letter code of a state given by name (or already by code).
pub(crate) fn state_code(region: &str) -> Option<String> {
    let region = region.trim();
    STATES
        .iter()
        .find(|(name, code)| name.eq_ignore_ascii_case(region) || code.eq_ignore_ascii_case(region))
        .map(|(_, code)| (*code).to_owned())
}

/// The name of a state given by code (what entities carry).
pub(crate) fn state_name(code: &str) -> Option<&'static str> {
    STATES
        .iter()
        .find(|(_, c)| c.eq_ignore_ascii_case(code.trim()))
        .map(|(name, _)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_read_both_ways() {
        assert_eq!(
            lookup(CATEGORIES, "cartridge"),
            Some(&ProductCategory::Vape)
        );
        assert_eq!(
            reverse(CATEGORIES, &ProductCategory::Vape),
            Some("CARTRIDGE")
        );
        assert_eq!(lookup(STRAINS, "S/I"), Some(&StrainType::Hybrid));
        assert_eq!(reverse(STRAINS, &StrainType::Hybrid), Some("HYBRID"));
        assert_eq!(state_code("California").as_deref(), Some("CA"));
        assert_eq!(state_code("ca").as_deref(), Some("CA"));
        assert_eq!(state_name("NY"), Some("New York"));
        assert_eq!(state_code("Atlantis"), None);
    }
}
