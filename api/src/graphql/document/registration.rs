//! What a document must pass to be registered for the safelist: the limits every request
//! meets (size, nesting, then the schema's depth, cost and alias limits) and the schema's
//! validation, without executing anything; and the names of its operations.

use std::sync::Arc;

use async_graphql::{
    Request, Response, Value,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute},
    parser::{parse_query, types::DocumentOperations},
};

use super::check_nesting;
use crate::{config::Limits, error::ApiError, graphql::schema::builder};

/// The input field a refusal names.
const FIELD: &str = "document";

/// The names of `document`'s operations (anonymous ones left out) when it may be
/// registered under `limits`; `BAD_USER_INPUT` on `document` saying why not.
pub async fn check_registrable(limits: &Limits, document: &str) -> Result<Vec<String>, ApiError> {
    if document.len() > limits.max_body_bytes {
        return Err(ApiError::bad_field(FIELD, "the document is too large"));
    }
    check_nesting(document, limits.max_nesting)
        .map_err(|error| ApiError::bad_field(FIELD, error.to_string()))?;
    let parsed =
        parse_query(document).map_err(|error| ApiError::bad_field(FIELD, error.to_string()))?;
    let names: Vec<String> = match &parsed.operations {
        DocumentOperations::Single(_) => Vec::new(),
        DocumentOperations::Multiple(operations) => {
            operations.keys().map(ToString::to_string).collect()
        }
    };
    // validation covers the whole document; naming one operation keeps a document of
    // several from being refused for want of a name
    let mut request = Request::new(document);
    if let Some(first) = names.first() {
        request = request.operation_name(first);
    }
    let schema = builder(limits).extension(ValidateOnly).finish();
    let response = schema.execute(request).await;
    match response.errors.into_iter().next() {
        Some(error) => Err(ApiError::bad_field(FIELD, error.message)),
        None => Ok(names),
    }
}

/// Stops a request once it is validated: nothing resolves (the schema used carries no
/// state to resolve with anyway).
struct ValidateOnly;

impl ExtensionFactory for ValidateOnly {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Self)
    }
}

#[async_trait::async_trait]
impl Extension for ValidateOnly {
    async fn execute(
        &self,
        _ctx: &ExtensionContext<'_>,
        _operation_name: Option<&str>,
        _next: NextExecute<'_>,
    ) -> Response {
        Response::new(Value::Null)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::config::clap_defaults;

    fn limits() -> Limits {
        clap_defaults()
    }

    #[tokio::test]
    async fn a_valid_document_gives_its_operation_names() {
        let document = "query Menu($location: ID!) { products(locationId: $location) { nodes { id } } }\n\
                        subscription Stock { stockChanged { onHand } }";
        let mut names = check_registrable(&limits(), document).await.unwrap();
        names.sort();
        assert_eq!(names, ["Menu", "Stock"]);
        assert_eq!(
            check_registrable(&limits(), "{ apiVersion }")
                .await
                .unwrap(),
            Vec::<String>::new()
        );
    }

    #[tokio::test]
    async fn unknown_fields_syntax_and_deep_nesting_are_refused() {
        for document in [
            "{ noSuchField }",
            "query {",
            &format!(
                "{{ apiVersion(x: {}1{}) }}",
                "[".repeat(5000),
                "]".repeat(5000)
            ),
        ] {
            match check_registrable(&limits(), document).await {
                Err(ApiError::BadUserInput { field, .. }) => {
                    assert_eq!(field.as_deref(), Some(FIELD));
                }
                other => panic!("{document:.40}: {other:?}"),
            }
        }
    }
}
