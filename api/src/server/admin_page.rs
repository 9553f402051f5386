//! The `/admin` configuration page: one HTML document, one script and one stylesheet from
//! `api/admin/`, embedded in the binary at compile time (no build step, nothing read from
//! disk at run time).
//!
//! The page is static and public; everything it shows comes from `/graphql` with the admin
//! token the user signs in with. Its responses forbid framing and inline script, and are
//! revalidated on every load so a new binary's page is picked up at once.

use axum::{Router, http::HeaderValue, response::Response, routing::get};

use super::secure_page::respond;

/// Where the page is served.
pub const ADMIN_PATH: &str = "/admin";

const INDEX_HTML: &str = include_str!("../../admin/index.html");
const ADMIN_JS: &str = include_str!("../../admin/admin.js");
const ADMIN_CSS: &str = include_str!("../../admin/admin.css");

/// Only same-origin script, style and fetches; no framing, plugins or form posts elsewhere.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
    style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; \
    form-action 'self'; frame-ancestors 'none'";

/// The routes of the page and its assets, for any router state.
pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route(
            ADMIN_PATH,
            get(|| asset("text/html; charset=utf-8", INDEX_HTML)),
        )
        .route(
            "/admin/",
            get(|| asset("text/html; charset=utf-8", INDEX_HTML)),
        )
        .route(
            "/admin/admin.js",
            get(|| asset("text/javascript; charset=utf-8", ADMIN_JS)),
        )
        .route(
            "/admin/admin.css",
            get(|| asset("text/css; charset=utf-8", ADMIN_CSS)),
        )
}

/// One embedded file with its type and the page's security headers (the demo's starter
/// storefront serves its files with them too).
pub(crate) async fn asset(content_type: &'static str, body: &'static str) -> Response {
    respond(
        HeaderValue::from_static(content_type),
        HeaderValue::from_static("no-cache"),
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        body.as_bytes(),
    )
}
