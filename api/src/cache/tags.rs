//! The cache tag vocabulary: which tag a cached read depends on and a write invalidates.
//!
//! Readers build keys with [`super::CacheExt::tagged_key`] over these tags; writers (the
//! sync engine, orders, admin mutations) call [`super::Cache::invalidate_tags`] with the
//! tags of exactly what they changed. Keeping the names here keeps both sides in step.

use uuid::Uuid;

/// Any product listing (`products`, search, category pages).
pub const CATALOG: &str = "catalog";
/// The list of locations.
pub const LOCATIONS: &str = "locations";
/// Any read that embeds stock of many products (listings with `stock`).
pub const STOCK: &str = "stock";

/// One product's own fields.
pub fn product(id: Uuid) -> String {
    format!("product:{id}")
}

/// One product's stock, at every location.
pub fn product_stock(product_id: Uuid) -> String {
    format!("stock:{product_id}")
}

/// The stock of every product at one location (a store's menu).
pub fn stock_at(location_id: Uuid) -> String {
    format!("stock-at:{location_id}")
}

/// One location's fields.
pub fn location(id: Uuid) -> String {
    format!("location:{id}")
}

/// One customer's profile.
pub fn customer(id: Uuid) -> String {
    format!("customer:{id}")
}

/// One customer's purchase history.
pub fn purchases(customer_id: Uuid) -> String {
    format!("purchases:{customer_id}")
}

/// Whether `tag` names public data (the catalog, locations, stock) rather than a
/// customer's: only public tags become surrogate keys and edge purges.
pub fn is_public(tag: &str) -> bool {
    [CATALOG, LOCATIONS, STOCK].contains(&tag)
        || ["product:", "stock:", "stock-at:", "location:"]
            .iter()
            .any(|prefix| tag.starts_with(prefix))
}
