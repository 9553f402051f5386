//! The headers every page Canopy serves itself carries (the admin page, GraphiQL, the
//! demo's storefront): its type, how long it may be cached, its Content-Security-Policy,
//! no sniffing, no framing and no referrer.

use axum::{
    http::{HeaderName, HeaderValue, header},
    response::{IntoResponse, Response},
};

/// `body` as `content_type`, cached as `cache_control` says, under `policy`.
pub(super) fn respond(
    content_type: HeaderValue,
    cache_control: HeaderValue,
    policy: HeaderValue,
    body: &'static [u8],
) -> Response {
    let headers: [(HeaderName, HeaderValue); 6] = [
        (header::CONTENT_TYPE, content_type),
        (header::CACHE_CONTROL, cache_control),
        (header::CONTENT_SECURITY_POLICY, policy),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ),
    ];
    (headers, body).into_response()
}
