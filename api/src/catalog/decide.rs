//! The matching decision for one new record, from the records already matched that share
//! a key with it: pure, so its rules are tested apart from the database.
//!
//! Rules, strongest first: the retailer's SKU, the barcode (GTIN), then brand + name +
//! net weight or volume + category. A rule matches only when
//! - the key names one record of the incoming connection (two of its own records with
//!   one SKU say nothing about which is which), and
//! - exactly one product carries the key, carries no record of the incoming connection
//!   (a POS's own products stay apart), and does not contradict the record: a product
//!   holds one barcode and one measure, so a different barcode or net weight on either
//!   side is a contradiction. A contradiction found through the SKU or the barcode (same
//!   SKU, different UPC; same UPC, different net weight) is reported as a conflict, and
//!   that product is out of the running for the weaker rules too.
//!
//! A record whose rules point to two different products (its SKU to one, its barcode
//! to another, kept apart because neither had the other's key) shows them to be one
//! item: when they agree with each other and share no connection, the weaker rule's
//! product is merged into the stronger's ([`Decision::bridges`]), so the grouping does
//! not depend on which store synced first.
//!
//! SKU and barcode matches are confirmed at once: both name a trade item. A name match
//! is merged as well (the storefront shows one product, the stores' stock side by side)
//! but listed as suggested: brand, name and size can coincide for two items (a strain
//! re-released under a new barcode), so an admin confirms it or splits it.

use std::collections::{BTreeMap, HashMap, HashSet};

use entities::enums::{MatchRule, MatchStatus};
use serde_json::{Value, json};
use uuid::Uuid;

use super::keys::MatchKeys;

/// A record already matched: a product's external ref with its keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Known {
    /// The product it belongs to.
    pub product_id: Uuid,
    /// Its connection.
    pub connection_id: Uuid,
    /// Its POS id.
    pub external_id: String,
    /// Its keys.
    pub keys: MatchKeys,
}

/// A match found.
#[derive(Clone, Debug, PartialEq)]
pub struct Matched {
    /// The product the record joins.
    pub product_id: Uuid,
    /// The rule that matched.
    pub rule: MatchRule,
    /// Confirmed (SKU, barcode) or suggested (name).
    pub status: MatchStatus,
    /// The values compared.
    pub evidence: Value,
}

/// Evidence that a record and a product are not one item.
#[derive(Clone, Debug, PartialEq)]
pub struct Conflict {
    /// The product the record contradicts.
    pub product_id: Uuid,
    /// The rule whose key they share.
    pub rule: MatchRule,
    /// The shared key and the values that differ.
    pub evidence: Value,
}

/// What to do with one new record.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Decision {
    /// The product it joins, if any (otherwise it becomes a product of its own).
    pub matched: Option<Matched>,
    /// The products it contradicts.
    pub conflicts: Vec<Conflict>,
    /// Products a weaker rule points to, other than the one matched, that the record
    /// shows to be the same item (see [`decide`]): merged into the matched one.
    pub bridges: Vec<Matched>,
}

/// The records of one connection's batch: how many carry each key, and their ids.
#[derive(Debug, Default)]
pub struct Batch<'a> {
    counts: HashMap<(MatchRule, &'a str), usize>,
    ids: HashSet<&'a str>,
}

impl<'a> Batch<'a> {
    /// The batch of `records` (POS id and keys).
    pub fn new(records: impl IntoIterator<Item = (&'a str, &'a MatchKeys)>) -> Self {
        let mut batch = Self::default();
        for (id, keys) in records {
            batch.ids.insert(id);
            for (rule, key) in rule_keys(keys) {
                *batch.counts.entry((rule, key)).or_default() += 1;
            }
        }
        batch
    }
}

/// The rules a record's keys can match by, strongest first.
fn rule_keys(keys: &MatchKeys) -> impl Iterator<Item = (MatchRule, &str)> {
    [
        (MatchRule::Sku, keys.sku.as_deref()),
        (MatchRule::Upc, keys.upc.as_deref()),
        (MatchRule::Name, keys.match_key.as_deref()),
    ]
    .into_iter()
    .filter_map(|(rule, key)| Some((rule, key?)))
}

/// The key of `keys` that `rule` compares.
fn key_of(keys: &MatchKeys, rule: MatchRule) -> Option<&str> {
    match rule {
        MatchRule::Sku => keys.sku.as_deref(),
        MatchRule::Upc => keys.upc.as_deref(),
        MatchRule::Name => keys.match_key.as_deref(),
        MatchRule::Admin => None,
    }
}

