//! The one place that says which purchase-limit class a product counts toward, and how
//! many flower-equivalent grams it weighs.

use entities::{
    enums::{ProductCategory, ProductClass, WeightUnit},
    product,
};

/// Grams in one ounce.
const GRAMS_PER_OUNCE: f64 = 28.349_523_125;

/// The class a product of `category` counts toward; `None` when it counts toward no
/// cannabis limit (accessories, alcohol, unknown categories).
pub const fn of_category(category: ProductCategory) -> Option<ProductClass> {
    match category {
        ProductCategory::Flower | ProductCategory::PreRoll => Some(ProductClass::NonConcentrate),
        // California counts concentrate inside infused products toward the concentrate limit
        ProductCategory::Concentrate
        | ProductCategory::Vape
        | ProductCategory::Edible
        | ProductCategory::Tincture
        | ProductCategory::Topical
        | ProductCategory::Beverage => Some(ProductClass::Concentrate),
        ProductCategory::Accessory
        | ProductCategory::Beer
        | ProductCategory::Wine
        | ProductCategory::Spirits
        | ProductCategory::Other => None,
    }
}

/// The class a stored `purchase_lines.product_class` names (`concentrate`,
/// `non_concentrate`, any case); `None` for anything else.
pub fn parse(raw: &str) -> Option<ProductClass> {
    let normalized = raw.trim().to_ascii_uppercase().replace(['-', ' '], "_");
    match normalized.as_str() {
        "NON_CONCENTRATE" | "NON_CONCENTRATED" | "FLOWER" => Some(ProductClass::NonConcentrate),
        "CONCENTRATE" | "CONCENTRATED" => Some(ProductClass::Concentrate),
        _ => None,
    }
}

/// Flower-equivalent grams of one unit: the POS's figure, else the net weight when it
/// is a mass, else nothing.
pub fn unit_grams(product: &product::Model) -> f64 {
    if let Some(grams) = product.flower_equivalent_grams {
        return grams.max(0.0);
    }
    let Some(value) = product.net_weight_value else {
        return 0.0;
    };
    match product.net_weight_unit {
        Some(WeightUnit::Grams) => value.max(0.0),
        Some(WeightUnit::Milligrams) => (value / 1000.0).max(0.0),
        Some(WeightUnit::Ounces) => (value * GRAMS_PER_OUNCE).max(0.0),
        _ => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_map_onto_classes() {
        assert_eq!(
            of_category(ProductCategory::PreRoll),
            Some(ProductClass::NonConcentrate)
        );
        assert_eq!(
            of_category(ProductCategory::Vape),
            Some(ProductClass::Concentrate)
        );
        assert_eq!(of_category(ProductCategory::Accessory), None);
        assert_eq!(parse("non_concentrate"), Some(ProductClass::NonConcentrate));
        assert_eq!(parse("Concentrate"), Some(ProductClass::Concentrate));
        assert_eq!(parse("plants"), None);
    }
}
