//! The schema's first extension: before async-graphql validates (or expands) anything,
//! refuses documents that nest too deeply, would execute too many selections, use too
//! many aliases or pass too many `_entities` representations. Runs for every caller of
//! the schema: HTTP, websockets and tests alike.

use std::{any::TypeId, sync::Arc};

use async_graphql::{
    Request, ServerError, ServerResult, Variables,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest},
};

use super::{
    cost::{TooTall, measure},
    nesting::{NestingChecked, check_nesting},
};
use crate::config::Limits;

/// The extension factory installed on the schema.
#[derive(Clone, Copy)]
pub(in crate::graphql) struct DocumentGuard {
    max_nesting: usize,
    max_selections: usize,
    max_aliases: usize,
    max_entities: usize,
}

impl DocumentGuard {
    /// The guard of `limits`: the selection count is held to the complexity limit.
    pub(in crate::graphql) const fn new(limits: &Limits) -> Self {
        Self {
            max_nesting: limits.max_nesting,
            max_selections: limits.max_complexity,
            max_aliases: limits.max_aliases,
            max_entities: limits.max_entities,
        }
    }

    /// Checks `request`, leaving its document parsed (so it is not parsed again).
    fn check(&self, request: &mut Request) -> ServerResult<()> {
        if !request.data.contains_key(&TypeId::of::<NestingChecked>()) {
            check_nesting(&request.query, self.max_nesting).map_err(refuse)?;
        }
        // Taken out for the check (`parsed_query` borrows the whole request), not cloned.
        let variables = std::mem::take(&mut request.variables);
        let checked = self.check_document(request, &variables);
        request.variables = variables;
        checked
    }

    /// The cost checks of [`Self::check`] on the parsed document.
    fn check_document(&self, request: &mut Request, variables: &Variables) -> ServerResult<()> {
        let document = request.parsed_query()?;
        let too_deep = || {
            format!(
                "selection sets nest deeper than {} levels (fragment spreads included)",
                self.max_nesting
            )
        };
        let cost =
            measure(document, variables, self.max_nesting).map_err(|TooTall| refuse(too_deep()))?;
        if cost.height > self.max_nesting {
            return Err(refuse(too_deep()));
        }
        if cost.representations > self.max_entities {
            return Err(refuse(format!(
                "`_entities` takes at most {} representations per request",
                self.max_entities
            )));
        }
        if cost.selections > self.max_selections {
            return Err(refuse(format!(
                "the query would execute more than {} selections (fields and directives, \
                 with fragments and `_entities` representations counted in full)",
                self.max_selections
            )));
        }
        if cost.aliases > self.max_aliases {
            return Err(refuse(format!(
                "the query uses more than {} aliases",
                self.max_aliases
            )));
        }
        Ok(())
    }
}

fn refuse(message: impl ToString) -> ServerError {
    ServerError::new(message.to_string(), None)
}

impl ExtensionFactory for DocumentGuard {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(*self)
    }
}

#[async_trait::async_trait]
impl Extension for DocumentGuard {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        self.check(&mut request)?;
        next.run(ctx, request).await
    }
}
