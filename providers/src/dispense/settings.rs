//! A Dispense connection's settings, read from `ConnectionConfig::settings`.
//!
//! ```json
//! { "venue_id": "578f14c8e658dfdc", "api_mode": "current", "page_size": 250 }
//! ```
//! `venue_id` (or `venue_ids` for several venues of one organisation) is
//! required. `customers_from_orders: true` derives customers from the users
//! on orders, Dispense having no customer API. `api_mode: "legacy"` speaks to the older `…/partners/v1` base,
//! which takes the key in an `api-key` header instead of `x-dispense-api-key`.

use serde::{Deserialize, Serialize};

use crate::provider::CommonSettings;

/// The largest page Dispense serves.
pub const MAX_PAGE_SIZE: u32 = 250;

/// Which generation of Dispense's API the base URL points at.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApiMode {
    /// `https://api.dispenseapp.com/2023-03`, key in `x-dispense-api-key`.
    #[default]
    Current,
    /// `…/partners/v1`, key in `api-key`.
    Legacy,
}

impl ApiMode {
    /// The header carrying the API key.
    pub fn key_header(self) -> &'static str {
        match self {
            ApiMode::Current => "x-dispense-api-key",
            ApiMode::Legacy => "api-key",
        }
    }
}

/// Settings of a Dispense connection.
#[derive(Debug, Clone, Deserialize)]
pub struct DispenseSettings {
    /// The venue this connection serves.
    #[serde(default)]
    pub venue_id: Option<String>,
    /// Several venues of one organisation, read one after another.
    #[serde(default)]
    pub venue_ids: Vec<String>,
    /// Which API generation, hence which key header.
    #[serde(default)]
    pub api_mode: ApiMode,
    /// List page size, at most [`MAX_PAGE_SIZE`].
    #[serde(default = "default_page_size")]
    pub page_size: u32,
    /// Dispense has no customer API. When set, customer reads return the
    /// users found on orders changed since the mark (only people who ordered);
    /// otherwise they answer `Unsupported`.
    #[serde(default)]
    pub customers_from_orders: bool,
    /// Timeouts shared by every vendor.
    #[serde(flatten)]
    pub common: CommonSettings,
}

fn default_page_size() -> u32 {
    MAX_PAGE_SIZE
}

impl DispenseSettings {
    /// Reads and checks the settings JSON.
    pub fn from_json(settings: &serde_json::Value) -> Result<Self, String> {
        let settings =
            Self::deserialize(settings).map_err(|e| format!("Dispense settings: {e}"))?;
        if settings.page_size == 0 || settings.page_size > MAX_PAGE_SIZE {
            return Err(format!(
                "Dispense settings: page_size must be 1..={MAX_PAGE_SIZE}, got {}",
                settings.page_size
            ));
        }
        if settings.venues().is_empty() {
            return Err("Dispense settings: venue_id (or venue_ids) is required".to_owned());
        }
        Ok(settings)
    }

    /// The venues this connection reads, `venue_id` first, without repeats.
    pub fn venues(&self) -> Vec<String> {
        let mut venues: Vec<String> = Vec::new();
        for venue in self.venue_id.iter().chain(&self.venue_ids) {
            let venue = venue.trim();
            if !venue.is_empty() && !venues.iter().any(|v| v == venue) {
                venues.push(venue.to_owned());
            }
        }
        venues
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn venue_is_required() {
        assert!(DispenseSettings::from_json(&json!({})).is_err());
        assert!(DispenseSettings::from_json(&json!({"venue_id": " "})).is_err());
    }

    #[test]
    fn venues_merge_without_repeats() {
        let s = DispenseSettings::from_json(&json!({"venue_id": "a", "venue_ids": ["b", "a"]}))
            .unwrap();
        assert_eq!(s.venues(), ["a", "b"]);
        assert_eq!(s.api_mode.key_header(), "x-dispense-api-key");
    }

    #[test]
    fn legacy_mode_uses_the_old_header_and_page_size_is_bounded() {
        let s =
            DispenseSettings::from_json(&json!({"venue_id": "a", "api_mode": "legacy"})).unwrap();
        assert_eq!(s.api_mode.key_header(), "api-key");
        assert!(DispenseSettings::from_json(&json!({"venue_id": "a", "page_size": 251})).is_err());
    }
}
