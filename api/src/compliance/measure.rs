//! The quantities laws measure, per product, filled from what the POS sends by one
//! documented mapping, with an admin's per-product overrides winning where set:
//!
//! | measure | from |
//! | --- | --- |
//! | flower grams | flower and pre-rolls: the net weight as a mass, else the POS's flower equivalent |
//! | concentrate grams | concentrates and vapes: the net weight as a mass; infused products: only an override (no POS sends the concentrate they contain) |
//! | THC mg | THC in mg; a percentage or mg/g times the net mass |
//! | solid ounces | edibles weighed as a mass |
//! | fluid ounces | a net volume (ml, fl oz) or `volume_ml` |
//! | units | 1 per unit of any product |
//! | plants | only an override |
//! | flower-equivalent grams | the POS's figure |
//!
//! A measure the mapping cannot fill stays unknown (`None`), never zero: the rule that
//! needs it decides (a fallback measure, or a refusal naming what is missing).

use entities::{
    enums::{ComplianceMeasure, PotencyUnit, ProductCategory, WeightUnit},
    product, product_measure,
};

/// Grams in one avoirdupois ounce.
pub const GRAMS_PER_OUNCE: f64 = 28.349_523_125;
/// Millilitres in one US fluid ounce.
pub const ML_PER_FLUID_OUNCE: f64 = 29.573_529_562_5;

/// A product's quantities per unit sold (or a line's, once scaled); `None`: unknown.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Measures {
    /// Grams of non-concentrated cannabis.
    pub flower_g: Option<f64>,
    /// Grams of concentrate (its own weight, or contained).
    pub concentrate_g: Option<f64>,
    /// Milligrams of THC.
    pub thc_mg: Option<f64>,
    /// Ounces of a solid infused product.
    pub solid_oz: Option<f64>,
    /// Fluid ounces of a liquid infused product.
    pub fluid_oz: Option<f64>,
    /// Units.
    pub units: Option<f64>,
    /// Plants.
    pub plants: Option<f64>,
    /// The POS's flower-equivalent grams.
    pub flower_equivalent_g: Option<f64>,
}

impl Measures {
    /// The quantity of `measure`, when known.
    pub const fn get(&self, measure: ComplianceMeasure) -> Option<f64> {
        match measure {
            ComplianceMeasure::FlowerG => self.flower_g,
            ComplianceMeasure::ConcentrateG => self.concentrate_g,
            ComplianceMeasure::ThcMg => self.thc_mg,
            ComplianceMeasure::SolidOz => self.solid_oz,
            ComplianceMeasure::FluidOz => self.fluid_oz,
            ComplianceMeasure::Units => self.units,
            ComplianceMeasure::Plants => self.plants,
            ComplianceMeasure::FlowerEquivalentG => self.flower_equivalent_g,
        }
    }

    /// Every known quantity times `units` (a line of that many units).
    #[must_use]
    pub fn times(self, units: f64) -> Self {
        let scale = |value: Option<f64>| value.map(|v| v * units);
        Self {
            flower_g: scale(self.flower_g),
            concentrate_g: scale(self.concentrate_g),
            thc_mg: scale(self.thc_mg),
            solid_oz: scale(self.solid_oz),
            fluid_oz: scale(self.fluid_oz),
            units: scale(self.units),
            plants: scale(self.plants),
            flower_equivalent_g: scale(self.flower_equivalent_g),
        }
    }

    /// These measures with each quantity `over` sets replacing the derived one.
    #[must_use]
    pub fn overridden(self, over: &product_measure::Model) -> Self {
        Self {
            flower_g: over.flower_g.or(self.flower_g),
            concentrate_g: over.concentrate_g.or(self.concentrate_g),
            thc_mg: over.thc_mg.or(self.thc_mg),
            solid_oz: over.solid_oz.or(self.solid_oz),
            fluid_oz: over.fluid_oz.or(self.fluid_oz),
            units: self.units,
            plants: over.plants.or(self.plants),
            flower_equivalent_g: self.flower_equivalent_g,
        }
    }
}

