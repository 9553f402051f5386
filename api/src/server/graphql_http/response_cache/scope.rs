//! Which tags a cached response depends on, read from the request before it executes.
//!
//! Every public response depends on the catalog and the locations (rare changes, one tag
//! each). Stock changes all the time, so a response depends only on the stock it can show:
//! - a field with a `locationId` argument (`products(locationId:)`, `Product.stock(locationId:)`)
//!   depends on the stock at that location ([`tags::stock_at`]): a sale at another store
//!   leaves it cached;
//! - `Product.stock` without a location, inside `product(id:)`, depends on that product's
//!   stock everywhere ([`tags::product_stock`]);
//! - any other `stock` selection (a listing's stock at every store) depends on all stock
//!   ([`tags::STOCK`]);
//! - a response that selects no stock depends on none.
//!
//! The analysis reads the parsed document and the request's variables; anything it cannot
//! pin down (an unparsable document, a variable that is not an id) falls back to
//! [`tags::STOCK`]. Versions are read before execution, as for any tagged key, so a change
//! committed while the response is computed orphans it.

use std::{
    collections::{BTreeSet, HashSet},
    sync::OnceLock,
};

use async_graphql::{
    Positioned, Request, Value,
    parser::{
        parse_query,
        types::{ExecutableDocument, Field, Selection, SelectionSet},
    },
};
use uuid::Uuid;

use crate::cache::tags;

/// Scoped stock tags beyond which a response simply depends on all stock.
const MOST_SCOPES: usize = 8;

/// What one request's document shows, read once (on first use) for the response cache's
/// dependencies and the edge's surrogate keys alike; a request nobody asks about is
/// never parsed here.
pub struct Scope<'a> {
    request: &'a Request,
    found: OnceLock<Found>,
}

impl<'a> Scope<'a> {
    /// The scope of `request`, not read yet.
    pub fn new(request: &'a Request) -> Self {
        Self {
            request,
            found: OnceLock::new(),
        }
    }

    /// The request it reads.
    pub(super) const fn request(&self) -> &'a Request {
        self.request
    }

    fn found(&self) -> &Found {
        self.found.get_or_init(|| analyse(self.request))
    }

    /// The tags a public response to the request depends on.
    pub(super) fn dependencies(&self) -> Vec<String> {
        self.found().dependencies()
    }

    /// The surrogate keys of a public response to the request: the tags it depends on,
    /// plus `product:<id>` and `location:<id>` for the products and locations it names by
    /// id, as many as [`MOST_NAMED`] (beyond, the broad `catalog` and `locations` it
    /// always carries stand for them).
    pub fn surrogate_keys(&self) -> Vec<String> {
        let found = self.found();
        let mut keys = found.dependencies();
        if found.named.len() <= MOST_NAMED {
            keys.extend(found.named.iter().cloned());
        }
        keys
    }
}

/// Ids named beyond which a response's surrogate keys keep only the broad ones.
const MOST_NAMED: usize = 32;

fn analyse(request: &Request) -> Found {
    let mut found = Found::default();
    match parse_query(&request.query) {
        Ok(document) => {
            let walk = Walk {
                document: &document,
                request,
            };
            for (_, operation) in document.operations.iter() {
                walk.selections(&operation.node.selection_set, None, &mut found, 0);
            }
        }
        Err(_) => found.everywhere = true,
    }
    found
}

/// The stock a document can show.
#[derive(Default)]
struct Found {
    /// Tags of the stock it shows at one location or of one product.
    scoped: BTreeSet<String>,
    /// It shows stock not pinned to either: it depends on all stock.
    everywhere: bool,
    /// Fragments already walked, with the product they were walked for: walking one
    /// again adds nothing, and a fragment spread many times over (a "fragment bomb")
    /// must not multiply the walk.
    walked: HashSet<(String, Option<Uuid>)>,
    /// Products and locations named by id (`product(id:)`, `location(id:)`, `locationId`).
    named: BTreeSet<String>,
}

