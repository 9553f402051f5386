//! A Treez connection's settings, read from `ConnectionConfig::settings`.
//!
//! ```json
//! { "organization_id": "b1226d0b-…", "certificate_id": "cert-…",
//!   "dispensaries": ["partnersandbox3"], "store_entities": {"partnersandbox3": "1b8e53d3-…"} }
//! ```
//! The private key is the connection's API key (its secret); `organization_id` (the
//! JWT's `oid`), `certificate_id` (its `iss`) and at least one dispensary short name
//! (`dispensary` or `dispensaries`: the path segment of every dispensary call, and the
//! store's location id in Canopy) are required. `store_entities` names the organization
//! entity (`GET /service/catalog/v3/organization-entity`) of each dispensary when its
//! name does not match the short name (see `guesses::entity_matches`).

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::provider::CommonSettings;

/// The largest page Treez serves: a larger one answers `RESPONSE_LIMIT_EXCEEDS` [doc];
/// 50 is the largest its clients use [seen].
pub const MAX_PAGE_SIZE: u32 = 50;

/// Settings of a Treez connection.
#[derive(Debug, Clone, Deserialize)]
pub struct TreezSettings {
    /// The organization id: the JWT's `oid`.
    #[serde(default)]
    pub organization_id: String,
    /// The partner certificate id: the JWT's `iss`.
    #[serde(default)]
    pub certificate_id: String,
    /// One dispensary short name.
    #[serde(default)]
    pub dispensary: Option<String>,
    /// Several dispensaries of the organization, read one after another.
    #[serde(default)]
    pub dispensaries: Vec<String>,
    /// The organization entity id of a dispensary, by short name.
    #[serde(default)]
    pub store_entities: BTreeMap<String, String>,
    /// List page size, at most [`MAX_PAGE_SIZE`].
    #[serde(default = "default_page_size")]
    pub page_size: u32,
    /// The integrator name Treez records on tickets (`revenue_source`); Treez asks that it
    /// never change once used [doc].
    #[serde(default = "default_revenue_source")]
    pub revenue_source: String,
    /// Timeouts shared by every vendor.
    #[serde(flatten)]
    pub common: CommonSettings,
}

fn default_page_size() -> u32 {
    MAX_PAGE_SIZE
}

fn default_revenue_source() -> String {
    "Canopy".to_owned()
}

impl TreezSettings {
    /// Reads and checks the settings JSON.
    pub fn from_json(settings: &serde_json::Value) -> Result<Self, String> {
        let settings = Self::deserialize(settings).map_err(|e| format!("Treez settings: {e}"))?;
        for (name, value) in [
            ("organization_id", &settings.organization_id),
            ("certificate_id", &settings.certificate_id),
            ("revenue_source", &settings.revenue_source),
        ] {
            if value.trim().is_empty() {
                return Err(format!("Treez settings: {name} is required"));
            }
        }
        if settings.page_size == 0 || settings.page_size > MAX_PAGE_SIZE {
            return Err(format!(
                "Treez settings: page_size must be 1..={MAX_PAGE_SIZE}, got {}",
                settings.page_size
            ));
        }
        if settings.dispensaries().is_empty() {
            return Err("Treez settings: dispensary (or dispensaries) is required".to_owned());
        }
        Ok(settings)
    }

    /// The dispensaries this connection reads, `dispensary` first, without repeats.
    pub fn dispensaries(&self) -> Vec<String> {
        let mut all: Vec<String> = Vec::new();
        for name in self.dispensary.iter().chain(&self.dispensaries) {
            let name = name.trim();
            if !name.is_empty() && !all.iter().any(|d| d == name) {
                all.push(name.to_owned());
            }
        }
        all
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn organization_certificate_and_a_dispensary_are_required() {
        let ok = json!({"organization_id": "o", "certificate_id": "c", "dispensary": "d"});
        assert!(TreezSettings::from_json(&ok).is_ok());
        for missing in ["organization_id", "certificate_id", "dispensary"] {
            let mut settings = ok.clone();
            settings.as_object_mut().unwrap().remove(missing);
            let err = TreezSettings::from_json(&settings).unwrap_err();
            assert!(err.contains(missing), "{err}");
        }
        let mut big = ok.clone();
        big["page_size"] = json!(51);
        assert!(TreezSettings::from_json(&big).is_err());
    }

    #[test]
    fn dispensaries_merge_without_repeats() {
        let s = TreezSettings::from_json(&json!({
            "organization_id": "o", "certificate_id": "c",
            "dispensary": "a", "dispensaries": ["b", " a ", ""]
        }))
        .unwrap();
        assert_eq!(s.dispensaries(), ["a", "b"]);
        assert_eq!(s.revenue_source, "Canopy");
    }
}
