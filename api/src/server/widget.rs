//! The live stock widget (`examples/stock-widget/`), embedded in the binary at compile
//! time: `GET /widget?product=<id>&location=<id>` serves a page showing one product's
//! availability at one location, `GET /widget/stock-widget.js` the script storefronts
//! embed with a `<script>` tag, and `GET /shared/graphql-ws.js` the websocket client module
//! the script imports (shared with the starter storefront, `examples/shared/`). All are
//! static and public; the script reads stock through the public `stockChanged`
//! subscription and `product` query.

use axum::{
    Router,
    extract::{Query, rejection::QueryRejection},
    http::{HeaderName, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use serde::Deserialize;
use uuid::Uuid;

/// Where the widget page is served.
pub const WIDGET_PATH: &str = "/widget";
/// Where the embeddable script is served.
pub const WIDGET_SCRIPT_PATH: &str = "/widget/stock-widget.js";
/// Where the shared websocket client module is served (next to `/widget/` and
/// `/storefront/`, as `examples/shared/` sits next to their folders).
pub const SOCKET_CLIENT_PATH: &str = "/shared/graphql-ws.js";

const PAGE_HTML: &str = include_str!("../../../examples/stock-widget/index.html");
const WIDGET_JS: &str = include_str!("../../../examples/stock-widget/stock-widget.js");
const SOCKET_CLIENT_JS: &str = include_str!("../../../examples/shared/graphql-ws.js");

/// The page runs only its own script and talks only to this origin (websocket
/// included); storefronts may frame it.
const PAGE_POLICY: &str = "default-src 'none'; script-src 'self'; connect-src 'self'; \
    base-uri 'none'; form-action 'none'";

/// The query string of the page.
#[derive(Deserialize)]
struct WidgetQuery {
    /// The product's id (checked to be an id; the script reads it from the address).
    #[serde(rename = "product")]
    _product: Uuid,
    /// The location's id.
    #[serde(rename = "location")]
    _location: Uuid,
}

/// The widget's routes, for any router state.
pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route(WIDGET_PATH, get(page))
        .route(WIDGET_SCRIPT_PATH, get(|| script(WIDGET_JS)))
        .route(SOCKET_CLIENT_PATH, get(|| script(SOCKET_CLIENT_JS)))
}

/// The page, when `product` and `location` are ids.
async fn page(query: Result<Query<WidgetQuery>, QueryRejection>) -> Response {
    if query.is_err() {
        return (
            StatusCode::BAD_REQUEST,
            "`product` and `location` must be Canopy ids",
        )
            .into_response();
    }
    let headers: [(HeaderName, HeaderValue); 4] = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(PAGE_POLICY),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
    ];
    (headers, PAGE_HTML).into_response()
}

/// A script, loadable from any storefront's origin (a module imported across origins
/// needs CORS).
async fn script(body: &'static str) -> impl IntoResponse {
    let headers: [(HeaderName, HeaderValue); 5] = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/javascript; charset=utf-8"),
        ),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=300"),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            HeaderName::from_static("cross-origin-resource-policy"),
            HeaderValue::from_static("cross-origin"),
        ),
        (
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        ),
    ];
    (headers, body)
}