impl Found {
    fn dependencies(&self) -> Vec<String> {
        let mut tags = vec![tags::CATALOG.to_owned(), tags::LOCATIONS.to_owned()];
        if self.everywhere || self.scoped.len() > MOST_SCOPES {
            tags.push(tags::STOCK.to_owned());
        } else {
            tags.extend(self.scoped.iter().cloned());
        }
        tags
    }
}

/// A walk over one request's document.
struct Walk<'a> {
    document: &'a ExecutableDocument,
    request: &'a Request,
}

/// Deeper than this, a document's fragments are taken to loop (validation refuses them
/// anyway; the walk must still end).
const DEEPEST: usize = 64;

impl Walk<'_> {
    /// Visits `set`, inside the subtree of `product(id:)` for `product` when given.
    fn selections(
        &self,
        set: &Positioned<SelectionSet>,
        product: Option<Uuid>,
        found: &mut Found,
        depth: usize,
    ) {
        if depth > DEEPEST {
            found.everywhere = true;
            return;
        }
        for selection in &set.node.items {
            match &selection.node {
                Selection::Field(field) => self.field(&field.node, product, found, depth),
                Selection::InlineFragment(fragment) => {
                    self.selections(&fragment.node.selection_set, product, found, depth + 1);
                }
                Selection::FragmentSpread(spread) => {
                    let name = &spread.node.fragment_name.node;
                    if !found.walked.insert((name.to_string(), product)) {
                        continue;
                    }
                    match self.document.fragments.get(name) {
                        Some(fragment) => {
                            self.selections(
                                &fragment.node.selection_set,
                                product,
                                found,
                                depth + 1,
                            );
                        }
                        None => found.everywhere = true,
                    }
                }
            }
        }
    }

    fn field(&self, field: &Field, product: Option<Uuid>, found: &mut Found, depth: usize) {
        let name = field.name.node.as_str();
        let location = self.id_argument(field, "locationId");
        match (name, location) {
            (_, Some(Ok(location))) => {
                found.scoped.insert(tags::stock_at(location));
                found.named.insert(tags::location(location));
            }
            (_, Some(Err(()))) => found.everywhere = true,
            ("stock", None) => match product {
                Some(product) => {
                    found.scoped.insert(tags::product_stock(product));
                }
                None => found.everywhere = true,
            },
            _ => {}
        }
        if let ("location", Some(Ok(location))) = (name, self.id_argument(field, "id")) {
            found.named.insert(tags::location(location));
        }
        // inside `product(id:)` every product is that one; a listing holds many
        let product = match name {
            "product" => {
                let product = self.id_argument(field, "id").and_then(Result::ok);
                found.named.extend(product.map(tags::product));
                product
            }
            "products" | "_entities" => None,
            _ => product,
        };
        self.selections(&field.selection_set, product, found, depth + 1);
    }

    /// The id given as argument `name` of `field`: `None` when absent (or null), `Err`
    /// when it is not an id the walk can read.
    fn id_argument(&self, field: &Field, name: &str) -> Option<Result<Uuid, ()>> {
        let value = field
            .get_argument(name)?
            .node
            .clone()
            .into_const_with(|variable| {
                Ok::<_, std::convert::Infallible>(
                    self.request
                        .variables
                        .get(&variable)
                        .cloned()
                        .unwrap_or(Value::Null),
                )
            })
            .unwrap_or(Value::Null);
        match value {
            Value::Null => None,
            Value::String(text) => Some(Uuid::try_parse(&text).map_err(|_| ())),
            _ => Some(Err(())),
        }
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::Variables;
    use serde_json::json;

    use super::*;

    const L: &str = "0190f0e0-0000-7000-8000-000000000001";
    const P: &str = "0190f0e0-0000-7000-8000-000000000002";

    fn stock_tags(request: &Request) -> Vec<String> {
        Scope::new(request)
            .dependencies()
            .into_iter()
            .filter(|tag| tag != tags::CATALOG && tag != tags::LOCATIONS)
            .collect()
    }

    fn uuid(text: &str) -> Uuid {
        Uuid::parse_str(text).unwrap_or_default()
    }

    #[test]
    fn a_store_menu_depends_on_that_store_only() {
        let query = "query($l: ID) { products(locationId: $l, first: 20) { edges { node { name stock(locationId: $l) { available } } } } }";
        let request = Request::new(query).variables(Variables::from_json(json!({ "l": L })));
        assert_eq!(stock_tags(&request), [tags::stock_at(uuid(L))]);
    }

    #[test]
    fn a_product_page_depends_on_that_product() {
        let request = Request::new(format!(
            "{{ product(id: \"{P}\") {{ name stock {{ available location {{ name }} }} }} }}"
        ));
        assert_eq!(stock_tags(&request), [tags::product_stock(uuid(P))]);
    }

    #[test]
    fn stock_of_many_products_everywhere_depends_on_all_stock() {
        let request =
            Request::new("{ products(first: 5) { edges { node { stock { available } } } } }");
        assert_eq!(stock_tags(&request), [tags::STOCK]);
        // also through a fragment
        let request = Request::new(
            "{ products(first: 5) { edges { node { ...S } } } } fragment S on Product { stock { available } }",
        );
        assert_eq!(stock_tags(&request), [tags::STOCK]);
    }

    #[test]
    fn no_stock_selected_depends_on_no_stock() {
        let request = Request::new("{ products(first: 5) { edges { node { name } } } }");
        assert!(stock_tags(&request).is_empty());
    }

    #[test]
    fn a_fragment_spread_many_times_is_walked_once() {
        // each fragment spreads the next twice: 2^40 paths, 40 fragments
        let mut query = String::from("{ products(first: 1) { edges { node { ...F0 } } } }");
        for n in 0..40 {
            query.push_str(&format!(
                " fragment F{n} on Product {{ ...F{} ...F{} }}",
                n + 1,
                n + 1
            ));
        }
        query.push_str(" fragment F40 on Product { stock { available } }");
        assert_eq!(stock_tags(&Request::new(query)), [tags::STOCK]);
    }

    #[test]
    fn surrogate_keys_name_the_products_and_locations_asked_for() {
        let request = Request::new(format!(
            "{{ product(id: \"{P}\") {{ name stock(locationId: \"{L}\") {{ available }} }} }}"
        ));
        let keys = Scope::new(&request).surrogate_keys();
        for key in [
            tags::CATALOG.to_owned(),
            tags::LOCATIONS.to_owned(),
            tags::product(uuid(P)),
            tags::location(uuid(L)),
            tags::stock_at(uuid(L)),
        ] {
            assert!(keys.contains(&key), "{key} missing from {keys:?}");
        }
        assert!(!keys.contains(&tags::STOCK.to_owned()));
    }

    #[test]
    fn surrogate_keys_of_many_named_products_are_broad() {
        let ids: Vec<String> = (0..=MOST_NAMED)
            .map(|n| {
                format!(
                    "p{n}: product(id: \"{}\") {{ name }}",
                    Uuid::from_u128(n as u128 + 1)
                )
            })
            .collect();
        let request = Request::new(format!("{{ {} }}", ids.join(" ")));
        let keys = Scope::new(&request).surrogate_keys();
        assert_eq!(keys, [tags::CATALOG, tags::LOCATIONS]);
    }

    #[test]
    fn what_cannot_be_read_depends_on_all_stock() {
        let bad_id = Request::new("{ products(locationId: \"not-an-id\") { totalCount } }");
        assert_eq!(stock_tags(&bad_id), [tags::STOCK]);
        let unparsable = Request::new("{ products(");
        assert_eq!(stock_tags(&unparsable), [tags::STOCK]);
    }
}
