//! GraphiQL, served from the binary: `GET /graphql` with `Accept: text/html` and no query
//! gets the page ([`page`]), and `/graphql/assets/…` its files ([`router`]).
//!
//! Everything comes from `api/graphiql/`, embedded at compile time: the page, its boot
//! script and stylesheet, and the production builds of GraphiQL and React that
//! `api/graphiql/fetch.sh` took from the npm registry at pinned versions (with their
//! licences, see `api/graphiql/README.md`). Nothing is loaded from another origin, so the
//! page works offline and behind strict proxies, and its Content-Security-Policy names no
//! third-party origin. The vendored files' paths carry their versions and are cached for a
//! year; the page and Canopy's own files are revalidated on every load.

use axum::{
    Router,
    http::{HeaderMap, HeaderValue, header},
    response::Response,
    routing::get,
};

use super::secure_page::respond;

/// One embedded file: where it is served, its media type, its bytes and how long it may
/// be cached.
struct Asset {
    path: &'static str,
    content_type: &'static str,
    body: &'static [u8],
    cache_control: &'static str,
}

/// Revalidated on every load: Canopy's own files change with the binary.
const REVALIDATE: &str = "no-cache";
/// A vendored file's path names its version, so its contents never change.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// An embedded file of `api/graphiql/`, served at `/graphql/assets/<file>`.
macro_rules! asset {
    ($file:literal, $content_type:expr, $cache_control:expr) => {
        Asset {
            path: concat!("/graphql/assets/", $file),
            content_type: $content_type,
            body: include_bytes!(concat!("../../graphiql/", $file)),
            cache_control: $cache_control,
        }
    };
}

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// The files the page loads (and nothing else).
const ASSETS: [Asset; 6] = [
    asset!("boot.js", JS, REVALIDATE),
    asset!("graphiql.css", CSS, REVALIDATE),
    asset!("vendor/react-18.3.1/react.production.min.js", JS, IMMUTABLE),
    asset!(
        "vendor/react-dom-18.3.1/react-dom.production.min.js",
        JS,
        IMMUTABLE
    ),
    asset!("vendor/graphiql-3.9.0/graphiql.min.js", JS, IMMUTABLE),
    asset!("vendor/graphiql-3.9.0/graphiql.min.css", CSS, IMMUTABLE),
];

const PAGE_HTML: &str = include_str!("../../graphiql/index.html");

/// The page's policy, before the websocket origins of [`page`]:
/// - `script-src 'self'`: the vendored builds and `boot.js`; no inline script, no `eval`.
/// - `style-src 'self' 'unsafe-inline'`: GraphiQL's dialogs (Radix UI's scroll lock) add a
///   `<style>` element at run time whose text varies with the scrollbar's width, so no
///   hash names it, and the UMD build offers no way to give it a nonce; styles cannot run
///   script, and every stylesheet file still comes from here.
/// - `font-src data:` and `img-src 'self' data:`: GraphiQL's stylesheet embeds its fonts
///   and a few icons as `data:` URLs; the page's icon is an empty `data:` URL (no request
///   for `/favicon.ico`).
/// - `connect-src 'self'`: queries go to `/graphql` on this origin.
const POLICY: &str = "default-src 'none'; script-src 'self'; \
    style-src 'self' 'unsafe-inline'; font-src data:; img-src 'self' data:; \
    base-uri 'none'; form-action 'none'; frame-ancestors 'none'; connect-src 'self'";

/// The GraphiQL page. `connect-src` also names the websocket origins of the request's
/// `Host` (CSP Level 3 browsers already count same-host `ws:` and `wss:` as `'self'`; older
/// ones need them spelled out); a `Host` that is not a plain host and port adds nothing.
pub(super) fn page(headers: &HeaderMap) -> Response {
    let policy = match headers
        .get(header::HOST)
        .and_then(|host| host.to_str().ok())
        .filter(|host| is_plain_authority(host))
    {
        Some(host) => format!("{POLICY} ws://{host} wss://{host}"),
        None => POLICY.to_owned(),
    };
    let policy = HeaderValue::try_from(policy).unwrap_or_else(|_| HeaderValue::from_static(POLICY));
    respond(
        HeaderValue::from_static("text/html; charset=utf-8"),
        HeaderValue::from_static(REVALIDATE),
        policy,
        PAGE_HTML.as_bytes(),
    )
}

/// The routes of the page's files, for any router state.
pub(super) fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    ASSETS.iter().fold(Router::new(), |router, asset| {
        router.route(
            asset.path,
            get(move || async move {
                respond(
                    HeaderValue::from_static(asset.content_type),
                    HeaderValue::from_static(asset.cache_control),
                    HeaderValue::from_static(POLICY),
                    asset.body,
                )
            }),
        )
    })
}

/// A host name, IPv4 or bracketed IPv6 address, with an optional port: nothing that could
/// end the policy's directive or add a source.
fn is_plain_authority(host: &str) -> bool {
    !host.is_empty()
        && host
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b".-:[]".contains(&byte))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The page names every embedded file, and nothing else under `/graphql/assets/`.
    #[test]
    fn the_page_names_exactly_the_embedded_files() {
        let named: Vec<&str> = PAGE_HTML
            .split(['"', '\''])
            .filter(|part| part.starts_with("/graphql/assets/"))
            .collect();
        let served: Vec<&str> = ASSETS.iter().map(|asset| asset.path).collect();
        let mut named_sorted = named.clone();
        named_sorted.sort_unstable();
        let mut served_sorted = served;
        served_sorted.sort_unstable();
        assert_eq!(named_sorted, served_sorted);
    }

    #[test]
    fn only_plain_hosts_reach_the_policy() {
        assert!(is_plain_authority("127.0.0.1:8080"));
        assert!(is_plain_authority("[::1]:8080"));
        assert!(is_plain_authority("canopy.example"));
        assert!(!is_plain_authority(""));
        assert!(!is_plain_authority("a; script-src *"));
        assert!(!is_plain_authority("a *"));
    }
}