/// Decides where the new record `keys` of `connection` goes, given `known` (every
/// record of every product sharing a key with the batch) and its `batch`.
pub fn decide(connection: Uuid, keys: &MatchKeys, batch: &Batch<'_>, known: &[Known]) -> Decision {
    let mut products: BTreeMap<Uuid, Vec<&Known>> = BTreeMap::new();
    for record in known {
        products.entry(record.product_id).or_default().push(record);
    }
    let mut decision = Decision::default();
    let mut contradicted: HashSet<Uuid> = HashSet::new();
    for (rule, key) in rule_keys(keys) {
        let own = known
            .iter()
            .filter(|k| {
                k.connection_id == connection && !batch.ids.contains(k.external_id.as_str())
            })
            .filter(|k| key_of(&k.keys, rule) == Some(key))
            .count();
        let in_batch = batch.counts.get(&(rule, key)).copied().unwrap_or(0);
        if own + in_batch > 1 {
            continue;
        }
        let mut candidates = Vec::new();
        for (&product_id, records) in &products {
            let shares = records.iter().any(|k| key_of(&k.keys, rule) == Some(key));
            let foreign = records.iter().all(|k| k.connection_id != connection);
            if !shares || !foreign || contradicted.contains(&product_id) {
                continue;
            }
            match contradiction(keys, records, rule) {
                Some(evidence) if rule != MatchRule::Name => {
                    contradicted.insert(product_id);
                    decision.conflicts.push(Conflict {
                        product_id,
                        rule,
                        evidence,
                    });
                }
                Some(_) => {}
                None => candidates.push(product_id),
            }
        }
        let [product_id] = candidates[..] else {
            continue;
        };
        let found = Matched {
            product_id,
            rule,
            status: if rule == MatchRule::Name {
                MatchStatus::Suggested
            } else {
                MatchStatus::Confirmed
            },
            evidence: evidence(rule, key, keys, &products[&product_id]),
        };
        match &decision.matched {
            None => decision.matched = Some(found),
            Some(first) if first.product_id == product_id => {}
            Some(_) if decision.bridges.iter().any(|b| b.product_id == product_id) => {}
            Some(first) => {
                let joined: Vec<&Known> = products[&first.product_id]
                    .iter()
                    .chain(&products[&product_id])
                    .copied()
                    .collect();
                let apart = products[&first.product_id].iter().any(|a| {
                    products[&product_id]
                        .iter()
                        .any(|b| a.connection_id == b.connection_id)
                });
                if !apart && contradiction(keys, &joined, MatchRule::Admin).is_none() {
                    decision.bridges.push(found);
                }
            }
        }
    }
    decision
}

/// One key of a record.
type Field = fn(&MatchKeys) -> Option<&str>;

/// The values of `field` the product's records hold, sorted and distinct.
fn held<'k>(records: &[&'k Known], field: Field) -> Vec<&'k str> {
    let mut values: Vec<&str> = records.iter().filter_map(|k| field(&k.keys)).collect();
    values.sort_unstable();
    values.dedup();
    values
}

fn sku(keys: &MatchKeys) -> Option<&str> {
    keys.sku.as_deref()
}

fn upc(keys: &MatchKeys) -> Option<&str> {
    keys.upc.as_deref()
}

fn measure(keys: &MatchKeys) -> Option<&str> {
    keys.measure.as_deref()
}

/// Why the record `keys` cannot be the product of `records`: a different barcode, or,
/// unless the retailer's own SKU says they are one, a different measure. Different SKUs
/// are no contradiction (two POS number their items apart).
fn contradiction(keys: &MatchKeys, records: &[&Known], rule: MatchRule) -> Option<Value> {
    let fields: &[(&str, Field)] = match rule {
        MatchRule::Sku => &[("upc", upc)],
        _ => &[("upc", upc), ("measure", measure)],
    };
    for &(name, field) in fields {
        let Some(own) = field(keys) else { continue };
        let theirs = held(records, field);
        if !theirs.is_empty() && !theirs.contains(&own) || theirs.len() > 1 {
            return Some(json!({
                "rule": rule_name(rule),
                "key": key_of(keys, rule),
                "differs": name,
                "record": own,
                "product": theirs,
            }));
        }
    }
    None
}

/// What a match compared.
fn evidence(rule: MatchRule, key: &str, keys: &MatchKeys, records: &[&Known]) -> Value {
    json!({
        "rule": rule_name(rule),
        "key": key,
        "record": {"sku": keys.sku, "upc": keys.upc, "measure": keys.measure},
        "product": {
            "sku": held(records, sku),
            "upc": held(records, upc),
            "measure": held(records, measure),
        },
    })
}

