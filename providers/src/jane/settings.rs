//! A Jane connection's settings, read from `ConnectionConfig::settings`.
//!
//! ```json
//! { "store_id": 1234, "token_url": "https://sandbox.example/oauth/token",
//!   "page_size": 250, "token_refresh_margin_secs": 300,
//!   "menu_api": "roots", "currency": "USD" }
//! ```
//! Only `store_id` is required. The token endpoint differs between Jane's
//! sandbox and production, so it is configuration: `token_url`, by default
//! `{base_url}/oauth/token`.

use serde::Deserialize;
use url::Url;

use crate::provider::CommonSettings;

use super::models::lenient;

/// The largest page Jane's menu API serves.
pub const MAX_PAGE_SIZE: u32 = 250;

/// Which of Jane's two menu paths to page through.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MenuApi {
    /// `GET /roots/menu_api/v1/menu_products?store_id=&page_size=&pagination_id=` (current).
    #[default]
    Roots,
    /// `GET /partner/v1/stores/{id}/menu_products?visible=true&count=&pagination_id=` (older).
    Partner,
}

/// Settings of a Jane connection.
#[derive(Debug, Clone, Deserialize)]
pub struct JaneSettings {
    /// The Jane store this connection serves.
    #[serde(with = "lenient::id")]
    pub store_id: String,
    /// The OAuth2 token endpoint; defaults to `{base_url}/oauth/token`.
    #[serde(default)]
    pub token_url: Option<String>,
    /// Menu page size, at most [`MAX_PAGE_SIZE`].
    #[serde(default = "default_page_size")]
    pub page_size: u32,
    /// Refresh the access token this many seconds before it expires.
    #[serde(default = "default_refresh_margin")]
    pub token_refresh_margin_secs: u64,
    /// Which menu path to use.
    #[serde(default)]
    pub menu_api: MenuApi,
    /// ISO 4217 currency of the store's prices.
    #[serde(default = "default_currency")]
    pub currency: String,
    /// Jane has no customer API. When set, customer reads return the people named
    /// on carts changed since the mark (only people who ordered, by Jane user id);
    /// otherwise they answer `Unsupported`.
    #[serde(default)]
    pub customers_from_carts: bool,
    /// Timeouts shared by every vendor.
    #[serde(flatten)]
    pub common: CommonSettings,
}

fn default_page_size() -> u32 {
    MAX_PAGE_SIZE
}

fn default_refresh_margin() -> u64 {
    300
}

fn default_currency() -> String {
    "USD".to_owned()
}

impl JaneSettings {
    /// Reads and checks the settings JSON.
    pub fn from_json(settings: &serde_json::Value) -> Result<Self, String> {
        let settings = Self::deserialize(settings).map_err(|e| format!("Jane settings: {e}"))?;
        if settings.page_size == 0 || settings.page_size > MAX_PAGE_SIZE {
            return Err(format!(
                "Jane settings: page_size must be 1..={MAX_PAGE_SIZE}, got {}",
                settings.page_size
            ));
        }
        Ok(settings)
    }

    /// The token endpoint for an API base URL.
    pub fn token_url(&self, base_url: &Url) -> Result<Url, String> {
        match &self.token_url {
            Some(url) => Url::parse(url).map_err(|e| format!("Jane token_url {url:?}: {e}")),
            None => base_url
                .join("oauth/token")
                .map_err(|e| format!("Jane token URL from {base_url}: {e}")),
        }
    }
}
