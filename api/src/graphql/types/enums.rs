//! GraphQL enums of the closed sets in `entities::enums`.
//!
//! The seven enums the POS adapters share are defined once in `providers::model`
//! (whose `graphql` feature derives their GraphQL type) and re-exported here; the
//! enums Canopy alone owns are mirrored with async-graphql's `remote`, converted both
//! ways.

use async_graphql::Enum;
use entities::enums;
pub use entities::enums::{
    Fulfillment, OrderStatus, PosKind, PotencyUnit, ProductCategory, StrainType, WeightUnit,
};

/// Where a purchase happened.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::PurchaseSource")]
pub enum PurchaseSource {
    /// An online order placed through Canopy.
    Online,
    /// A sale at the register.
    InStore,
}

/// Who or what caused a change (stock events, order events).
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::ChangeSource")]
pub enum ChangeSource {
    /// A GraphQL call by a customer or storefront.
    Api,
    /// An admin action.
    Admin,
    /// A webhook from the POS.
    Webhook,
    /// An incremental poll of the POS.
    Poll,
    /// A full reconciliation against the POS.
    Reconcile,
    /// The outbox sender's answer from the POS.
    Outbox,
    /// Canopy itself on a timer (reservation expiry and the like).
    System,
}

/// The market a compliance rule governs.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::ComplianceMarket")]
pub enum ComplianceMarket {
    /// Adult-use (recreational) sales.
    AdultUse,
    /// Medical sales, to holders of a valid medical card.
    Medical,
}

/// What a compliance rule constrains.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::ComplianceRuleKind")]
pub enum ComplianceRuleKind {
    /// A minimum age, optionally with a valid medical card.
    MinimumAge,
    /// How much of a measure may be bought per window.
    PurchaseLimit,
}

/// The class a product counts toward in purchase limits.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::ProductClass")]
pub enum ProductClass {
    /// Flower, pre-rolls and other non-concentrated cannabis.
    NonConcentrate,
    /// Concentrates, vapes and infused products.
    Concentrate,
}

/// A quantity a purchase limit is measured in.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::ComplianceMeasure")]
pub enum ComplianceMeasure {
    /// Grams of non-concentrated cannabis (flower, pre-rolls).
    FlowerG,
    /// Grams of concentrate: its own weight, or that contained in an infused product.
    ConcentrateG,
    /// Milligrams of THC.
    ThcMg,
    /// Ounces of a solid infused product.
    SolidOz,
    /// Fluid ounces of a liquid infused product.
    FluidOz,
    /// Units sold.
    Units,
    /// Plants.
    Plants,
    /// The POS's flower-equivalent grams.
    FlowerEquivalentG,
}

/// What a purchase limit counts over, in the store's time zone.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::ComplianceWindow")]
pub enum ComplianceWindow {
    /// One transaction.
    Transaction,
    /// Today, from local midnight.
    CalendarDay,
    /// The last `windowDays` calendar days, today included.
    RollingDays,
    /// This calendar month.
    CalendarMonth,
}

/// Residents of the store's jurisdiction, or not.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::Residency")]
pub enum Residency {
    /// Lives in the store's jurisdiction.
    Resident,
    /// Lives elsewhere.
    NonResident,
}

/// How well a rule's figure is sourced.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::FigureSource")]
pub enum FigureSource {
    /// Read in the regulation cited.
    Primary,
    /// From a secondary source: to confirm.
    Secondary,
    /// An assumption.
    Guess,
}

/// What to do with a product whose measure a term needs is unknown.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "entities::compliance_rule::WhenUnknown")]
pub enum WhenUnknown {
    /// Refuse the order, naming the missing measure.
    Refuse,
    /// Count nothing.
    Ignore,
}