/// The rule's name in evidence and alerts.
pub const fn rule_name(rule: MatchRule) -> &'static str {
    match rule {
        MatchRule::Sku => "SKU",
        MatchRule::Upc => "UPC",
        MatchRule::Name => "NAME",
        MatchRule::Admin => "ADMIN",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(
        sku: Option<&str>,
        upc: Option<&str>,
        name: Option<&str>,
        mg: Option<u32>,
    ) -> MatchKeys {
        MatchKeys {
            sku: sku.map(str::to_owned),
            upc: upc.map(str::to_owned),
            match_key: name.map(str::to_owned),
            measure: mg.map(|m| format!("mg:{m}")),
        }
    }

    fn known(product: u128, connection: u128, id: &str, keys: MatchKeys) -> Known {
        Known {
            product_id: Uuid::from_u128(product),
            connection_id: Uuid::from_u128(connection),
            external_id: id.into(),
            keys,
        }
    }

    const C: u128 = 9;

    fn run(record: &MatchKeys, known: &[Known]) -> Decision {
        decide(
            Uuid::from_u128(C),
            record,
            &Batch::new([("new", record)]),
            known,
        )
    }

    #[test]
    fn the_sku_matches_first_and_is_confirmed() {
        let record = keys(Some("S"), Some("U"), None, Some(3500));
        let decision = run(
            &record,
            &[known(1, 1, "a", keys(Some("S"), None, None, None))],
        );
        let matched = decision.matched.unwrap_or_else(|| unreachable!());
        assert_eq!(
            (matched.product_id, matched.rule),
            (Uuid::from_u128(1), MatchRule::Sku)
        );
        assert_eq!(matched.status, MatchStatus::Confirmed);
    }

    #[test]
    fn same_sku_different_upc_is_a_conflict_and_no_weaker_rule_joins_them() {
        let record = keys(Some("S"), Some("U1"), Some("k"), Some(3500));
        let decision = run(
            &record,
            &[known(
                1,
                1,
                "a",
                keys(Some("S"), Some("U2"), Some("k"), Some(3500)),
            )],
        );
        assert_eq!(decision.matched, None);
        assert_eq!(decision.conflicts.len(), 1);
        assert_eq!(decision.conflicts[0].evidence["differs"], "upc");
    }

    #[test]
    fn same_upc_different_weight_is_a_conflict() {
        let record = keys(None, Some("U"), None, Some(3500));
        let decision = run(
            &record,
            &[known(1, 1, "a", keys(None, Some("U"), None, Some(7000)))],
        );
        assert_eq!(decision.matched, None);
        assert_eq!(decision.conflicts[0].rule, MatchRule::Upc);
        assert_eq!(decision.conflicts[0].evidence["differs"], "measure");
    }

    #[test]
    fn a_name_matches_one_candidate_only_and_is_suggested() {
        let record = keys(None, None, Some("k"), Some(3500));
        let one = [known(1, 1, "a", keys(None, None, Some("k"), Some(3500)))];
        let matched = run(&record, &one).matched.unwrap_or_else(|| unreachable!());
        assert_eq!(
            (matched.rule, matched.status),
            (MatchRule::Name, MatchStatus::Suggested)
        );
        let two = [
            known(1, 1, "a", keys(None, None, Some("k"), Some(3500))),
            known(2, 2, "b", keys(None, None, Some("k"), Some(3500))),
        ];
        assert_eq!(run(&record, &two), Decision::default());
    }

    #[test]
    fn a_record_bridging_two_products_merges_the_weaker_rules_one_once() {
        let record = keys(Some("S"), Some("U"), Some("k"), Some(3500));
        let known = [
            known(1, 1, "a", keys(Some("S"), None, None, None)),
            known(2, 2, "b", keys(None, Some("U"), Some("k"), Some(3500))),
        ];
        let decision = run(&record, &known);
        let matched = decision.matched.unwrap_or_else(|| unreachable!());
        assert_eq!(
            (matched.product_id, matched.rule),
            (Uuid::from_u128(1), MatchRule::Sku)
        );
        assert_eq!(decision.bridges.len(), 1);
        assert_eq!(decision.bridges[0].product_id, Uuid::from_u128(2));
        assert_eq!(decision.bridges[0].rule, MatchRule::Upc);
    }

    #[test]
    fn a_key_twice_in_the_own_connection_or_a_product_it_already_holds_matches_nothing() {
        let record = keys(Some("S"), None, None, None);
        let twin = keys(Some("S"), None, None, None);
        let batch = Batch::new([("new", &record), ("twin", &twin)]);
        let other = [known(1, 1, "a", keys(Some("S"), None, None, None))];
        assert_eq!(
            decide(Uuid::from_u128(C), &record, &batch, &other),
            Decision::default()
        );
        let own = [
            known(1, 1, "a", keys(Some("S"), None, None, None)),
            known(1, C, "b", keys(Some("T"), None, None, None)),
        ];
        assert_eq!(run(&record, &own), Decision::default());
    }
}
