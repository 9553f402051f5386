//! Validation of admin input: each rule answers `BAD_USER_INPUT` naming the field
//! (`extensions.field`), and no message ever repeats a secret or a rejected URL.

use std::{net::IpAddr, ops::RangeInclusive, time::Duration};

use secrecy::SecretString;
use serde_json::Value;
use url::{Host, Url};

use crate::{audit::looks_secret, connections::WEBHOOK_SECRET_SETTING, error::ApiError};

/// Longest connection name, in characters.
pub const NAME_CHARS: RangeInclusive<usize> = 1..=100;
/// Length of an API key or secret, in characters: room for a private key in PEM (an
/// RSA-4096 key is some 3 300 characters).
pub const SECRET_CHARS: RangeInclusive<usize> = 1..=8192;
/// Allowed poll intervals, seconds.
pub const POLL_SECONDS: RangeInclusive<i32> = 5..=3600;
/// Allowed full reconciliation intervals, seconds.
pub const FULL_SYNC_SECONDS: RangeInclusive<i32> = 60..=86_400;
/// Largest settings object, in bytes of JSON.
pub const SETTINGS_BYTES: usize = 16 * 1024;

/// A name: trimmed, 1 to 100 characters, no control characters.
pub fn name(field: &str, value: &str) -> Result<String, ApiError> {
    let trimmed = value.trim();
    if !NAME_CHARS.contains(&trimmed.chars().count()) {
        return Err(ApiError::bad_field(
            field,
            format!("`{field}` must be 1 to {} characters", NAME_CHARS.end()),
        ));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(ApiError::bad_field(
            field,
            format!("`{field}` must not contain control characters"),
        ));
    }
    Ok(trimmed.to_owned())
}

/// A POS base URL: `https` with a host, or `http` to a loopback host (any host when
/// `allow_plain_http`); never with credentials, a query or a fragment.
pub fn base_url(field: &str, value: &str, allow_plain_http: bool) -> Result<Url, ApiError> {
    let bad = |why: &str| ApiError::bad_field(field, format!("`{field}` {why}"));
    let url = Url::parse(value.trim()).map_err(|_| bad("is not an absolute URL"))?;
    let host = url.host().ok_or_else(|| bad("must name a host"))?;
    match url.scheme() {
        "https" => {}
        "http" if allow_plain_http || is_loopback(&host) => {}
        "http" => {
            return Err(bad(
                "must use https (plain http is allowed for loopback hosts only)",
            ));
        }
        _ => return Err(bad("must be an http(s) URL")),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(
            "must not carry credentials; use `apiKey` and `apiSecret`",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("must not have a query or a fragment"));
    }
    Ok(url)
}

fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(domain) => domain.eq_ignore_ascii_case("localhost"),
        Host::Ipv4(ip) => IpAddr::V4(*ip).is_loopback(),
        Host::Ipv6(ip) => IpAddr::V6(*ip).is_loopback(),
    }
}

/// A required secret: 1 to 8192 characters, no surrounding spaces and no control
/// characters but the line breaks inside a multi-line secret (a key in PEM).
pub fn secret(field: &str, value: String) -> Result<SecretString, ApiError> {
    let count = value.chars().count();
    if !SECRET_CHARS.contains(&count) {
        return Err(ApiError::bad_field(
            field,
            format!("`{field}` must be 1 to {} characters", SECRET_CHARS.end()),
        ));
    }
    let line_break = |c: char| c == '\n' || c == '\r';
    if value.chars().any(|c| c.is_control() && !line_break(c)) || value.trim().len() != value.len()
    {
        return Err(ApiError::bad_field(
            field,
            format!("`{field}` must not contain control characters or surrounding spaces"),
        ));
    }
    Ok(SecretString::from(value))
}

/// An optional secret: `None` and the empty string are no secret.
pub fn optional_secret(
    field: &str,
    value: Option<String>,
) -> Result<Option<SecretString>, ApiError> {
    value
        .filter(|value| !value.is_empty())
        .map(|value| secret(field, value))
        .transpose()
}

/// Vendor settings: a JSON object of at most 16 KiB with no secret-looking keys (secrets
/// go in the write-only fields, where they are sealed).
pub fn settings(field: &str, value: Value) -> Result<Value, ApiError> {
    let Value::Object(object) = &value else {
        return Err(ApiError::bad_field(
            field,
            format!("`{field}` must be a JSON object"),
        ));
    };
    if !serde_json::to_vec(&value).is_ok_and(|bytes| bytes.len() <= SETTINGS_BYTES) {
        return Err(ApiError::bad_field(
            field,
            format!("`{field}` must be at most {SETTINGS_BYTES} bytes of JSON"),
        ));
    }
    if let Some(key) = object.keys().find(|key| looks_secret(key)) {
        let hint = if key == WEBHOOK_SECRET_SETTING {
            "use `webhookSecret`".to_owned()
        } else {
            "secrets belong in `apiKey`, `apiSecret` or `webhookSecret`".to_owned()
        };
        return Err(ApiError::bad_field(
            field,
            format!("`{field}` must not contain secrets ({hint})"),
        ));
    }
    Ok(value)
}

