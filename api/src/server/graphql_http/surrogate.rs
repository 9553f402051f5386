//! Surrogate keys: the headers (`Surrogate-Key`, `Cache-Tag`, as `--surrogate-key-headers`
//! says) that name what a public `GET` response contains, so an edge cache can purge it
//! by key when that changes.
//!
//! The keys are the cache tags of [`crate::cache::tags`], from two sources:
//! - the request, as the response cache reads it ([`Scope::surrogate_keys`], one parse
//!   for both): `catalog` and `locations` on every response (a listing can gain or lose
//!   products with any catalog change), the stock it shows (`stock-at:<location>` for a
//!   store's menu, `stock:<product>` for a product's stock everywhere, `stock` for
//!   listings with stock at every store), and `product:<id>` / `location:<id>` for what it
//!   names by id (at most 32);
//! - the data: `product:<id>` and `location:<id>` for every product and location whose id
//!   the response shows ([`crate::graphql::contained`], at most 100), kept with the
//!   response-cache entry so a hit carries them too.
//!
//! Canopy purges the tags it invalidates ([`crate::cache::edge`]): a stock change purges
//! the stock scopes, a product or location change its own key and `catalog` or
//! `locations`, so the edge forgets a response exactly when Canopy's own response cache
//! does; the per-item keys also let an operator purge everything that shows one product.
//! The header stays under about 6 KB, within Varnish's 8 KB header limit and the CDNs'
//! 16 KB. Private responses carry no keys.

use axum::{
    http::{HeaderName, HeaderValue},
    response::Response,
};

#[cfg(doc)]
use super::response_cache::Scope;

/// `response` with `keys` in each header of `names`: comma-separated in `Cache-Tag`
/// (Cloudflare's syntax), space-separated in any other (Fastly's and Varnish's).
pub(super) fn with_surrogate_keys(
    mut response: Response,
    names: &[HeaderName],
    keys: &[String],
) -> Response {
    if keys.is_empty() {
        return response;
    }
    for name in names {
        let separator = if name.as_str().eq_ignore_ascii_case("cache-tag") {
            ","
        } else {
            " "
        };
        if let Ok(value) = HeaderValue::from_str(&keys.join(separator)) {
            response.headers_mut().insert(name.clone(), value);
        }
    }
    response
}
