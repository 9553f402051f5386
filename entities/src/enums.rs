//! Closed sets of values that Canopy owns, stored as short strings.
//!
//! Each enum maps onto a `VARCHAR` column through [`DeriveActiveEnum`]; the
//! stored value is the upper-case name shown here, the same spelling the
//! GraphQL enums use. The seven enums the POS adapters share (kinds, catalog
//! vocabulary, order statuses) are defined once in `providers::model` and
//! re-exported here; `providers`' `sea-orm` feature derives their columns.
//! Vendor values that Canopy does not control (raw categories, vendor order
//! statuses, alert kinds) stay plain strings on their tables instead.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

pub use providers::model::{
    Fulfillment, OrderStatus, PosKind, PotencyUnit, ProductCategory, StrainType, WeightUnit,
};

/// Who or what caused a recorded change (order events, stock events).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ChangeSource {
    /// A GraphQL call by a customer or storefront.
    #[sea_orm(string_value = "API")]
    Api,
    /// An admin action.
    #[sea_orm(string_value = "ADMIN")]
    Admin,
    /// A webhook from the POS.
    #[sea_orm(string_value = "WEBHOOK")]
    Webhook,
    /// An incremental poll of the POS.
    #[sea_orm(string_value = "POLL")]
    Poll,
    /// A full reconciliation against the POS.
    #[sea_orm(string_value = "RECONCILE")]
    Reconcile,
    /// The outbox sender's answer from the POS.
    #[sea_orm(string_value = "OUTBOX")]
    Outbox,
    /// Canopy itself on a timer (reservation expiry and the like).
    #[sea_orm(string_value = "SYSTEM")]
    System,
}

/// Where a purchase happened.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum PurchaseSource {
    /// An online order placed through Canopy.
    #[sea_orm(string_value = "ONLINE")]
    Online,
    /// A sale at the register.
    #[sea_orm(string_value = "IN_STORE")]
    InStore,
}

/// How bad an alert is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum AlertSeverity {
    /// Worth knowing; nothing is wrong yet.
    #[sea_orm(string_value = "INFO")]
    Info,
    /// Something needs a look.
    #[sea_orm(string_value = "WARNING")]
    Warning,
    /// Customers or orders are affected now.
    #[sea_orm(string_value = "CRITICAL")]
    Critical,
}

/// The state of a queued unit of work (outbox rows, webhook deliveries).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum QueueStatus {
    /// Waiting for its `next_attempt_at`.
    #[sea_orm(string_value = "PENDING")]
    Pending,
    /// Claimed by a worker.
    #[sea_orm(string_value = "IN_FLIGHT")]
    InFlight,
    /// Delivered or processed.
    #[sea_orm(string_value = "DONE")]
    Done,
    /// Given up after too many attempts (dead letter); an admin may retry it.
    #[sea_orm(string_value = "DEAD")]
    Dead,
}

/// The market a compliance rule governs: adult-use (recreational) or medical sales.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ComplianceMarket {
    /// Adult-use (recreational) sales.
    #[sea_orm(string_value = "ADULT_USE")]
    AdultUse,
    /// Medical sales, to holders of a medical card or recommendation.
    #[sea_orm(string_value = "MEDICAL")]
    Medical,
}

/// What a compliance rule constrains.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ComplianceRuleKind {
    /// Who may buy at all: a minimum age, and for medical sales a valid card.
    #[sea_orm(string_value = "MINIMUM_AGE")]
    MinimumAge,
    /// How many flower-equivalent grams of one product class a customer may buy per period.
    #[sea_orm(string_value = "PURCHASE_LIMIT")]
    PurchaseLimit,
}

/// The class a product counts toward in purchase limits (derived from its category).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ProductClass {
    /// Dried flower, pre-rolls and other non-concentrated cannabis.
    #[sea_orm(string_value = "NON_CONCENTRATE")]
    NonConcentrate,
    /// Concentrates, vape oil, and concentrate inside infused products.
    #[sea_orm(string_value = "CONCENTRATE")]
    Concentrate,
}

/// A quantity a purchase limit is measured in (each product carries each it has).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
pub enum ComplianceMeasure {
    /// Grams of non-concentrated cannabis (flower, pre-rolls): their net weight.
    #[sea_orm(string_value = "FLOWER_G")]
    FlowerG,
    /// Grams of concentrated cannabis: the concentrate's own weight (concentrates,
    /// vapes), or the concentrate an infused product contains.
    #[sea_orm(string_value = "CONCENTRATE_G")]
    ConcentrateG,
    /// Milligrams of THC.
    #[sea_orm(string_value = "THC_MG")]
    ThcMg,
    /// Ounces (mass) of a solid infused product.
    #[sea_orm(string_value = "SOLID_OZ")]
    SolidOz,
    /// Fluid ounces of a liquid infused product.
    #[sea_orm(string_value = "FLUID_OZ")]
    FluidOz,
    /// Units (packages) sold.
    #[sea_orm(string_value = "UNITS")]
    Units,
    /// Plants (immature plants, clones).
    #[sea_orm(string_value = "PLANTS")]
    Plants,
    /// The POS's flower-equivalent grams.
    #[sea_orm(string_value = "FLOWER_EQUIVALENT_G")]
    FlowerEquivalentG,
}

