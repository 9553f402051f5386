//! Runs only registered documents in `safelist` mode, on every transport: the check sits
//! in the schema, so websocket subscriptions meet it as HTTP requests do. The HTTP handler
//! checks before its response cache and marks the request [`SafelistChecked`], so the
//! schema does not check it again.

use std::{any::TypeId, sync::Arc};

use async_graphql::{
    Request, ServerError, ServerResult,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest},
};

use crate::{auth::Viewer, operations::Safelist};

/// Request data marking a request whose document already passed the safelist (the HTTP
/// handler checks before its response cache), so the schema's guard does not check it
/// again.
#[derive(Clone, Copy, Debug)]
pub struct SafelistChecked;

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
        if request.data.contains_key(&TypeId::of::<SafelistChecked>()) {
            return next.run(ctx, request).await;
        }
        // the request's viewer (HTTP), else the websocket session's; none is anonymous
        let viewer = request
            .data
            .get(&TypeId::of::<Viewer>())
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
