//! Reading a GraphQL request from a JSON body or URL parameters, strictly.

use async_graphql::{Extensions, Request, Value, Variables, parser::types::OperationType};
use serde::Deserialize;
use serde_json::Map;

use super::persisted;
use crate::{error::ApiError, graphql::error_size::cut_lines};

/// A JSON request body: these four members and no others.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Body {
    query: Option<String>,
    operation_name: Option<String>,
    variables: Option<Map<String, serde_json::Value>>,
    extensions: Option<Map<String, serde_json::Value>>,
}

/// `GET` parameters; `variables` and `extensions` are JSON-encoded. Other parameters
/// (cache busters) are ignored, as the specification allows.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(in crate::server) struct GetParams {
    pub(super) query: Option<String>,
    operation_name: Option<String>,
    variables: Option<String>,
    extensions: Option<String>,
}

impl GetParams {
    /// The request the parameters describe.
    pub(super) fn into_request(self) -> Result<Request, ApiError> {
        let variables = self
            .variables
            .map(|text| decode_object("variables", &text))
            .transpose()?;
        let extensions = self
            .extensions
            .map(|text| decode_object("extensions", &text))
            .transpose()?;
        build(self.query, self.operation_name, variables, extensions)
    }
}

/// The request in a JSON body.
pub(super) fn from_json(body: &[u8]) -> Result<Request, ApiError> {
    let body: Body = serde_json::from_slice(body).map_err(|error| {
        // serde quotes unknown member names, which can be of any length.
        ApiError::bad_input(cut_lines(&format!("malformed request body: {error}")))
    })?;
    build(
        body.query,
        body.operation_name,
        body.variables,
        body.extensions,
    )
}

/// The type of the operation the request would run, when its document parses. The parsed
/// document stays in the request, so executing it does not parse it again.
pub(super) fn operation_type(request: &mut Request) -> Option<OperationType> {
    let wanted = request.operation_name.clone();
    let document = request.parsed_query().ok()?;
    document
        .operations
        .iter()
        .find(|(name, _)| match &wanted {
            Some(wanted) => name.is_some_and(|name| name.as_str() == wanted),
            None => true,
        })
        .map(|(_, operation)| operation.node.ty)
}

fn decode_object(parameter: &str, text: &str) -> Result<Map<String, serde_json::Value>, ApiError> {
    serde_json::from_str(text)
        .map_err(|_| ApiError::bad_field(parameter, format!("`{parameter}` must be a JSON object")))
}

fn build(
    query: Option<String>,
    operation_name: Option<String>,
    variables: Option<Map<String, serde_json::Value>>,
    extensions: Option<Map<String, serde_json::Value>>,
) -> Result<Request, ApiError> {
    let query = match query.filter(|query| !query.trim().is_empty()) {
        Some(query) => query,
        // the document is named by its hash ([`super::persisted`])
        None if persisted::is_referenced(extensions.as_ref()) => String::new(),
        None => return Err(ApiError::bad_field("query", "the request has no `query`")),
    };
    let mut request = Request::new(query);
    if let Some(name) = operation_name {
        request = request.operation_name(name);
    }
    if let Some(variables) = variables {
        request = request.variables(Variables::from_json(serde_json::Value::Object(variables)));
    }
    if let Some(extensions) = extensions {
        let mut values = Extensions::default();
        for (key, value) in extensions {
            let value = Value::from_json(value)
                .map_err(|_| ApiError::bad_field("extensions", "invalid extension value"))?;
            values.0.insert(key, value);
        }
        request.extensions = values;
    }
    Ok(request)
}
