//! The purge request as configured: method, URL, headers and body, each a template in
//! which `{keys}` stands for the purged keys (percent-encoded in the URL).

use reqwest::{Client, Method, RequestBuilder, header::HeaderName};
use url::Url;

use super::EdgeError;
use crate::config::EdgeConfig;

/// Where `{keys}` goes.
const PLACEHOLDER: &str = "{keys}";

/// A purge request to fill with keys.
#[derive(Debug)]
pub(super) struct PurgeTemplate {
    method: Method,
    url: String,
    headers: Vec<(HeaderName, String)>,
    body: Option<String>,
    separator: String,
}

impl PurgeTemplate {
    /// The template `config` describes, `None` without a purge URL; checked here so a
    /// mistake stops the start-up rather than every purge.
    pub(super) fn from_config(config: &EdgeConfig) -> Result<Option<Self>, EdgeError> {
        let Some(url) = &config.purge_url else {
            return Ok(None);
        };
        let method = Method::from_bytes(config.purge_method.trim().as_bytes())
            .map_err(|_| EdgeError::Config("CANOPY_PURGE_METHOD is not an HTTP method"))?;
        let headers = match &config.purge_headers {
            Some(headers) => parse_headers(headers.expose())?,
            None => Vec::new(),
        };
        let template = Self {
            method,
            url: url.expose().trim().to_owned(),
            headers,
            body: config.purge_body.clone(),
            separator: config.purge_key_separator.clone(),
        };
        template.url(&["catalog".to_owned()])?;
        Ok(Some(template))
    }

    /// The purge request of `keys`.
    pub(super) fn request(
        &self,
        client: &Client,
        keys: &[String],
    ) -> Result<RequestBuilder, EdgeError> {
        let joined = keys.join(&self.separator);
        let mut request = client.request(self.method.clone(), self.url(keys)?);
        for (name, value) in &self.headers {
            request = request.header(name, value.replace(PLACEHOLDER, &joined));
        }
        if let Some(body) = &self.body {
            request = request.body(body.replace(PLACEHOLDER, &joined));
        }
        Ok(request)
    }

    fn url(&self, keys: &[String]) -> Result<Url, EdgeError> {
        // `byte_serialize` writes a space as `+`, which a path would read literally
        let encoded: String =
            url::form_urlencoded::byte_serialize(keys.join(&self.separator).as_bytes())
                .collect::<String>()
                .replace('+', "%20");
        Url::parse(&self.url.replace(PLACEHOLDER, &encoded))
            .map_err(|_| EdgeError::Config("CANOPY_PURGE_URL is not a URL"))
    }
}

/// `Name: value; Name: value`.
fn parse_headers(text: &str) -> Result<Vec<(HeaderName, String)>, EdgeError> {
    text.split(';')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            let (name, value) = entry.split_once(':').ok_or(EdgeError::Config(
                "CANOPY_PURGE_HEADERS entries are `Name: value`",
            ))?;
            let name = HeaderName::from_bytes(name.trim().as_bytes())
                .map_err(|_| EdgeError::Config("CANOPY_PURGE_HEADERS names an invalid header"))?;
            Ok((name, value.trim().to_owned()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;

    fn config(url: &str) -> EdgeConfig {
        EdgeConfig {
            purge_url: url.parse::<Secret>().ok(),
            ..EdgeConfig::default()
        }
    }

    fn keys() -> Vec<String> {
        vec!["stock-at:1".to_owned(), "catalog".to_owned()]
    }

    fn built(template: &PurgeTemplate) -> reqwest::Request {
        let request = template.request(&Client::new(), &keys());
        request
            .and_then(|request| {
                request
                    .build()
                    .map_err(|_| EdgeError::Config("unbuildable"))
            })
            .unwrap_or_else(|error| panic!("{error}"))
    }

    #[test]
    fn no_url_no_purge() {
        assert!(matches!(
            PurgeTemplate::from_config(&EdgeConfig::default()),
            Ok(None)
        ));
    }

    #[test]
    fn varnish_purge_with_a_header() {
        let mut config = config("http://127.0.0.1:6081/");
        config.purge_method = "PURGE".to_owned();
        config.purge_headers = "Surrogate-Key: {keys}".parse().ok();
        let template = PurgeTemplate::from_config(&config).ok().flatten();
        let request = built(template.as_ref().unwrap_or_else(|| panic!("a template")));
        assert_eq!(request.method().as_str(), "PURGE");
        assert_eq!(
            request
                .headers()
                .get("surrogate-key")
                .and_then(|v| v.to_str().ok()),
            Some("stock-at:1 catalog")
        );
        assert!(request.body().is_none());
    }

    #[test]
    fn cloudflare_tags_in_a_json_body() {
        let mut config = config("https://api.example/zones/z/purge_cache");
        config.purge_headers = "Authorization: Bearer t; Content-Type: application/json"
            .parse()
            .ok();
        config.purge_body = Some(r#"{"tags":["{keys}"]}"#.to_owned());
        config.purge_key_separator = "\",\"".to_owned();
        let template = PurgeTemplate::from_config(&config).ok().flatten();
        let request = built(template.as_ref().unwrap_or_else(|| panic!("a template")));
        let body = request
            .body()
            .and_then(reqwest::Body::as_bytes)
            .unwrap_or_default();
        let json: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
        assert_eq!(
            json,
            serde_json::json!({ "tags": ["stock-at:1", "catalog"] })
        );
        assert_eq!(request.headers().len(), 2);
    }

    #[test]
    fn keys_in_the_url_are_encoded() {
        let template = PurgeTemplate::from_config(&config("http://edge/purge/{keys}"))
            .ok()
            .flatten();
        let request = built(template.as_ref().unwrap_or_else(|| panic!("a template")));
        assert_eq!(request.url().path(), "/purge/stock-at%3A1%20catalog");
    }

    #[test]
    fn mistakes_stop_the_start() {
        let mut bad_method = config("http://edge/");
        bad_method.purge_method = "NO METHOD".to_owned();
        assert!(PurgeTemplate::from_config(&bad_method).is_err());
        assert!(PurgeTemplate::from_config(&config("not a url")).is_err());
        let mut bad_header = config("http://edge/");
        bad_header.purge_headers = "no colon".parse().ok();
        assert!(PurgeTemplate::from_config(&bad_header).is_err());
    }
}
