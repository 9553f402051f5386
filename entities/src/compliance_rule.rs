//! `compliance_rules`: the sales rules of a jurisdiction and market, kept as data so
//! admins can read and change them (the built-in sets of CA, CO, MI, IL, MA and WA are
//! loaded by migrations).
//!
//! A purchase limit is `limit` of `measure` over `window`; what counts toward it are its
//! `terms`: products of some categories, each counted by one of its measures times a
//! factor (1 for a plain limit; Colorado's equivalency gives each class its own factor).
//! A rule `within` another is a sub-limit inside that total (Michigan's 15 g of 2.5 oz).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::{
    ComplianceMarket, ComplianceMeasure, ComplianceRuleKind, ComplianceWindow, FigureSource,
    ProductCategory, ProductClass, Residency,
};

/// One rule: a minimum age (optionally requiring a medical card) or a purchase limit.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "compliance_rules")]
pub struct Model {
    /// Primary key (UUID v7).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Stable name shown in refusals, e.g. `CA_ADULT_USE_NON_CONCENTRATE_DAILY` (unique).
    #[sea_orm(unique)]
    pub code: String,
    /// Jurisdiction, as in `locations.state` (e.g. `CA`).
    pub jurisdiction: String,
    /// The market the rule governs.
    pub market: ComplianceMarket,
    /// What the rule constrains.
    pub kind: ComplianceRuleKind,
    /// Minimum age in years (`MINIMUM_AGE` rules).
    pub min_age: Option<i32>,
    /// Buyers need a valid, unexpired medical card (`MINIMUM_AGE` rules).
    pub requires_medical_card: bool,
    /// Legacy (before measures): the product class limited. Superseded by `terms`.
    pub product_class: Option<ProductClass>,
    /// Legacy: flower-equivalent grams per period. Superseded by `limit_amount`.
    pub limit_grams: Option<f64>,
    /// Legacy: period in calendar days. Superseded by `window` and `window_days`.
    pub period_days: Option<i32>,
    /// What the rule is and where it comes from.
    pub description: String,
    /// The measure of `limit_amount` (`PURCHASE_LIMIT` rules).
    pub measure: Option<ComplianceMeasure>,
    /// How much of `measure` is allowed in the window (`PURCHASE_LIMIT` rules).
    pub limit_amount: Option<f64>,
    /// What the limit counts over (`PURCHASE_LIMIT` rules).
    pub window: Option<ComplianceWindow>,
    /// Days of a `ROLLING_DAYS` window.
    pub window_days: Option<i32>,
    /// Residents or non-residents only; `None`: everyone.
    pub residency: Option<Residency>,
    /// What counts toward the limit: a JSON array of [`RuleTerm`] (`PURCHASE_LIMIT`).
    pub terms: Option<Json>,
    /// The categories a `MINIMUM_AGE` rule is about (JSON array of
    /// [`ProductCategory`]); such a rule applies in every market when the order holds
    /// one of them. `None`: the market's general age rule.
    pub categories: Option<Json>,
    /// The code of the total this rule is a sub-limit of.
    pub within_code: Option<String>,
    /// The regulation the figure comes from.
    pub citation: Option<String>,
    /// How well the figure is sourced.
    pub source: Option<FigureSource>,
    /// Disabled rules are kept but not enforced.
    pub enabled: bool,
    /// Last change.
    pub updated_at: DateTimeUtc,
}

/// What to do with a product whose term measure is unknown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum WhenUnknown {
    /// Refuse the order, naming the missing measure (the default).
    #[default]
    Refuse,
    /// Count nothing: the product is not of the kind the term limits (e.g. an "other"
    /// product counts as plants only when its plant count is set).
    Ignore,
}

/// A measure and the factor converting it into the rule's measure.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Conversion {
    /// The product's measure.
    pub measure: ComplianceMeasure,
    /// Units of the rule's measure per unit of `measure`.
    pub factor: f64,
}

/// One part of what counts toward a purchase limit (stored in `terms`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleTerm {
    /// The product categories counted by this term (stored as `FLOWER`, `PRE_ROLL`, …).
    #[serde(with = "category_names")]
    pub categories: Vec<ProductCategory>,
    /// The measure counted, and its factor.
    #[serde(flatten)]
    pub count: Conversion,
    /// Used when the product lacks `count.measure` (e.g. THC mg to concentrate grams).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback: Option<Conversion>,
    /// When neither measure is known.
    #[serde(default)]
    pub when_unknown: WhenUnknown,
}

/// Categories in JSON as their stored names (`FLOWER`, `PRE_ROLL`, …), the spelling of
/// the database and GraphQL.
pub mod category_names {
    use sea_orm::ActiveEnum;
    use serde::{Deserialize, Deserializer, Serialize, Serializer, de::Error};

    use crate::enums::ProductCategory;

    /// Writes the names.
    pub fn serialize<S: Serializer>(
        categories: &[ProductCategory],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let names: Vec<String> = categories.iter().map(ActiveEnum::to_value).collect();
        names.serialize(serializer)
    }

    /// Reads the names; an unknown one is an error.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<ProductCategory>, D::Error> {
        Vec::<String>::deserialize(deserializer)?
            .into_iter()
            .map(|name| {
                ProductCategory::try_from_value(&name)
                    .map_err(|_| D::Error::custom(format!("unknown category `{name}`")))
            })
            .collect()
    }

    /// The categories a stored JSON array names; `None` when it is not one.
    pub fn parse(value: &serde_json::Value) -> Option<Vec<ProductCategory>> {
        deserialize(value).ok()
    }

    /// The stored JSON array of `categories`.
    pub fn to_json(categories: &[ProductCategory]) -> serde_json::Value {
        serialize(categories, serde_json::value::Serializer).unwrap_or_default()
    }
}

/// `compliance_rules` has no relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_read_as_the_migrations_write_them() {
        let stored = serde_json::json!([
            { "categories": ["FLOWER", "PRE_ROLL"], "measure": "FLOWER_G", "factor": 1.0 },
            { "categories": ["EDIBLE"], "measure": "CONCENTRATE_G", "factor": 1.0,
              "fallback": { "measure": "THC_MG", "factor": 0.01 }, "whenUnknown": "IGNORE" }
        ]);
        let terms: Vec<RuleTerm> = match serde_json::from_value(stored.clone()) {
            Ok(terms) => terms,
            Err(error) => panic!("{error}"),
        };
        assert_eq!(terms.len(), 2, "{stored}");
        assert_eq!(terms[1].when_unknown, WhenUnknown::Ignore);
        assert_eq!(
            terms[1].fallback.map(|f| f.measure),
            Some(ComplianceMeasure::ThcMg)
        );
        assert_eq!(
            serde_json::json!(terms)[0]["categories"],
            stored[0]["categories"]
        );
    }
}
