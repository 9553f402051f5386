//! What a response contains, for the surrogate keys that let an edge cache purge it.
//!
//! The HTTP endpoint gives a request that may be shared a [`Contained`] (request data);
//! each `Product.id` and `Location.id` the response shows is noted in it, so a store's
//! menu names every product it lists (`product:<id>`) and every location it shows
//! (`location:<id>`), not only what the request named. A product shown without its `id`
//! is not named (the listing's `catalog` key still covers it); every storefront that
//! keys its lists selects the id. More than [`MOST`] names and the response names none:
//! its broad keys (`catalog`, `locations`) stand for them and the header stays small.

use std::{
    collections::BTreeSet,
    sync::{Mutex, PoisonError},
};

use async_graphql::Context;
use uuid::Uuid;

use crate::cache::tags;

/// Products and locations named beyond which a response names none of them.
pub const MOST: usize = 100;

/// The products and locations one response shows.
#[derive(Default)]
pub struct Contained(Mutex<Ids>);

#[derive(Default)]
struct Ids {
    products: BTreeSet<Uuid>,
    locations: BTreeSet<Uuid>,
}

impl Contained {
    /// `product:<id>` and `location:<id>` for what the response showed, space-separated
    /// (as surrogate-key headers and the response cache keep them); none beyond [`MOST`].
    pub fn keys(&self) -> String {
        let ids = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if ids.products.len() + ids.locations.len() > MOST {
            return String::new();
        }
        let keys: Vec<String> = ids
            .products
            .iter()
            .map(|id| tags::product(*id))
            .chain(ids.locations.iter().map(|id| tags::location(*id)))
            .collect();
        keys.join(" ")
    }

    fn note(&self, id: Uuid, kind: fn(&mut Ids) -> &mut BTreeSet<Uuid>) {
        let mut ids = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        kind(&mut ids).insert(id);
    }
}

/// Notes that the response of `ctx`'s request shows product `id`, when it is recorded.
pub fn product(ctx: &Context<'_>, id: Uuid) {
    if let Some(contained) = ctx.data_opt::<std::sync::Arc<Contained>>() {
        contained.note(id, |ids| &mut ids.products);
    }
}

/// Notes that the response of `ctx`'s request shows location `id`, when it is recorded.
pub fn location(ctx: &Context<'_>, id: Uuid) {
    if let Some(contained) = ctx.data_opt::<std::sync::Arc<Contained>>() {
        contained.note(id, |ids| &mut ids.locations);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn products_and_locations_become_keys_up_to_a_bound() {
        let contained = Contained::default();
        let (product, location) = (Uuid::from_u128(1), Uuid::from_u128(2));
        contained.note(product, |ids| &mut ids.products);
        contained.note(product, |ids| &mut ids.products);
        contained.note(location, |ids| &mut ids.locations);
        assert_eq!(
            contained.keys(),
            format!("{} {}", tags::product(product), tags::location(location))
        );
        for n in 0..MOST {
            contained.note(Uuid::from_u128(10 + n as u128), |ids| &mut ids.products);
        }
        assert!(contained.keys().is_empty());
    }
}
