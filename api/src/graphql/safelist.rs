//! Runs only registered documents in `safelist` mode, on every transport: the check sits
//! in the schema, so websocket subscriptions meet it as HTTP requests do (the HTTP
//! handler also checks before its response cache; the second check is a cache hit).

use std::sync::Arc;

use async_graphql::{
    Request, ServerError, ServerResult,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest},
};

use crate::{auth::Viewer, operations::Safelist};

/// The extension factory installed on the schema.
pub(super) struct SafelistGuard(pub(super) Safelist);

impl ExtensionFactory for SafelistGuard {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Self(self.0.clone()))
    }
}

#[async_trait::async_trait]
impl Extension for SafelistGuard {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        // the request's viewer (HTTP), else the websocket session's; none is anonymous
        let viewer = request
            .data
            .get(&std::any::TypeId::of::<Viewer>())
            .and_then(|viewer| viewer.downcast_ref::<Viewer>())
            .or_else(|| ctx.data_opt::<Viewer>())
            .unwrap_or(&Viewer::Anonymous);
        if let Err(error) = self.0.permit(viewer, &request.query).await {
            // the error-code extension reads the ApiError back from the source
            let mut refused = ServerError::new(error.to_string(), None);
            refused.source = Some(Arc::new(error));
            return Err(refused);
        }
        next.run(ctx, request).await
    }
}