/// One unit of `product`'s measures, `over` (the admin's overrides) winning.
pub fn of_product(product: &product::Model, over: Option<&product_measure::Model>) -> Measures {
    let derived = derived(product);
    over.map_or(derived, |over| derived.overridden(over))
}

/// The measures the catalog record alone gives (see the module table).
pub fn derived(product: &product::Model) -> Measures {
    let mass = net_mass_g(product);
    let volume = net_volume_ml(product);
    let category = product.category;
    let flowerish = matches!(category, ProductCategory::Flower | ProductCategory::PreRoll);
    let concentrate = matches!(
        category,
        ProductCategory::Concentrate | ProductCategory::Vape
    );
    let liquid = matches!(
        category,
        ProductCategory::Beverage | ProductCategory::Tincture
    ) || (category == ProductCategory::Edible && mass.is_none());
    let fe = product
        .flower_equivalent_grams
        .filter(|g| g.is_finite() && *g >= 0.0);
    Measures {
        flower_g: if flowerish { mass.or(fe) } else { None },
        concentrate_g: if concentrate { mass } else { None },
        thc_mg: thc_mg(product, mass),
        solid_oz: (category == ProductCategory::Edible)
            .then_some(mass)
            .flatten()
            .map(|g| g / GRAMS_PER_OUNCE),
        fluid_oz: if liquid {
            volume.map(|ml| ml / ML_PER_FLUID_OUNCE)
        } else {
            None
        },
        units: Some(1.0),
        plants: None,
        flower_equivalent_g: fe,
    }
}

/// The net weight in grams when it is a mass.
fn net_mass_g(product: &product::Model) -> Option<f64> {
    let value = product
        .net_weight_value
        .filter(|v| v.is_finite() && *v >= 0.0)?;
    match product.net_weight_unit? {
        WeightUnit::Grams => Some(value),
        WeightUnit::Milligrams => Some(value / 1000.0),
        WeightUnit::Ounces => Some(value * GRAMS_PER_OUNCE),
        WeightUnit::Pounds => Some(value * 16.0 * GRAMS_PER_OUNCE),
        _ => None,
    }
}

/// The net volume in millilitres: a volume net weight, else `volume_ml`.
fn net_volume_ml(product: &product::Model) -> Option<f64> {
    let from_weight = product
        .net_weight_value
        .filter(|v| v.is_finite() && *v >= 0.0)
        .and_then(|value| match product.net_weight_unit? {
            WeightUnit::Milliliters => Some(value),
            WeightUnit::FluidOunces => Some(value * ML_PER_FLUID_OUNCE),
            _ => None,
        });
    from_weight.or(product.volume_ml.filter(|v| v.is_finite() && *v >= 0.0))
}

/// THC in milligrams: given in mg, or a concentration times the net mass.
fn thc_mg(product: &product::Model, mass_g: Option<f64>) -> Option<f64> {
    let value = product.thc_value.filter(|v| v.is_finite() && *v >= 0.0)?;
    match product.thc_unit? {
        PotencyUnit::Milligrams => Some(value),
        PotencyUnit::Percent => mass_g.map(|g| value / 100.0 * g * 1000.0),
        PotencyUnit::MilligramsPerGram => mass_g.map(|g| value * g),
        // a unit the POS named that Canopy does not know: the amount stays unknown
        PotencyUnit::Other => None,
    }
}

/// What a measure counts, in words.
pub const fn noun(measure: ComplianceMeasure) -> &'static str {
    match measure {
        ComplianceMeasure::FlowerG => "flower or its equivalent",
        ComplianceMeasure::ConcentrateG => "concentrated cannabis",
        ComplianceMeasure::ThcMg => "THC in infused products",
        ComplianceMeasure::SolidOz => "solid infused products",
        ComplianceMeasure::FluidOz => "liquid infused products",
        ComplianceMeasure::Units => "products",
        ComplianceMeasure::Plants => "plants",
        ComplianceMeasure::FlowerEquivalentG => "flower-equivalent cannabis",
    }
}
