//! The identity of a GraphQL request in the response cache.

use std::collections::BTreeMap;

use async_graphql::Request;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};

use super::normalize::normalize;

/// Prefix of every response cache key, apart from other users of the cache.
const PREFIX: &str = "gql-response:";

/// The key of a request before tag versions are appended: a SHA-256 over its normalised
/// query, operation name, variables and extensions, each length-prefixed so no two
/// requests share an encoding. `None` when a part cannot be encoded (such a request is not
/// cached).
pub(super) fn request_key(request: &Request) -> Option<String> {
    let variables = serde_json::to_vec(&request.variables).ok()?;
    // Extensions live in a hash map: sort them so equal requests hash alike.
    let extensions: BTreeMap<_, _> = request.extensions.0.iter().collect();
    let extensions = serde_json::to_vec(&extensions).ok()?;
    let query = normalize(&request.query);
    let operation = request.operation_name.as_deref().unwrap_or_default();
    let mut hasher = Sha256::new();
    for part in [
        query.as_bytes(),
        operation.as_bytes(),
        &variables,
        &extensions,
    ] {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part);
    }
    let mut key = String::with_capacity(PREFIX.len() + 43);
    key.push_str(PREFIX);
    URL_SAFE_NO_PAD.encode_string(hasher.finalize(), &mut key);
    Some(key)
}

#[cfg(test)]
mod tests {
    use async_graphql::{Request, Variables};
    use serde_json::json;

    use super::request_key;

    #[test]
    fn layout_does_not_change_the_key() {
        let a = Request::new("{ products(first: 5) { totalCount } }");
        let b = Request::new("{products(first:5){totalCount}}");
        assert_eq!(request_key(&a), request_key(&b));
        assert!(request_key(&a).is_some());
    }

    #[test]
    fn variables_and_operation_name_change_the_key() {
        let query = "query P($n: Int) { products(first: $n) { totalCount } }";
        let five = Request::new(query).variables(Variables::from_json(json!({ "n": 5 })));
        let six = Request::new(query).variables(Variables::from_json(json!({ "n": 6 })));
        let named = Request::new(query)
            .variables(Variables::from_json(json!({ "n": 5 })))
            .operation_name("P");
        assert_ne!(request_key(&five), request_key(&six));
        assert_ne!(request_key(&five), request_key(&named));
    }
}
