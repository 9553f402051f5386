//! The starter storefront (`examples/storefront/`), served by `serve --demo` at
//! [`STOREFRONT_PATH`]: one HTML document, its stylesheet and its ES modules, embedded in
//! the binary at compile time (no build step). The modules import the websocket client
//! the live stock widget shares (`/shared/graphql-ws.js`, served with the widget).
//!
//! The page is static and public; it reads the demo's customers from
//! [`super::session::SESSION_PATH`] and everything else from `/graphql`. Its files carry
//! the admin page's headers: a Content-Security-Policy allowing only same-origin script,
//! style and connections (the websocket included), no framing.

use axum::{Router, response::Redirect, routing::get};

use crate::server::page_asset;

/// Where the storefront is served (its files under `/storefront/`).
pub const STOREFRONT_PATH: &str = "/storefront";

/// Each embedded file: its path under [`STOREFRONT_PATH`], type and content.
const FILES: [(&str, &str, &str); 9] = [
    (
        "/",
        "text/html; charset=utf-8",
        include_str!("../../../examples/storefront/index.html"),
    ),
    (
        "/storefront.css",
        "text/css; charset=utf-8",
        include_str!("../../../examples/storefront/storefront.css"),
    ),
    (
        "/app.js",
        JAVASCRIPT,
        include_str!("../../../examples/storefront/app.js"),
    ),
    (
        "/api.js",
        JAVASCRIPT,
        include_str!("../../../examples/storefront/api.js"),
    ),
    (
        "/operations.js",
        JAVASCRIPT,
        include_str!("../../../examples/storefront/operations.js"),
    ),
    (
        "/format.js",
        JAVASCRIPT,
        include_str!("../../../examples/storefront/format.js"),
    ),
    (
        "/menu.js",
        JAVASCRIPT,
        include_str!("../../../examples/storefront/menu.js"),
    ),
    (
        "/account.js",
        JAVASCRIPT,
        include_str!("../../../examples/storefront/account.js"),
    ),
    (
        "/checkout.js",
        JAVASCRIPT,
        include_str!("../../../examples/storefront/checkout.js"),
    ),
];

const JAVASCRIPT: &str = "text/javascript; charset=utf-8";

/// The storefront's routes: `/storefront` redirects to `/storefront/` (so the page's
/// relative imports resolve), which serves the page, and each file beside it.
pub fn router() -> Router {
    FILES.iter().fold(
        Router::new().route(
            STOREFRONT_PATH,
            get(|| async { Redirect::permanent("/storefront/") }),
        ),
        |router, &(path, content_type, body)| {
            router.route(
                &format!("{STOREFRONT_PATH}{path}"),
                get(move || page_asset(content_type, body)),
            )
        },
    )
}
