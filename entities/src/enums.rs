//! Closed sets of values that Canopy owns, stored as short strings.
//!
//! Each enum maps onto a `VARCHAR` column through [`DeriveActiveEnum`]; the
//! stored value is the upper-case name shown here, the same spelling the
//! GraphQL enums use. Vendor values that Canopy does not control (raw
//! categories, vendor order statuses, alert kinds) stay plain strings on their
//! tables instead.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// The point-of-sale system behind a provider connection.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum PosKind {
    /// Dutchie POS.
    #[sea_orm(string_value = "DUTCHIE")]
    Dutchie,
    /// Jane / iHeartJane.
    #[sea_orm(string_value = "JANE")]
    Jane,
    /// Dispense.
    #[sea_orm(string_value = "DISPENSE")]
    Dispense,
}

/// Canopy's order statuses, onto which every vendor's statuses map.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum OrderStatus {
    /// Placed in Canopy, not yet delivered to the POS.
    #[sea_orm(string_value = "PENDING")]
    Pending,
    /// Accepted by the POS, not yet confirmed by staff.
    #[sea_orm(string_value = "SUBMITTED")]
    Submitted,
    /// Confirmed by the store.
    #[sea_orm(string_value = "CONFIRMED")]
    Confirmed,
    /// Ready for pickup.
    #[sea_orm(string_value = "READY")]
    Ready,
    /// Out for delivery.
    #[sea_orm(string_value = "SHIPPED")]
    Shipped,
    /// Delivered to the customer.
    #[sea_orm(string_value = "DELIVERED")]
    Delivered,
    /// Completed (paid and handed over).
    #[sea_orm(string_value = "COMPLETED")]
    Completed,
    /// Cancelled by either side.
    #[sea_orm(string_value = "CANCELLED")]
    Cancelled,
    /// Returned after completion (wholly or in part).
    #[sea_orm(string_value = "RETURNED")]
    Returned,
    /// Could not be delivered to the POS, or rejected by it.
    #[sea_orm(string_value = "FAILED")]
    Failed,
}

/// How an order reaches the customer.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Fulfillment {
    /// The customer picks up in store.
    #[sea_orm(string_value = "PICKUP")]
    Pickup,
    /// The store delivers.
    #[sea_orm(string_value = "DELIVERY")]
    Delivery,
}

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

/// Canopy's product categories; vendor categories map onto these.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ProductCategory {
    /// Dried flower.
    #[sea_orm(string_value = "FLOWER")]
    Flower,
    /// Pre-rolled joints.
    #[sea_orm(string_value = "PRE_ROLL")]
    PreRoll,
    /// Vaporizer cartridges and disposables.
    #[sea_orm(string_value = "VAPE")]
    Vape,
    /// Concentrates and extracts.
    #[sea_orm(string_value = "CONCENTRATE")]
    Concentrate,
    /// Edibles.
    #[sea_orm(string_value = "EDIBLE")]
    Edible,
    /// Tinctures.
    #[sea_orm(string_value = "TINCTURE")]
    Tincture,
    /// Topicals.
    #[sea_orm(string_value = "TOPICAL")]
    Topical,
    /// Cannabis beverages.
    #[sea_orm(string_value = "BEVERAGE")]
    Beverage,
    /// Accessories and gear (non-cannabis).
    #[sea_orm(string_value = "ACCESSORY")]
    Accessory,
    /// Beer.
    #[sea_orm(string_value = "BEER")]
    Beer,
    /// Wine.
    #[sea_orm(string_value = "WINE")]
    Wine,
    /// Spirits.
    #[sea_orm(string_value = "SPIRITS")]
    Spirits,
    /// A vendor category Canopy does not know (see `products.category_raw`).
    #[sea_orm(string_value = "OTHER")]
    Other,
}

/// Cannabis strain type.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum StrainType {
    /// Indica.
    #[sea_orm(string_value = "INDICA")]
    Indica,
    /// Sativa.
    #[sea_orm(string_value = "SATIVA")]
    Sativa,
    /// Hybrid.
    #[sea_orm(string_value = "HYBRID")]
    Hybrid,
    /// High-CBD.
    #[sea_orm(string_value = "CBD")]
    Cbd,
    /// Not applicable (accessories, alcohol).
    #[sea_orm(string_value = "NONE")]
    None,
    /// A vendor value Canopy does not know (see `products.strain_type_raw`).
    #[sea_orm(string_value = "OTHER")]
    Other,
}

/// The unit a cannabinoid content (THC, CBD) is expressed in.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum PotencyUnit {
    /// Percent by weight.
    #[sea_orm(string_value = "PERCENT")]
    Percent,
    /// Milligrams per package.
    #[sea_orm(string_value = "MG")]
    Milligrams,
    /// Milligrams per gram.
    #[sea_orm(string_value = "MG_PER_G")]
    MilligramsPerGram,
}

/// A unit of net weight or volume, as the vendor states it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum WeightUnit {
    /// Grams.
    #[sea_orm(string_value = "G")]
    Grams,
    /// Milligrams.
    #[sea_orm(string_value = "MG")]
    Milligrams,
    /// Avoirdupois ounces.
    #[sea_orm(string_value = "OZ")]
    Ounces,
    /// Pounds.
    #[sea_orm(string_value = "LB")]
    Pounds,
    /// Millilitres.
    #[sea_orm(string_value = "ML")]
    Milliliters,
    /// Fluid ounces.
    #[sea_orm(string_value = "FL_OZ")]
    FluidOunces,
    /// Counted units.
    #[sea_orm(string_value = "EACH")]
    Each,
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
