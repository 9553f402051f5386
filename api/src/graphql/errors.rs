//! Gives every GraphQL error an `extensions.code` and hides internal causes.
//!
//! Resolvers return `Result<_, ApiError>`; async-graphql turns the error into a
//! `ServerError` that keeps the `ApiError` as its source. This extension reads it back
//! and writes the code and details. Errors raised by async-graphql itself (parse,
//! validation, limits, input coercion) carry no source and are the client's:
//! `BAD_USER_INPUT`. Any other source is a foreign error leaked with `?`: it is logged
//! and shown as `INTERNAL` with a generic message. The errors are then bounded in number
//! and size by [`super::error_size`].

use std::sync::Arc;

use async_graphql::{
    Response, ServerError,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextRequest, NextSubscribe},
};
use futures::{StreamExt, stream::BoxStream};

use super::error_size;
use crate::error::{ApiError, ErrorCode};

/// The extension factory installed on the schema.
pub(super) struct ErrorCodes;

impl ExtensionFactory for ErrorCodes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ErrorCodes)
    }
}

#[async_trait::async_trait]
impl Extension for ErrorCodes {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut response = next.run(ctx).await;
        finish(&mut response.errors);
        response
    }

    fn subscribe<'s>(
        &self,
        ctx: &ExtensionContext<'_>,
        stream: BoxStream<'s, Response>,
        next: NextSubscribe<'_>,
    ) -> BoxStream<'s, Response> {
        next.run(ctx, stream)
            .map(|mut response| {
                finish(&mut response.errors);
                response
            })
            .boxed()
    }
}

/// Caps the number of `errors`, classifies each and cuts its long lines.
fn finish(errors: &mut Vec<ServerError>) {
    error_size::cap(errors);
    for error in errors {
        classify(error);
        error_size::cut(error);
    }
}

/// Sets the code (and a safe message) of one error that has none yet.
fn classify(error: &mut ServerError) {
    let has_code = error
        .extensions
        .as_ref()
        .is_some_and(|extensions| extensions.get("code").is_some());
    if has_code {
        return;
    }
    let source = error.source.clone();
    if let Some(api_error) = source
        .as_deref()
        .and_then(|source| source.downcast_ref::<ApiError>())
    {
        api_error.log();
        let message = api_error.to_string();
        api_error.write_extensions(error.extensions.get_or_insert_with(Default::default));
        error.message = message;
        return;
    }
    let code = if error.source.is_some() {
        tracing::error!(error = %error.message, path = ?error.path, "resolver error without an ApiError");
        error.message = "internal server error".to_owned();
        ErrorCode::Internal
    } else {
        ErrorCode::BadUserInput
    };
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", code.as_str());
}
