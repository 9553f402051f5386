//! The products a bench changes, linked between the POS and Canopy by their name and
//! on-hand count (unique pairs only), since Canopy's API shows no POS ids.

use std::collections::HashMap;

use providers::simulator::SimStore;
use serde_json::{Value, json};

use crate::canopy::{Api, Connection};

const PRODUCTS: &str = "query($location: ID!, $after: String) { products(locationId: $location, first: 100, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id name stock(locationId: $location) { onHand } } } } }";
/// Fewest units a product needs on hand to take part.
const MIN_ON_HAND: i64 = 10;

/// One product taking part: the POS's id and Canopy's, and its count before the run.
#[derive(Clone)]
pub struct Shelf {
    pub external_id: String,
    pub product: String,
    pub on_hand: i64,
}

/// The products of `connection`'s location with enough stock whose (name, count)
/// pair is unique both at the POS and in Canopy: that pair links the POS's product
/// to Canopy's without any private id.
pub async fn shelves(api: &Api, connection: &Connection, store: &SimStore) -> Vec<Shelf> {
    let mut canopy: HashMap<(String, i64), Vec<String>> = HashMap::new();
    let mut after = Value::Null;
    loop {
        let data = api
            .gql(
                PRODUCTS,
                json!({"location": connection.location, "after": after}),
            )
            .await;
        let page = &data["products"];
        for edge in page["edges"].as_array().unwrap() {
            let node = &edge["node"];
            let on_hand = node["stock"][0]["onHand"].as_i64().unwrap_or(0);
            let key = (node["name"].as_str().unwrap().to_owned(), on_hand);
            canopy
                .entry(key)
                .or_default()
                .push(node["id"].as_str().unwrap().to_owned());
        }
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    let pos: Vec<((String, i64), String)> = store.read(|s| {
        s.stock
            .values()
            .filter_map(|entry| {
                let product = s.products.get(&entry.product_id)?;
                Some((
                    (product.name.clone(), entry.on_hand),
                    entry.product_id.clone(),
                ))
            })
            .collect()
    });
    let mut pos_count: HashMap<&(String, i64), usize> = HashMap::new();
    for (key, _) in &pos {
        *pos_count.entry(key).or_default() += 1;
    }
    let mut shelves: Vec<Shelf> = pos
        .iter()
        .filter(|(key, _)| key.1 >= MIN_ON_HAND && pos_count[key] == 1)
        .filter_map(
            |(key, external_id)| match canopy.get(key).map(Vec::as_slice) {
                Some([product]) => Some(Shelf {
                    external_id: external_id.clone(),
                    product: product.clone(),
                    on_hand: key.1,
                }),
                _ => None,
            },
        )
        .collect();
    shelves.sort_by(|a, b| a.external_id.cmp(&b.external_id));
    assert!(!shelves.is_empty(), "no product links the POS and Canopy");
    shelves
}
