//! Refuses documents with more field aliases than configured (alias floods).

use std::{
    collections::{HashMap, HashSet},
    sync::Arc,
};

use async_graphql::{
    Name, Positioned, ServerError, ServerResult, Variables,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery},
    parser::types::{ExecutableDocument, FragmentDefinition, Selection, SelectionSet},
};

/// The extension factory installed on the schema.
pub(super) struct AliasLimit {
    max: usize,
}

impl AliasLimit {
    /// Allows at most `max` aliases per document, counting each fragment spread in full.
    pub(super) const fn new(max: usize) -> Self {
        Self { max }
    }
}

impl ExtensionFactory for AliasLimit {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Self { max: self.max })
    }
}

#[async_trait::async_trait]
impl Extension for AliasLimit {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        if count_aliases(&document) > self.max {
            return Err(ServerError::new(
                format!("the query uses more than {} aliases", self.max),
                None,
            ));
        }
        Ok(document)
    }
}

/// Aliases in every operation, with fragments expanded where they are spread.
fn count_aliases(document: &ExecutableDocument) -> usize {
    let mut counter = Counter {
        fragments: &document.fragments,
        expanded: HashMap::new(),
        expanding: HashSet::new(),
    };
    document
        .operations
        .iter()
        .map(|(_, operation)| counter.selection_set(&operation.node.selection_set.node))
        .fold(0, usize::saturating_add)
}

struct Counter<'a> {
    fragments: &'a HashMap<Name, Positioned<FragmentDefinition>>,
    /// Alias count of each fragment once expanded (so fragment bombs cost linear time).
    expanded: HashMap<&'a str, usize>,
    /// Fragments being expanded, to stop on cycles (which validation rejects later).
    expanding: HashSet<&'a str>,
}

impl<'a> Counter<'a> {
    fn selection_set(&mut self, set: &'a SelectionSet) -> usize {
        set.items
            .iter()
            .map(|item| match &item.node {
                Selection::Field(field) => usize::from(field.node.alias.is_some())
                    .saturating_add(self.selection_set(&field.node.selection_set.node)),
                Selection::InlineFragment(fragment) => {
                    self.selection_set(&fragment.node.selection_set.node)
                }
                Selection::FragmentSpread(spread) => self.fragment(&spread.node.fragment_name.node),
            })
            .fold(0, usize::saturating_add)
    }

    fn fragment(&mut self, name: &'a str) -> usize {
        if let Some(count) = self.expanded.get(name) {
            return *count;
        }
        if !self.expanding.insert(name) {
            return 0;
        }
        let count = self.fragments.get(name).map_or(0, |fragment| {
            self.selection_set(&fragment.node.selection_set.node)
        });
        self.expanding.remove(name);
        self.expanded.insert(name, count);
        count
    }
}