/// An interval in seconds within `range`.
pub fn interval(
    field: &str,
    seconds: i32,
    range: &RangeInclusive<i32>,
) -> Result<Duration, ApiError> {
    if !range.contains(&seconds) {
        return Err(ApiError::bad_field(
            field,
            format!(
                "`{field}` must be between {} and {} seconds",
                range.start(),
                range.end()
            ),
        ));
    }
    Ok(Duration::from_secs(u64::from(seconds.unsigned_abs())))
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;
    use crate::error::ErrorCode;

    fn field_of(error: &ApiError) -> Option<&str> {
        match error {
            ApiError::BadUserInput { field, .. } => field.as_deref(),
            _ => None,
        }
    }

    #[test]
    fn base_urls() {
        assert!(base_url("baseUrl", "https://api.pos.example/v1", false).is_ok());
        assert!(base_url("baseUrl", "http://127.0.0.1:8080", false).is_ok());
        assert!(base_url("baseUrl", "http://localhost:1", false).is_ok());
        assert!(base_url("baseUrl", "http://[::1]:1", false).is_ok());
        assert!(base_url("baseUrl", "http://pos.example", true).is_ok());
        for bad in [
            "http://pos.example",
            "ftp://pos.example",
            "javascript:alert(1)",
            "file:///etc/passwd",
            "https://user:pw@pos.example",
            "https://pos.example/?key=1",
            "not a url",
            "",
        ] {
            let error = base_url("input.baseUrl", bad, false).err();
            assert_eq!(
                error.as_ref().map(ApiError::code),
                Some(ErrorCode::BadUserInput),
                "{bad}"
            );
            assert_eq!(error.as_ref().and_then(field_of), Some("input.baseUrl"));
            assert!(
                !error
                    .map(|e| e.to_string())
                    .unwrap_or_default()
                    .contains("pw@")
            );
        }
    }

    #[test]
    fn names_secrets_and_intervals() {
        assert_eq!(name("name", "  Uptown  ").ok().as_deref(), Some("Uptown"));
        assert!(name("name", "   ").is_err());
        assert!(name("name", &"x".repeat(101)).is_err());
        assert!(name("name", "a\u{0}b").is_err());
        assert!(secret("apiKey", String::new()).is_err());
        assert!(secret("apiKey", "x".repeat(SECRET_CHARS.end() + 1)).is_err());
        let pem = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----";
        assert!(secret("apiKey", pem.to_owned()).is_ok());
        assert!(
            secret("apiKey", format!("{pem}\n")).is_err(),
            "no surrounding space"
        );
        assert!(secret("apiKey", "tab\tin-key".to_owned()).is_err());
        assert!(secret("apiKey", " padded".to_owned()).is_err());
        let error = secret("apiKey", "line\tbreak-secret-value".to_owned()).err();
        assert!(
            !error
                .map(|e| e.to_string())
                .unwrap_or_default()
                .contains("secret-value")
        );
        let kept = optional_secret("apiSecret", Some("s3cr3t".to_owned()))
            .ok()
            .flatten();
        assert_eq!(
            kept.map(|s| s.expose_secret().to_owned()).as_deref(),
            Some("s3cr3t")
        );
        assert!(optional_secret("apiSecret", Some(String::new())).is_ok_and(|s| s.is_none()));
        assert!(interval("poll", 4, &POLL_SECONDS).is_err());
        assert_eq!(
            interval("poll", 5, &POLL_SECONDS).ok(),
            Some(Duration::from_secs(5))
        );
        assert!(interval("full", 86_401, &FULL_SYNC_SECONDS).is_err());
    }

    #[test]
    fn settings_are_objects_without_secrets() {
        assert!(settings("settings", serde_json::json!({"venue_id": "1"})).is_ok());
        assert!(settings("settings", serde_json::json!([1])).is_err());
        assert!(settings("settings", serde_json::json!({"webhook_secret": "x"})).is_err());
        assert!(settings("settings", serde_json::json!({"clientSecret": "x"})).is_err());
        let big = serde_json::json!({ "notes": "x".repeat(SETTINGS_BYTES) });
        assert!(settings("settings", big).is_err());
    }
}
