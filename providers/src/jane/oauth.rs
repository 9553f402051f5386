//! Jane's OAuth2 client-credentials flow: `POST {token_url}` with
//! `grant_type=client_credentials`, the client id and secret sent both as
//! HTTP Basic and in the form body [seen], answering
//! `{access_token, token_type, expires_in}`.
//!
//! [`TokenSource`] caches the token and fetches a new one a configurable
//! margin before it expires. Fetches are single-flight: the cache lock is
//! held across the fetch, so callers arriving meanwhile wait for it and then
//! share its token. After a 401 the caller hands back the token that failed
//! ([`TokenSource::refresh_rejected`]); only the first such caller refreshes.

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Mutex;
use tokio::time::Instant;
use url::Url;

use crate::error::{ProviderErrorKind, ProviderResult};
use crate::http::{Endpoint, HttpPolicy};

use super::models::TokenResponse;

/// The token endpoint, in its own rate-limit bucket.
const TOKEN_ENDPOINT: Endpoint = Endpoint::new("POST /oauth/token", "auth");

/// A bearer token and which fetch produced it.
#[derive(Clone)]
pub(crate) struct AccessToken {
    value: SecretString,
    generation: u64,
}

impl AccessToken {
    /// The `Authorization` header value.
    pub(crate) fn bearer(&self) -> String {
        format!("Bearer {}", self.value.expose_secret())
    }
}

impl std::fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessToken")
            .field("generation", &self.generation)
            .finish_non_exhaustive()
    }
}

struct Cached {
    token: AccessToken,
    refresh_at: Instant,
}

/// Client credentials and the cached token of one connection.
pub(crate) struct TokenSource {
    token_url: Url,
    client_id: SecretString,
    client_secret: SecretString,
    refresh_margin: Duration,
    cache: Mutex<Option<Cached>>,
}

impl std::fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSource")
            .field("token_url", &self.token_url)
            .field("refresh_margin", &self.refresh_margin)
            .finish_non_exhaustive()
    }
}

impl TokenSource {
    /// A source fetching from `token_url`, refreshing `refresh_margin` before expiry.
    pub(crate) fn new(
        token_url: Url,
        client_id: SecretString,
        client_secret: SecretString,
        refresh_margin: Duration,
    ) -> Self {
        TokenSource {
            token_url,
            client_id,
            client_secret,
            refresh_margin,
            cache: Mutex::new(None),
        }
    }

    /// A token valid for at least the refresh margin, fetching one if needed.
    pub(crate) async fn token(&self, policy: &HttpPolicy) -> ProviderResult<AccessToken> {
        let mut cache = self.cache.lock().await;
        match cache.as_ref() {
            Some(cached) if Instant::now() < cached.refresh_at => Ok(cached.token.clone()),
            _ => self.fetch_into(&mut cache, policy).await,
        }
    }

    /// A fresh token after `rejected` drew a 401. If another caller already
    /// replaced `rejected`, its token is returned without a second fetch.
    pub(crate) async fn refresh_rejected(
        &self,
        policy: &HttpPolicy,
        rejected: &AccessToken,
    ) -> ProviderResult<AccessToken> {
        let mut cache = self.cache.lock().await;
        match cache.as_ref() {
            Some(cached) if cached.token.generation != rejected.generation => {
                Ok(cached.token.clone())
            }
            _ => self.fetch_into(&mut cache, policy).await,
        }
    }

    async fn fetch_into(
        &self,
        cache: &mut Option<Cached>,
        policy: &HttpPolicy,
    ) -> ProviderResult<AccessToken> {
        let requested_at = Instant::now();
        let response = self.fetch(policy).await?;
        if !response.token_type.eq_ignore_ascii_case("bearer") {
            return Err(policy.error(
                &TOKEN_ENDPOINT,
                ProviderErrorKind::Malformed(format!(
                    "token_type {:?}, expected Bearer",
                    response.token_type
                )),
            ));
        }
        let lifetime = Duration::from_secs(response.expires_in);
        let token = AccessToken {
            value: SecretString::from(response.access_token),
            generation: cache.as_ref().map_or(0, |c| c.token.generation + 1),
        };
        *cache = Some(Cached {
            token: token.clone(),
            refresh_at: requested_at + lifetime.saturating_sub(self.margin_for(lifetime)),
        });
        tracing::debug!(
            vendor = "jane",
            generation = token.generation,
            expires_in_s = response.expires_in,
            "fetched Jane access token"
        );
        Ok(token)
    }

    /// The configured margin, but never more than half the token's lifetime,
    /// so that short-lived tokens are still used.
    fn margin_for(&self, lifetime: Duration) -> Duration {
        self.refresh_margin.min(lifetime / 2)
    }

    async fn fetch(&self, policy: &HttpPolicy) -> ProviderResult<TokenResponse> {
        let id = self.client_id.expose_secret();
        let secret = self.client_secret.expose_secret();
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", id),
            ("client_secret", secret),
        ];
        policy
            .send_json(&TOKEN_ENDPOINT, |client| {
                client
                    .post(self.token_url.clone())
                    .basic_auth(id, Some(secret))
                    .form(&form)
            })
            .await
    }
}
