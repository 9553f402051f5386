//! Schema-valid variants of the simulator's records (`DutchieSimOptions::variants`):
//! what another Dutchie deployment may send where the OpenAPI document leaves things
//! open, so that tests see the adapter hold against the vendor's schema rather than
//! against our own canonical rendering. Every change keeps the record valid under
//! Dutchie's schemas (which forbid extra properties, so none are added).

use chrono::{DateTime, SecondsFormat};
use serde_json::Value;

use super::render::Package;

/// The category sent instead of a known one for every fourth product.
pub(crate) const UNKNOWN_CATEGORY: &str = "Clones";

/// The packages a stock count is listed as: one, or with `variants` two when it has
/// two units or more (summed again by the adapter). The vault units, if any, sit in
/// the first package.
pub(crate) fn packages(product_id: i32, on_hand: i64, vault: i64, variants: bool) -> Vec<Package> {
    let first = Package {
        inventory_id: product_id,
        floor: on_hand,
        vault,
    };
    if !variants || on_hand < 2 {
        return vec![first];
    }
    let half = on_hand / 2;
    vec![
        Package {
            floor: half,
            ..first
        },
        Package {
            inventory_id: product_id,
            floor: on_hand - half,
            vault: 0,
        },
    ]
}

/// An RFC 3339 time rewritten without its offset, as the .NET API also writes them.
fn naive(value: &mut Value) {
    if let Some(t) = value
        .as_str()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
    {
        let utc = t.to_utc().to_rfc3339_opts(SecondsFormat::Millis, true);
        *value = Value::String(utc.trim_end_matches('Z').to_owned());
    }
}

/// An `InventoryItem` without `inventoryId`, with a naive time and explicit nulls.
pub(crate) fn inventory_item(mut item: Value) -> Value {
    if let Some(fields) = item.as_object_mut() {
        fields.remove("inventoryId");
        fields.remove("unitPrice");
        if let Some(time) = fields.get_mut("lastModifiedDateUtc") {
            naive(time);
        }
        for nullable in [
            "sku",
            "batchName",
            "medUnitPrice",
            "packageStatus",
            "packageId",
        ] {
            fields.insert(nullable.to_owned(), Value::Null);
        }
    }
    item
}

/// A `ProductDetail` with a naive time, explicit nulls, and (every fourth product)
/// a category Canopy does not know.
pub(crate) fn product(mut p: Value) -> Value {
    let unknown = p["productId"].as_i64().is_some_and(|id| id % 4 == 0);
    if let Some(fields) = p.as_object_mut() {
        if let Some(time) = fields.get_mut("lastModifiedDateUTC") {
            naive(time);
        }
        for nullable in ["imageUrls", "upc", "regulatoryCategory"] {
            fields.insert(nullable.to_owned(), Value::Null);
        }
        if unknown {
            fields.insert("masterCategory".into(), UNKNOWN_CATEGORY.into());
            fields.insert("category".into(), Value::Null);
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packages_split_the_stock_and_keep_the_vault_once() {
        let one = packages(7, 5, 3, false);
        assert_eq!(one.len(), 1);
        let two = packages(7, 5, 3, true);
        assert_eq!(two.iter().map(|p| p.floor).sum::<i64>(), 5);
        assert_eq!(two.iter().map(|p| p.vault).sum::<i64>(), 3);
        assert_eq!(packages(7, 1, 0, true).len(), 1);
    }

    #[test]
    fn variants_drop_ids_and_offsets() {
        let item = inventory_item(serde_json::json!({
            "inventoryId": 1, "productId": 2, "quantityAvailable": 3.0,
            "lastModifiedDateUtc": "2024-05-01T12:00:00.000Z"
        }));
        assert!(item.get("inventoryId").is_none());
        assert_eq!(item["lastModifiedDateUtc"], "2024-05-01T12:00:00.000");
        let p = product(serde_json::json!({"productId": 8, "masterCategory": "Flower"}));
        assert_eq!(p["masterCategory"], UNKNOWN_CATEGORY);
    }
}
