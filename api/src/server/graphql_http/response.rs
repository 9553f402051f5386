//! Writing GraphQL responses and request errors with the negotiated media type and the
//! `Cache-Control` header HTTP caches go by; shareable responses carry a strong `ETag`
//! and answer a matching `If-None-Match` with 304.

use async_graphql::ServerError;
use axum::{
    body::Body,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use bytes::Bytes;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::negotiate::ResponseMedia;
use crate::error::ApiError;

/// What HTTP caches (browsers, CDNs) may do with a response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum HttpCaching {
    /// Any cache may keep it for `max_age` seconds: a public query sent with GET.
    Public {
        /// Seconds it stays fresh.
        max_age: u32,
    },
    /// No cache may keep it.
    Private,
}

impl HttpCaching {
    /// Writes `Cache-Control` (and, for shared responses, `Vary`) into `headers`.
    fn apply(self, headers: &mut HeaderMap) {
        match self {
            Self::Public { max_age } => {
                if let Ok(value) = HeaderValue::from_str(&format!("public, max-age={max_age}")) {
                    headers.insert(header::CACHE_CONTROL, value);
                }
                // The body's media type follows `Accept`; a token holder may see more.
                headers.insert(
                    header::VARY,
                    HeaderValue::from_static("accept, authorization"),
                );
            }
            Self::Private => {
                headers.insert(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("private, no-store"),
                );
            }
        }
    }
}

/// The body of a request error: `errors` only, no `data` entry.
#[derive(Serialize)]
struct RequestErrors<'a> {
    errors: &'a [ServerError],
}

/// An executed request's response, serialised once (the bytes can go to the response cache
/// and to the client alike).
pub(super) struct Rendered {
    request_error: bool,
    body: Bytes,
    headers: HeaderMap,
}

impl Rendered {
    /// Serialises `response`. A request error (nothing executed: parse, validation,
    /// limits) is written without a `data` entry.
    pub(super) fn new(response: async_graphql::Response) -> Result<Self, ApiError> {
        let request_error = response.data == async_graphql::Value::Null
            && !response.errors.is_empty()
            && response.errors.iter().all(|error| error.path.is_empty());
        let body = if request_error {
            serde_json::to_vec(&RequestErrors {
                errors: &response.errors,
            })
        } else {
            serde_json::to_vec(&response)
        }
        .map_err(ApiError::internal)?;
        let mut headers = response.http_headers;
        if let Some(wait) = retry_after(&response.errors) {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(wait));
        }
        Ok(Self {
            request_error,
            body: Bytes::from(body),
            headers,
        })
    }

    /// The serialised JSON body.
    pub(super) const fn body(&self) -> &Bytes {
        &self.body
    }

    /// The HTTP response; as `application/graphql-response+json`, a request error is 400.
    pub(super) fn into_response(self, media: ResponseMedia, caching: HttpCaching) -> Response {
        let status = match media {
            ResponseMedia::GraphqlResponseJson if self.request_error => StatusCode::BAD_REQUEST,
            _ => StatusCode::OK,
        };
        let mut response = json_response(media, status, self.body, caching);
        response.headers_mut().extend(self.headers);
        response
    }
}

/// The longest `retryAfter` among `errors` (a database outage, a rate limit), in seconds:
/// a client that may retry the whole request learns when from `Retry-After`.
fn retry_after(errors: &[ServerError]) -> Option<u64> {
    errors
        .iter()
        .filter_map(|error| error.extensions.as_ref()?.get("retryAfter"))
        .filter_map(|value| match value {
            async_graphql::Value::Number(seconds) => seconds.as_u64(),
            _ => None,
        })
        .max()
}

/// `response` with a strong `ETag` (the SHA-256 of `body`), or 304 Not Modified when
/// `if_none_match` names it: a browser or edge cache revalidating a menu it holds gets
/// no body when nothing changed.
pub(super) fn with_validator(
    mut response: Response,
    body: &Bytes,
    if_none_match: Option<&HeaderValue>,
) -> Response {
    let tag = format!("\"{}\"", URL_SAFE_NO_PAD.encode(Sha256::digest(body)));
    let Ok(value) = HeaderValue::from_str(&tag) else {
        return response;
    };
    let named = if_none_match
        .and_then(|header| header.to_str().ok())
        .is_some_and(|header| {
            header
                .split(',')
                .map(str::trim)
                .any(|candidate| candidate == "*" || candidate.trim_start_matches("W/") == tag)
        });
    if named {
        let mut not_modified = StatusCode::NOT_MODIFIED.into_response();
        for name in [header::CACHE_CONTROL, header::VARY] {
            if let Some(value) = response.headers().get(&name) {
                not_modified.headers_mut().insert(name, value.clone());
            }
        }
        not_modified.headers_mut().insert(header::ETAG, value);
        return not_modified;
    }
    response.headers_mut().insert(header::ETAG, value);
    response
}

/// A successful response body from the response cache.
pub(super) fn cached_response(media: ResponseMedia, body: Bytes, caching: HttpCaching) -> Response {
    json_response(media, StatusCode::OK, body, caching)
}

/// A request that ends before execution, as `{"errors":[…]}` with `status`.
pub(super) fn error_response(
    media: ResponseMedia,
    status: StatusCode,
    error: &ApiError,
) -> Response {
    error.log();
    let body = serde_json::json!({ "errors": [error.to_graphql_error()] });
    let mut response = json_response(
        media,
        status,
        Bytes::from(body.to_string()),
        HttpCaching::Private,
    );
    if status == StatusCode::UNAUTHORIZED {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    if let Some(wait) = error.retry_after() {
        response.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from(wait.as_secs().max(1)),
        );
    }
    response
}

fn json_response(
    media: ResponseMedia,
    status: StatusCode,
    body: Bytes,
    caching: HttpCaching,
) -> Response {
    let mut response = (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static(media.content_type()),
        )],
        Body::from(body),
    )
        .into_response();
    caching.apply(response.headers_mut());
    response
}
