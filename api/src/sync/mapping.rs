//! The one place where the provider model's enums become the database's enums.
//!
//! `providers::model` keeps unknown vendor values (`Other(String)`); the database keeps
//! a closed enum plus the raw text, so an unknown category is stored as `OTHER` with its
//! vendor spelling beside it.

use entities::enums;
use providers::model;

/// The stored kind of a POS.
pub fn pos_kind(kind: model::PosKind) -> enums::PosKind {
    match kind {
        model::PosKind::Dutchie => enums::PosKind::Dutchie,
        model::PosKind::Jane => enums::PosKind::Jane,
        model::PosKind::Dispense => enums::PosKind::Dispense,
    }
}

/// The provider kind of a stored POS kind.
pub fn provider_kind(kind: enums::PosKind) -> model::PosKind {
    match kind {
        enums::PosKind::Dutchie => model::PosKind::Dutchie,
        enums::PosKind::Jane => model::PosKind::Jane,
        enums::PosKind::Dispense => model::PosKind::Dispense,
    }
}

/// The lower-case name of a POS kind, for metric labels and logs.
pub const fn kind_label(kind: enums::PosKind) -> &'static str {
    match kind {
        enums::PosKind::Dutchie => "dutchie",
        enums::PosKind::Jane => "jane",
        enums::PosKind::Dispense => "dispense",
    }
}

/// The stored category and, for a category Canopy does not know, the vendor's text.
pub fn category(category: &model::ProductCategory) -> (enums::ProductCategory, Option<String>) {
    use enums::ProductCategory as Db;
    use model::ProductCategory as Pos;
    let stored = match category {
        Pos::Flower => Db::Flower,
        Pos::PreRoll => Db::PreRoll,
        Pos::Vape => Db::Vape,
        Pos::Concentrate => Db::Concentrate,
        Pos::Edible => Db::Edible,
        Pos::Tincture => Db::Tincture,
        Pos::Topical => Db::Topical,
        Pos::Beverage => Db::Beverage,
        Pos::Accessory => Db::Accessory,
        Pos::Beer => Db::Beer,
        Pos::Wine => Db::Wine,
        Pos::Spirits => Db::Spirits,
        Pos::Other(raw) => return (Db::Other, Some(raw.clone())),
    };
    (stored, None)
}

/// The stored strain type and, for a value Canopy does not know, the vendor's text.
pub fn strain_type(strain: &model::StrainType) -> (enums::StrainType, Option<String>) {
    use enums::StrainType as Db;
    use model::StrainType as Pos;
    let stored = match strain {
        Pos::Indica => Db::Indica,
        Pos::Sativa => Db::Sativa,
        Pos::Hybrid => Db::Hybrid,
        Pos::Cbd => Db::Cbd,
        Pos::None => Db::None,
        Pos::Other(raw) => return (Db::Other, Some(raw.clone())),
    };
    (stored, None)
}

/// The stored unit of a cannabinoid content.
pub fn potency_unit(unit: model::PotencyUnit) -> enums::PotencyUnit {
    match unit {
        model::PotencyUnit::Percent => enums::PotencyUnit::Percent,
        model::PotencyUnit::Milligrams => enums::PotencyUnit::Milligrams,
        model::PotencyUnit::MilligramsPerGram => enums::PotencyUnit::MilligramsPerGram,
    }
}

/// The stored unit of a net weight or volume.
pub fn weight_unit(unit: model::WeightUnit) -> enums::WeightUnit {
    match unit {
        model::WeightUnit::Grams => enums::WeightUnit::Grams,
        model::WeightUnit::Milligrams => enums::WeightUnit::Milligrams,
        model::WeightUnit::Ounces => enums::WeightUnit::Ounces,
        model::WeightUnit::Pounds => enums::WeightUnit::Pounds,
        model::WeightUnit::Milliliters => enums::WeightUnit::Milliliters,
        model::WeightUnit::FluidOunces => enums::WeightUnit::FluidOunces,
        model::WeightUnit::Each => enums::WeightUnit::Each,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_vendor_values_keep_their_text() {
        assert_eq!(
            category(&model::ProductCategory::Other("Seeds".into())),
            (enums::ProductCategory::Other, Some("Seeds".into()))
        );
        assert_eq!(
            strain_type(&model::StrainType::Other("Ruderalis".into())),
            (enums::StrainType::Other, Some("Ruderalis".into()))
        );
        assert_eq!(
            category(&model::ProductCategory::PreRoll),
            (enums::ProductCategory::PreRoll, None)
        );
    }

    #[test]
    fn kinds_round_trip() {
        for kind in model::PosKind::ALL {
            assert_eq!(provider_kind(pos_kind(kind)), kind);
        }
    }
}
