//! `ProductMatch`: how a product record of one connection was matched to a product
//! another connection brought, or why it was kept apart, for the admin's review.

use async_graphql::{Context, Enum, ID, Json, Object};
use chrono::{DateTime, Utc};
use entities::{enums, product_match::Model};

use super::product_lookup::load_product;
use super::{Product, ids::to_id};
use crate::error::ApiError;

/// The rule a match rests on.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::MatchRule")]
pub enum MatchRule {
    /// The retailer's SKU, the same on both sides.
    Sku,
    /// The barcode (UPC-A, EAN-13 or GTIN-14, compared as a GTIN-14).
    Upc,
    /// Brand, normalised name, net weight or volume and category, with one candidate.
    Name,
    /// An admin's merge.
    Admin,
}

/// Where a match stands in review.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::MatchStatus")]
pub enum MatchStatus {
    /// Merged on a name match: an admin confirms it or splits it.
    Suggested,
    /// Merged on a SKU or barcode, or by an admin.
    Confirmed,
    /// Kept apart: the evidence contradicts itself, or an admin split it.
    Rejected,
}

/// One match decision.
pub struct ProductMatch(pub Model);

#[Object]
impl ProductMatch {
    /// Its id.
    async fn id(&self) -> ID {
        to_id(self.0.id)
    }

    /// The product the record was matched into, or (kept apart) the one it resembled;
    /// a product merged away since resolves to its survivor.
    async fn product(&self, ctx: &Context<'_>) -> Result<Option<Product>, ApiError> {
        load_product(ctx, self.0.product_id).await
    }

    /// The other product: the record's own when it was kept apart, the merged-away one
    /// (now its survivor) after an admin merge.
    async fn other_product(&self, ctx: &Context<'_>) -> Result<Option<Product>, ApiError> {
        match self.0.other_product_id {
            Some(id) => load_product(ctx, id).await,
            None => Ok(None),
        }
    }

    /// The connection whose record was matched (null for an admin merge).
    async fn connection_id(&self) -> Option<ID> {
        self.0.connection_id.map(to_id)
    }

    /// The record's POS id.
    async fn external_id(&self) -> Option<&str> {
        self.0.external_id.as_deref()
    }

    /// The rule applied.
    async fn rule(&self) -> MatchRule {
        self.0.rule.into()
    }

    /// The values the rule compared (keys, barcodes, measures).
    async fn evidence(&self) -> Json<&serde_json::Value> {
        Json(&self.0.evidence)
    }

    /// Where it stands.
    async fn status(&self) -> MatchStatus {
        self.0.status.into()
    }

    /// Whether the evidence contradicts itself (never merged; a `product_match_conflict`
    /// alert names it).
    async fn conflict(&self) -> bool {
        self.0.conflict
    }

    /// `sync`, or the admin who decided last.
    async fn decided_by(&self) -> &str {
        &self.0.decided_by
    }

    /// When it was decided first.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}
