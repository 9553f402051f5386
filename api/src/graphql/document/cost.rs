//! The cost of a document before anything expands it: the selections (fields and
//! directives) its operations would execute, its aliases, its `_entities`
//! representations and how deep its selection sets nest through fragment spreads.
//!
//! Each fragment is counted once and memoised, so a fragment bomb (`F_i` spreading
//! `F_{i-1}` twice) costs time linear in the document where async-graphql's validation
//! (`check_recursive_depth`, complexity, depth) expands it exponentially. Sums saturate;
//! cycles count nothing (validation refuses them); recursion stops past the nesting
//! limit, so fragment chains cannot overflow the stack either.

use std::{
    collections::{HashMap, HashSet},
    convert::Infallible,
};

use async_graphql::{
    Name, Positioned, Value, Variables,
    parser::types::{ExecutableDocument, Field, FragmentDefinition, Selection, SelectionSet},
};

/// The federation field whose selection runs once per representation.
const ENTITIES: &str = "_entities";

/// What a document would cost to execute.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Cost {
    /// Fields and directives, with fragments counted where they are spread and the
    /// selection of `_entities` once per representation.
    pub(super) selections: usize,
    /// Aliased fields.
    pub(super) aliases: usize,
    /// Representations passed to `_entities`.
    pub(super) representations: usize,
    /// Selection sets nested in one another, through fragment spreads.
    pub(super) height: usize,
}

impl Cost {
    fn plus(self, other: Self) -> Self {
        Self {
            selections: self.selections.saturating_add(other.selections),
            aliases: self.aliases.saturating_add(other.aliases),
            representations: self.representations.saturating_add(other.representations),
            height: self.height.max(other.height),
        }
    }

    fn plus_selections(self, count: usize) -> Self {
        Self {
            selections: self.selections.saturating_add(count),
            ..self
        }
    }
}

/// Selection sets nest deeper than the limit (through fragment spreads).
#[derive(Debug, PartialEq, Eq)]
pub(super) struct TooTall;

/// The cost of every operation in `document` plus that of every fragment no operation
/// spreads (validation walks those too). Fails as soon as selection sets nest more than
/// `max_height` levels deep.
pub(super) fn measure(
    document: &ExecutableDocument,
    variables: &Variables,
    max_height: usize,
) -> Result<Cost, TooTall> {
    let mut counter = Counter {
        fragments: &document.fragments,
        variables,
        defaults: defaults(document),
        max_height,
        counted: HashMap::new(),
        counting: HashSet::new(),
    };
    let mut total = Cost::default();
    for (_, operation) in document.operations.iter() {
        let operation = &operation.node;
        let own = counter
            .selection_set(&operation.selection_set.node, 1)?
            .plus_selections(operation.directives.len());
        total = total.plus(own);
    }
    for name in document.fragments.keys() {
        if !counter.counted.contains_key(name.as_str()) {
            total = total.plus(counter.fragment(name, 1)?);
        }
    }
    Ok(total)
}

/// The default value of each variable, by name (the longest list when several
/// operations define the same name).
fn defaults(document: &ExecutableDocument) -> HashMap<&str, &Value> {
    let mut defaults: HashMap<&str, &Value> = HashMap::new();
    for (_, operation) in document.operations.iter() {
        for definition in &operation.node.variable_definitions {
            if let Some(default) = &definition.node.default_value {
                let entry = defaults
                    .entry(definition.node.name.node.as_str())
                    .or_insert(&default.node);
                if list_length(&default.node) > list_length(entry) {
                    *entry = &default.node;
                }
            }
        }
    }
    defaults
}

/// How many items a value coerces to when a list is expected.
const fn list_length(value: &Value) -> usize {
    match value {
        Value::List(items) => items.len(),
        Value::Null => 0,
        _ => 1,
    }
}

struct Counter<'a> {
    fragments: &'a HashMap<Name, Positioned<FragmentDefinition>>,
    variables: &'a Variables,
    defaults: HashMap<&'a str, &'a Value>,
    max_height: usize,
    /// Cost of each fragment already counted (so fragment bombs cost linear time).
    counted: HashMap<&'a str, Cost>,
    /// Fragments being counted, to stop on cycles.
    counting: HashSet<&'a str>,
}

impl<'a> Counter<'a> {
    /// The cost of `set`, the `level`-th selection set from the top.
    fn selection_set(&mut self, set: &'a SelectionSet, level: usize) -> Result<Cost, TooTall> {
        if level > self.max_height {
            return Err(TooTall);
        }
        let mut total = Cost::default();
        for item in &set.items {
            let cost = match &item.node {
                Selection::Field(field) => self.field(&field.node, level)?,
                Selection::InlineFragment(fragment) => self
                    .selection_set(&fragment.node.selection_set.node, level + 1)?
                    .plus_selections(fragment.node.directives.len()),
                Selection::FragmentSpread(spread) => self
                    .fragment(&spread.node.fragment_name.node, level + 1)?
                    .plus_selections(spread.node.directives.len()),
            };
            total = total.plus(cost);
        }
        total.height += 1;
        Ok(total)
    }

