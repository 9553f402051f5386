//! Refuses text containing NUL characters anywhere in a request (query literals or
//! variables): no store keeps them (PostgreSQL rejects them outright), so they are
//! refused up front as `BAD_USER_INPUT` instead of failing deep inside a resolver.

use std::sync::Arc;

use async_graphql::{
    ServerError, ServerResult, Value, Variables,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery},
    parser::types::ExecutableDocument,
};

/// The extension factory installed on the schema.
pub(super) struct NoNulBytes;

impl ExtensionFactory for NoNulBytes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Self)
    }
}

#[async_trait::async_trait]
impl Extension for NoNulBytes {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        // In the document, NUL can only be written as the escape `\u0000`.
        let in_query = query.contains('\0') || query.contains("\\u0000");
        if in_query || variables.values().any(has_nul) {
            return Err(ServerError::new(
                "text inputs must not contain NUL characters",
                None,
            ));
        }
        next.run(ctx, query, variables).await
    }
}

fn has_nul(value: &Value) -> bool {
    match value {
        Value::String(text) => text.contains('\0'),
        Value::List(items) => items.iter().any(has_nul),
        Value::Object(fields) => fields
            .iter()
            .any(|(name, value)| name.contains('\0') || has_nul(value)),
        _ => false,
    }
}