impl ComplianceMeasure {
    /// The unit it is counted in, as shown to people (`g`, `mg`, `oz`, `fl oz`, …).
    pub const fn unit(self) -> &'static str {
        match self {
            Self::FlowerG | Self::ConcentrateG | Self::FlowerEquivalentG => "g",
            Self::ThcMg => "mg",
            Self::SolidOz => "oz",
            Self::FluidOz => "fl oz",
            Self::Units => "units",
            Self::Plants => "plants",
        }
    }
}

/// The window a purchase limit counts over, in the store's time zone.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ComplianceWindow {
    /// One order or register sale on its own.
    #[sea_orm(string_value = "TRANSACTION")]
    Transaction,
    /// Today, from local midnight.
    #[sea_orm(string_value = "CALENDAR_DAY")]
    CalendarDay,
    /// The last `window_days` calendar days, today included.
    #[sea_orm(string_value = "ROLLING_DAYS")]
    RollingDays,
    /// This calendar month, from the first at local midnight.
    #[sea_orm(string_value = "CALENDAR_MONTH")]
    CalendarMonth,
}

/// Whom a rule applies to by residency (rules without one apply to everyone).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Residency {
    /// Residents of the store's jurisdiction.
    #[sea_orm(string_value = "RESIDENT")]
    Resident,
    /// Everyone else.
    #[sea_orm(string_value = "NON_RESIDENT")]
    NonResident,
}

/// How well a rule's figure is sourced.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum FigureSource {
    /// Read in the regulation cited.
    #[sea_orm(string_value = "PRIMARY")]
    Primary,
    /// From a secondary source (regulator's summary, industry guide): to confirm.
    #[sea_orm(string_value = "SECONDARY")]
    Secondary,
    /// An assumption (a fallback factor, a window the law leaves open).
    #[sea_orm(string_value = "GUESS")]
    Guess,
}

#[cfg(test)]
mod tests {
    use sea_orm::{ActiveEnum, Iterable};

    use super::*;

    fn stored<E: ActiveEnum<Value = String> + Iterable>() -> Vec<String> {
        E::iter().map(|value| value.to_value()).collect()
    }

    /// The strings already in databases: the shared enums must keep storing them.
    #[test]
    fn shared_enums_keep_their_stored_strings() {
        assert_eq!(
            stored::<PosKind>(),
            ["DUTCHIE", "JANE", "DISPENSE", "TREEZ"]
        );
        assert_eq!(
            stored::<OrderStatus>(),
            [
                "PENDING",
                "SUBMITTED",
                "CONFIRMED",
                "READY",
                "SHIPPED",
                "DELIVERED",
                "COMPLETED",
                "CANCELLED",
                "RETURNED",
                "FAILED"
            ]
        );
        assert_eq!(stored::<Fulfillment>(), ["PICKUP", "DELIVERY"]);
        assert_eq!(
            stored::<ProductCategory>(),
            [
                "FLOWER",
                "PRE_ROLL",
                "VAPE",
                "CONCENTRATE",
                "EDIBLE",
                "TINCTURE",
                "TOPICAL",
                "BEVERAGE",
                "ACCESSORY",
                "BEER",
                "WINE",
                "SPIRITS",
                "OTHER"
            ]
        );
        assert_eq!(
            stored::<StrainType>(),
            ["INDICA", "SATIVA", "HYBRID", "CBD", "NONE", "OTHER"]
        );
        assert_eq!(
            stored::<PotencyUnit>(),
            ["PERCENT", "MG", "MG_PER_G", "OTHER"]
        );
        assert_eq!(
            stored::<WeightUnit>(),
            ["G", "MG", "OZ", "LB", "ML", "FL_OZ", "EACH", "OTHER"]
        );
    }
}

/// The rule a product match rests on, strongest first.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum MatchRule {
    /// The retailer's own SKU, the same on both sides.
    #[sea_orm(string_value = "SKU")]
    Sku,
    /// The UPC/EAN/GTIN, normalised to a GTIN-14.
    #[sea_orm(string_value = "UPC")]
    Upc,
    /// Brand, normalised name, net weight or volume and category, with one candidate.
    #[sea_orm(string_value = "NAME")]
    Name,
    /// An admin's merge.
    #[sea_orm(string_value = "ADMIN")]
    Admin,
}

/// Where a product match stands in the admin's review.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum MatchStatus {
    /// Merged on weaker evidence, listed for an admin to confirm or split.
    #[sea_orm(string_value = "SUGGESTED")]
    Suggested,
    /// Merged on strong evidence or by an admin.
    #[sea_orm(string_value = "CONFIRMED")]
    Confirmed,
    /// Kept apart: the evidence contradicts itself, or an admin split it.
    #[sea_orm(string_value = "REJECTED")]
    Rejected,
}
