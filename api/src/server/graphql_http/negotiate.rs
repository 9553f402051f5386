//! Content negotiation: which JSON flavour the client reads, whether it is a browser, and
//! whether it sent JSON.

use axum::http::{HeaderMap, header};

/// The media types a GraphQL response can be written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ResponseMedia {
    /// `application/graphql-response+json`: request errors get 4xx statuses.
    GraphqlResponseJson,
    /// `application/json`: the legacy type, always 200 for well-formed requests.
    Json,
}

impl ResponseMedia {
    /// The `Content-Type` header value.
    pub(super) const fn content_type(self) -> &'static str {
        match self {
            Self::GraphqlResponseJson => "application/graphql-response+json; charset=utf-8",
            Self::Json => "application/json; charset=utf-8",
        }
    }
}

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

/// One entry of an `Accept` header: a media range and its weight.
struct MediaRange<'a> {
    range: &'a str,
    quality: f32,
}

fn media_ranges(headers: &HeaderMap) -> Vec<MediaRange<'_>> {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|entry| {
            let mut parts = entry.split(';').map(str::trim);
            let range = parts.next().filter(|range| !range.is_empty())?;
            let quality = parts
                .filter_map(|param| param.strip_prefix("q="))
                .find_map(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            Some(MediaRange { range, quality })
        })
        .collect()
}

/// The highest weight the ranges give `media` (`type/subtype`), 0 when none matches.
fn quality_of(ranges: &[MediaRange<'_>], media: &str) -> f32 {
    let main_type = media.split('/').next().unwrap_or_default();
    ranges
        .iter()
        .filter(|entry| {
            entry.range.eq_ignore_ascii_case(media)
                || entry.range == "*/*"
                || entry
                    .range
                    .strip_suffix("/*")
                    .is_some_and(|range_type| range_type.eq_ignore_ascii_case(main_type))
        })
        .map(|entry| entry.quality)
        .fold(0.0, f32::max)
}

/// The response media type for the request's `Accept` header: none means
/// `application/json` (as the specification says for legacy clients); `None` when the
/// client accepts neither JSON flavour.
pub(super) fn negotiate(headers: &HeaderMap) -> Option<ResponseMedia> {
    let ranges = media_ranges(headers);
    if ranges.is_empty() {
        return Some(ResponseMedia::Json);
    }
    let graphql = quality_of(&ranges, GRAPHQL_RESPONSE_JSON);
    let json = quality_of(&ranges, JSON);
    if graphql <= 0.0 && json <= 0.0 {
        None
    } else if graphql >= json {
        Some(ResponseMedia::GraphqlResponseJson)
    } else {
        Some(ResponseMedia::Json)
    }
}

/// Whether the client names `text/html` explicitly: a browser opening the endpoint.
pub(super) fn wants_html(headers: &HeaderMap) -> bool {
    media_ranges(headers)
        .iter()
        .any(|entry| entry.range.eq_ignore_ascii_case("text/html") && entry.quality > 0.0)
}

/// Whether the request body is declared as `application/json`.
pub(super) fn is_json_content(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case(JSON))
}
