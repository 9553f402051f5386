//! GraphQL enums mirroring the closed sets of `entities::enums`, converted both ways.

use async_graphql::Enum;
use entities::enums;

/// A product category.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::ProductCategory")]
pub enum ProductCategory {
    /// Dried flower.
    Flower,
    /// Pre-rolled joints.
    PreRoll,
    /// Vaporizer cartridges and disposables.
    Vape,
    /// Concentrates and extracts.
    Concentrate,
    /// Edibles.
    Edible,
    /// Tinctures.
    Tincture,
    /// Topicals.
    Topical,
    /// Cannabis beverages.
    Beverage,
    /// Accessories and gear.
    Accessory,
    /// Beer.
    Beer,
    /// Wine.
    Wine,
    /// Spirits.
    Spirits,
    /// A vendor category Canopy does not know.
    Other,
}

/// A cannabis strain type.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::StrainType")]
pub enum StrainType {
    /// Indica.
    Indica,
    /// Sativa.
    Sativa,
    /// Hybrid.
    Hybrid,
    /// High-CBD.
    Cbd,
    /// Not applicable (accessories, alcohol).
    None,
    /// A vendor value Canopy does not know.
    Other,
}

/// The unit of a cannabinoid content.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::PotencyUnit")]
pub enum PotencyUnit {
    /// Percent by weight.
    Percent,
    /// Milligrams per package.
    #[graphql(name = "MG")]
    Milligrams,
    /// Milligrams per gram.
    #[graphql(name = "MG_PER_G")]
    MilligramsPerGram,
}

/// A unit of net weight or volume.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::WeightUnit")]
pub enum WeightUnit {
    /// Grams.
    #[graphql(name = "G")]
    Grams,
    /// Milligrams.
    #[graphql(name = "MG")]
    Milligrams,
    /// Avoirdupois ounces.
    #[graphql(name = "OZ")]
    Ounces,
    /// Pounds.
    #[graphql(name = "LB")]
    Pounds,
    /// Millilitres.
    #[graphql(name = "ML")]
    Milliliters,
    /// Fluid ounces.
    #[graphql(name = "FL_OZ")]
    FluidOunces,
    /// Counted units.
    #[graphql(name = "EACH")]
    Each,
}

/// The status of an online order.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::OrderStatus")]
pub enum OrderStatus {
    /// Placed in Canopy, not yet delivered to the POS.
    Pending,
    /// Accepted by the POS, not yet confirmed by staff.
    Submitted,
    /// Confirmed by the store.
    Confirmed,
    /// Ready for pickup.
    Ready,
    /// Out for delivery.
    Shipped,
    /// Delivered to the customer.
    Delivered,
    /// Completed (paid and handed over).
    Completed,
    /// Cancelled by either side.
    Cancelled,
    /// Returned after completion (wholly or in part).
    Returned,
    /// Could not be delivered to the POS, or rejected by it.
    Failed,
}

/// How an order reaches the customer.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::Fulfillment")]
pub enum FulfillmentType {
    /// The customer picks up in store.
    Pickup,
    /// The store delivers.
    Delivery,
}

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
    /// Flower-equivalent grams of one product class per period.
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