    fn field(&mut self, field: &'a Field, level: usize) -> Result<Cost, TooTall> {
        let set = &field.selection_set.node;
        let mut cost = if set.items.is_empty() {
            Cost::default()
        } else {
            self.selection_set(set, level + 1)?
        };
        if field.name.node == ENTITIES {
            let representations = self.representations(field);
            cost.selections = cost.selections.saturating_mul(representations.max(1));
            cost.representations = cost.representations.saturating_add(representations);
        }
        cost.aliases += usize::from(field.alias.is_some());
        Ok(cost.plus_selections(1_usize.saturating_add(field.directives.len())))
    }

    /// The representations an `_entities` field receives, from its literal list or the
    /// variable (or the variable's default) it names.
    fn representations(&self, field: &Field) -> usize {
        let Some((_, value)) = field
            .arguments
            .iter()
            .find(|(name, _)| name.node == "representations")
        else {
            return 0;
        };
        // The argument's value with its variables substituted (the parser's `Value` type
        // is not re-exported by async-graphql, so it is resolved rather than matched).
        let resolved = value.node.clone().into_const_with(|name| {
            let value = self
                .variables
                .get(&name)
                .or_else(|| self.defaults.get(name.as_str()).copied());
            Ok::<_, Infallible>(value.cloned().unwrap_or(Value::Null))
        });
        resolved.map_or(0, |value| list_length(&value))
    }

    fn fragment(&mut self, name: &'a str, level: usize) -> Result<Cost, TooTall> {
        if let Some(cost) = self.counted.get(name) {
            return Ok(*cost);
        }
        let Some(fragment) = self.fragments.get(name) else {
            return Ok(Cost::default());
        };
        if !self.counting.insert(name) {
            return Ok(Cost::default());
        }
        let cost = self.selection_set(&fragment.node.selection_set.node, level);
        self.counting.remove(name);
        let cost = cost?.plus_selections(fragment.node.directives.len());
        self.counted.insert(name, cost);
        Ok(cost)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::fmt::Write as _;

    use async_graphql::{Variables, parser::parse_query};
    use serde_json::json;

    use super::{Cost, TooTall, measure};

    fn cost(query: &str, variables: serde_json::Value) -> Result<Cost, TooTall> {
        let document = parse_query(query).unwrap();
        measure(&document, &Variables::from_json(variables), 64)
    }

    #[test]
    fn fields_directives_aliases_and_height_are_counted() {
        let cost = cost("{ a: b @include(if: true) c { d } }", json!({})).unwrap();
        assert_eq!(
            cost,
            Cost {
                selections: 4,
                aliases: 1,
                representations: 0,
                height: 2
            }
        );
    }

    #[test]
    fn fragment_bombs_saturate_without_expanding() {
        // Each fragment spreads the previous one 16 times: 16^20 = 2^80 fields.
        let mut query = "{ ...F_20 } fragment F_0 on Query { a }".to_owned();
        for i in 1..=20 {
            let spreads = format!("...F_{} ", i - 1).repeat(16);
            write!(query, " fragment F_{i} on Query {{ {spreads} }}").unwrap();
        }
        assert_eq!(cost(&query, json!({})).unwrap().selections, usize::MAX);
    }

    #[test]
    fn fragment_chains_stop_past_the_height_limit_and_cycles_count_nothing() {
        let mut chain = "{ ...F_0 }".to_owned();
        for i in 0..1_000 {
            write!(
                chain,
                " fragment F_{i} on Query {{ a {{ ...F_{} }} }}",
                i + 1
            )
            .unwrap();
        }
        assert_eq!(cost(&chain, json!({})), Err(TooTall));
        let cycle = "{ ...A } fragment A on Query { a ...B } fragment B on Query { b ...A }";
        assert_eq!(cost(cycle, json!({})).unwrap().selections, 2);
    }

    #[test]
    fn unused_fragments_are_counted() {
        let query = "{ a } fragment F on Query { b c }";
        assert_eq!(cost(query, json!({})).unwrap().selections, 3);
    }

    #[test]
    fn entities_count_their_selection_once_per_representation() {
        let literal =
            r#"{ _entities(representations: [{a: 1}, {a: 2}, {a: 3}]) { ... on P { x y } } }"#;
        let by_literal = cost(literal, json!({})).unwrap();
        assert_eq!((by_literal.selections, by_literal.representations), (7, 3));

        let variable = "query($r: [_Any!]!) { _entities(representations: $r) { ... on P { x } } }";
        let by_variable = cost(variable, json!({ "r": vec![json!({}); 500] })).unwrap();
        assert_eq!(
            (by_variable.selections, by_variable.representations),
            (501, 500)
        );

        let default = "query($r: [_Any!]! = [{}, {}]) { _entities(representations: $r) { x } }";
        assert_eq!(cost(default, json!({})).unwrap().representations, 2);
    }
}
