//! A compliance refusal: the rule that refuses an order and the figures behind it, as a
//! client reads them in a `COMPLIANCE_LIMIT` error's extensions.

use async_graphql::ErrorExtensionValues;
use chrono::NaiveDate;
use entities::enums::{ComplianceMeasure, ComplianceWindow};
use sea_orm::ActiveEnum;
use uuid::Uuid;

/// Why an order may not be placed.
#[derive(Clone, Debug, PartialEq)]
pub struct Refusal {
    /// The rule's code, e.g. `CA_ADULT_USE_NON_CONCENTRATE_DAILY`.
    pub rule: String,
    /// What is wrong, for the customer.
    pub message: String,
    /// The figures behind it.
    pub figures: Figures,
}

/// The numbers a refusal is based on.
#[derive(Clone, Debug, PartialEq)]
pub enum Figures {
    /// A purchase limit in its own measure over its window.
    Limit {
        /// The measure counted.
        measure: ComplianceMeasure,
        /// The window.
        window: ComplianceWindow,
        /// Allowed in the window.
        limit: f64,
        /// Already bought in the window (online and in store).
        used: f64,
        /// In this order.
        this_order: f64,
        /// The regulation cited.
        citation: Option<String>,
    },
    /// A product of the order lacks the measure a limit counts it by.
    MissingMeasure {
        /// The product.
        product_id: Option<Uuid>,
        /// The measure it lacks.
        measure: ComplianceMeasure,
    },
    /// A minimum age.
    Age {
        /// The minimum age in years.
        minimum: i32,
        /// The customer's age, `None` when the date of birth is unknown.
        age: Option<i32>,
    },
    /// A medical card is needed and missing or expired.
    MedicalCard {
        /// The product that needs it, when a product does.
        product_id: Option<Uuid>,
        /// When the card on file expired, `None` when there is none.
        expired_on: Option<NaiveDate>,
    },
    /// The POS's maximum units of one product per transaction.
    Units {
        /// The product.
        product_id: Uuid,
        /// Units allowed per transaction.
        limit: i64,
        /// Units in this order.
        this_order: i64,
    },
}

/// A figure rounded to thousandths (milligrams of grams), so sums of floats read as the
/// figures they are.
pub fn round_grams(grams: f64) -> f64 {
    (grams * 1000.0).round() / 1000.0
}

impl Refusal {
    /// Writes `rule` and the figures into GraphQL error extensions.
    pub fn write_extensions(&self, extensions: &mut ErrorExtensionValues) {
        extensions.set("rule", self.rule.as_str());
        match &self.figures {
            Figures::Limit {
                measure,
                window,
                limit,
                used,
                this_order,
                citation,
            } => {
                extensions.set("measure", measure.to_value());
                extensions.set("unit", measure.unit());
                extensions.set("window", window.to_value());
                extensions.set("limit", round_grams(*limit));
                extensions.set("used", round_grams(*used));
                extensions.set("thisOrder", round_grams(*this_order));
                extensions.set("remaining", round_grams((limit - used).max(0.0)));
                if let Some(citation) = citation {
                    extensions.set("citation", citation.as_str());
                }
            }
            Figures::MissingMeasure {
                product_id,
                measure,
            } => {
                if let Some(product) = product_id {
                    extensions.set("productId", product.to_string());
                }
                extensions.set("missingMeasure", measure.to_value());
            }
            Figures::Age { minimum, age } => {
                extensions.set("minimumAge", *minimum);
                if let Some(age) = age {
                    extensions.set("age", *age);
                }
            }
            Figures::MedicalCard {
                product_id,
                expired_on,
            } => {
                if let Some(product) = product_id {
                    extensions.set("productId", product.to_string());
                }
                match expired_on {
                    Some(date) => {
                        extensions.set("medicalCard", "EXPIRED");
                        extensions.set("medicalCardExpiredOn", date.to_string());
                    }
                    None => extensions.set("medicalCard", "MISSING"),
                }
            }
            Figures::Units {
                product_id,
                limit,
                this_order,
            } => {
                extensions.set("unit", "units");
                extensions.set("productId", product_id.to_string());
                extensions.set("limit", *limit);
                extensions.set("thisOrder", *this_order);
            }
        }
    }
}
