//! How an HTTP outcome maps onto [`ProviderErrorKind`]: statuses, transport
//! errors, `Retry-After` and `X-RateLimit-Remaining` headers, and which
//! failures are worth another attempt.

use std::error::Error as StdError;
use std::time::Duration;

use chrono::{DateTime, Utc};
use http::{HeaderMap, StatusCode};

use crate::error::ProviderErrorKind;

/// How much of an error body is kept in an error message.
const EXCERPT_CHARS: usize = 200;

/// Maps a non-success status (and its body) onto an error kind; `None` for 2xx.
pub fn status_error(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> Option<ProviderErrorKind> {
    if status.is_success() {
        return None;
    }
    let excerpt = || excerpt(body);
    Some(match status {
        StatusCode::UNAUTHORIZED => ProviderErrorKind::Unauthorized,
        StatusCode::FORBIDDEN => ProviderErrorKind::Forbidden(excerpt()),
        StatusCode::NOT_FOUND => ProviderErrorKind::NotFound(excerpt()),
        StatusCode::REQUEST_TIMEOUT => ProviderErrorKind::Timeout,
        StatusCode::TOO_MANY_REQUESTS => ProviderErrorKind::RateLimited {
            retry_after: retry_after(headers, Utc::now()),
        },
        s if s.is_server_error() => ProviderErrorKind::Unavailable(format!("{s}: {}", excerpt())),
        s => ProviderErrorKind::Rejected(format!("{s}: {}", excerpt())),
    })
}

/// Maps a transport failure (connect, timeout, reset, truncated body) onto an error kind.
pub fn transport_error(err: &reqwest::Error) -> ProviderErrorKind {
    if err.is_timeout() {
        ProviderErrorKind::Timeout
    } else if err.is_builder() {
        ProviderErrorKind::Config(describe(err))
    } else {
        ProviderErrorKind::Unavailable(describe(err))
    }
}

/// Whether another attempt of the same call could succeed.
pub fn is_retryable(kind: &ProviderErrorKind) -> bool {
    matches!(
        kind,
        ProviderErrorKind::Unavailable(_)
            | ProviderErrorKind::Timeout
            | ProviderErrorKind::RateLimited { .. }
    )
}

/// Whether a failed call counts against the circuit breaker: the POS did not answer usefully.
pub fn is_breaker_failure(kind: &ProviderErrorKind) -> bool {
    matches!(
        kind,
        ProviderErrorKind::Unavailable(_) | ProviderErrorKind::Timeout
    )
}

/// A short name for traces and metrics.
pub fn outcome(kind: &ProviderErrorKind) -> &'static str {
    match kind {
        ProviderErrorKind::Unauthorized => "unauthorized",
        ProviderErrorKind::Forbidden(_) => "forbidden",
        ProviderErrorKind::NotFound(_) => "not_found",
        ProviderErrorKind::Rejected(_) => "rejected",
        ProviderErrorKind::RateLimited { .. } => "rate_limited",
        ProviderErrorKind::Unavailable(_) => "unavailable",
        ProviderErrorKind::Timeout => "timeout",
        ProviderErrorKind::CircuitOpen { .. } => "circuit_open",
        ProviderErrorKind::Malformed(_) => "malformed",
        ProviderErrorKind::Config(_) => "config",
        ProviderErrorKind::Unsupported(_) => "unsupported",
        ProviderErrorKind::WebhookRejected(_) => "webhook_rejected",
    }
}

/// `Retry-After` as delta-seconds or an HTTP date (relative to `now`).
pub fn retry_after(headers: &HeaderMap, now: DateTime<Utc>) -> Option<Duration> {
    let value = headers
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = DateTime::parse_from_rfc2822(value)
        .ok()?
        .with_timezone(&Utc);
    Some((at - now).to_std().unwrap_or(Duration::ZERO))
}

/// `X-RateLimit-Remaining`, when the vendor sends it.
pub fn rate_limit_remaining(headers: &HeaderMap) -> Option<u32> {
    headers
        .get("x-ratelimit-remaining")?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// The start of a body as text, for error messages.
pub fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    match text.char_indices().nth(EXCERPT_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// An error and its causes, without the request URL (query strings may carry ids).
fn describe(err: &reqwest::Error) -> String {
    let mut text = String::from(if err.is_connect() {
        "connection failed"
    } else if err.is_body() || err.is_decode() {
        "connection lost while reading the body"
    } else {
        "request failed"
    });
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use http::HeaderValue;

    fn headers(name: &'static str, value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(name, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = DateTime::parse_from_rfc3339("2015-10-21T07:28:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            retry_after(&headers("retry-after", "7"), now),
            Some(Duration::from_secs(7))
        );
        let date = headers("retry-after", "Wed, 21 Oct 2015 07:28:30 GMT");
        assert_eq!(retry_after(&date, now), Some(Duration::from_secs(30)));
        assert_eq!(retry_after(&headers("retry-after", "soon"), now), None);
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn statuses_map_to_kinds() {
        let h = HeaderMap::new();
        assert_eq!(status_error(StatusCode::OK, &h, b""), None);
        assert_eq!(
            status_error(StatusCode::UNAUTHORIZED, &h, b""),
            Some(ProviderErrorKind::Unauthorized)
        );
        assert_eq!(
            status_error(StatusCode::FORBIDDEN, &h, b" missing role "),
            Some(ProviderErrorKind::Forbidden("missing role".into()))
        );
        assert!(matches!(
            status_error(StatusCode::BAD_GATEWAY, &h, b""),
            Some(ProviderErrorKind::Unavailable(_))
        ));
        assert!(matches!(
            status_error(StatusCode::CONFLICT, &h, b""),
            Some(ProviderErrorKind::Rejected(_))
        ));
    }

    #[test]
    fn excerpts_are_bounded() {
        let long = "é".repeat(500);
        assert_eq!(excerpt(long.as_bytes()).chars().count(), EXCERPT_CHARS + 1);
    }

    #[test]
    fn remaining_is_read() {
        assert_eq!(
            rate_limit_remaining(&headers("x-ratelimit-remaining", "42")),
            Some(42)
        );
        assert_eq!(
            rate_limit_remaining(&headers("x-ratelimit-remaining", "x")),
            None
        );
    }
}
