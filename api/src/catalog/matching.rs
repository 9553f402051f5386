//! Matching a connection's catalog batch to the products other connections brought:
//! the keys of every record (a barcode failing its check digit keeps the record apart),
//! the connection's own known records, a [`Decision`] for each new one, and afterwards
//! the decisions recorded in `product_matches` with a `product_match_conflict` alert for
//! each contradiction, and the products a record bridges merged.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use entities::{
    enums::{AlertSeverity, MatchStatus},
    product, product_external_ref, product_match,
};
use providers::{gtin::GtinError, model::ExternalProduct};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    IntoActiveModel, QueryFilter,
};
use serde_json::json;
use uuid::Uuid;

use super::{
    decide::{Batch, Decision, Known, decide, rule_name},
    keys::MatchKeys,
    merge::absorb,
};
use crate::{alerts::NewAlert, db::CHUNK, effects::Effects};

/// Who decides a match made while syncing.
pub const SYNC_ACTOR: &str = "sync";
/// The alert kind of a contradiction.
pub const CONFLICT_ALERT: &str = "product_match_conflict";

/// One batch's matching: built before the batch is applied, finished after.
#[derive(Debug, Default)]
pub struct CatalogMatcher {
    keys: HashMap<String, MatchKeys>,
    own: HashMap<String, product_external_ref::Model>,
    decisions: HashMap<String, Decision>,
}

impl CatalogMatcher {
    /// Computes the keys of `incoming` (one record per POS id), loads the connection's
    /// references to them and decides where each new record goes. Returns the records
    /// whose barcode is unusable too: they are to be kept apart, unapplied.
    pub async fn prepare<'a>(
        db: &impl ConnectionTrait,
        connection_id: Uuid,
        incoming: impl IntoIterator<Item = &'a ExternalProduct>,
    ) -> Result<(Self, Vec<(&'a ExternalProduct, GtinError)>), DbErr> {
        let mut matcher = Self::default();
        let mut refused = Vec::new();
        for product in incoming {
            match MatchKeys::of(product) {
                Ok(keys) => {
                    matcher.keys.insert(product.external_id.clone(), keys);
                }
                Err(error) => refused.push((product, error)),
            }
        }
        let ids: Vec<&str> = matcher.keys.keys().map(String::as_str).collect();
        for chunk in ids.chunks(CHUNK) {
            let rows = product_external_ref::Entity::find()
                .filter(product_external_ref::Column::ConnectionId.eq(connection_id))
                .filter(product_external_ref::Column::ExternalId.is_in(chunk.iter().copied()))
                .all(db)
                .await?;
            matcher
                .own
                .extend(rows.into_iter().map(|r| (r.external_id.clone(), r)));
        }
        let new: Vec<(&str, &MatchKeys)> = matcher
            .keys
            .iter()
            .filter(|(id, _)| !matcher.own.contains_key(*id))
            .map(|(id, keys)| (id.as_str(), keys))
            .collect();
        if new.is_empty() {
            return Ok((matcher, refused));
        }
        let known = sharing_keys(db, new.iter().map(|(_, keys)| *keys)).await?;
        let batch = Batch::new(matcher.keys.iter().map(|(id, keys)| (id.as_str(), keys)));
        let mut decisions: HashMap<String, Decision> = new
            .iter()
            .map(|(id, keys)| {
                (
                    (*id).to_owned(),
                    decide(connection_id, keys, &batch, &known),
                )
            })
            .collect();
        // two records of one connection never join one product
        let mut targets: HashMap<Uuid, usize> = HashMap::new();
        for decision in decisions.values() {
            if let Some(matched) = &decision.matched {
                *targets.entry(matched.product_id).or_default() += 1;
            }
        }
        for decision in decisions.values_mut() {
            if decision
                .matched
                .as_ref()
                .is_some_and(|m| targets[&m.product_id] > 1)
            {
                decision.matched = None;
                decision.bridges.clear();
            }
        }
        // a product merged into another is no one else's target, and merged once
        let mut bridged: HashMap<Uuid, usize> = HashMap::new();
        for decision in decisions.values() {
            for bridge in &decision.bridges {
                *bridged.entry(bridge.product_id).or_default() += 1;
            }
        }
        for decision in decisions.values_mut() {
            let target = decision.matched.as_ref().map(|m| m.product_id);
            if target.is_some_and(|t| bridged.contains_key(&t)) {
                decision.bridges.clear();
            }
            decision
                .bridges
                .retain(|b| bridged[&b.product_id] == 1 && !targets.contains_key(&b.product_id));
        }
        matcher.decisions = decisions;
        Ok((matcher, refused))
    }

    /// The product the connection already knows the record `external_id` as.
    pub fn known(&self, external_id: &str) -> Option<Uuid> {
        self.own.get(external_id).map(|r| r.product_id)
    }

    /// The product another connection brought that the new record `external_id` joins.
    pub fn target(&self, external_id: &str) -> Option<Uuid> {
        self.decisions
            .get(external_id)?
            .matched
            .as_ref()
            .map(|m| m.product_id)
    }

    /// The record's keys (`None` for a record kept apart).
    pub fn keys(&self, external_id: &str) -> Option<&MatchKeys> {
        self.keys.get(external_id)
    }

    /// Stores the keys of known records that changed, records each decision (`products`:
    /// the product each new record now belongs to) and queues an alert per contradiction.
    pub async fn finish(
        self,
        db: &impl ConnectionTrait,
        connection_id: Uuid,
        now: DateTime<Utc>,
        products: &HashMap<String, Uuid>,
        effects: &mut Effects,
    ) -> Result<(), DbErr> {
        for (id, row) in self.own {
            let Some(keys) = self.keys.get(&id) else {
                continue;
            };
            if ref_keys(&row) != *keys {
                let mut active = row.into_active_model();
                set_keys(&mut active, keys);
                active.update(db).await?;
            }
        }
        let mut ids: Vec<&String> = self.decisions.keys().collect();
        ids.sort();
        let mut rows = Vec::new();
        for id in ids {
            let decision = &self.decisions[id];
            let Some(&own) = products.get(id) else {
                continue;
            };
            let row = |product_id, other, rule, evidence, status, conflict| product_match::Model {
                id: Uuid::now_v7(),
                product_id,
                other_product_id: other,
                connection_id: Some(connection_id),
                external_id: Some(id.clone()),
                rule,
                evidence,
                status,
                conflict,
                decided_by: SYNC_ACTOR.to_owned(),
                created_at: now,
                updated_at: now,
            };
            if let Some(m) = &decision.matched {
                rows.push(row(
                    m.product_id,
                    None,
                    m.rule,
                    m.evidence.clone(),
                    m.status,
                    false,
                ));
                for bridge in &decision.bridges {
                    let Some(other) = product::Entity::find_by_id(bridge.product_id)
                        .one(db)
                        .await?
                    else {
                        continue;
                    };
                    absorb(db, m.product_id, &other, now).await?;
                    effects.product_changed(m.product_id);
                    effects.product_changed(other.id);
                    let mut evidence = bridge.evidence.clone();
                    evidence["bridged"] = json!(other.id);
                    rows.push(row(
                        m.product_id,
                        Some(other.id),
                        bridge.rule,
                        evidence,
                        bridge.status,
                        false,
                    ));
                }
            }
            for conflict in &decision.conflicts {
                rows.push(row(
                    conflict.product_id,
                    Some(own),
                    conflict.rule,
                    conflict.evidence.clone(),
                    MatchStatus::Rejected,
                    true,
                ));
                effects.alert(conflict_alert(connection_id, id, own, conflict));
            }
        }
        for chunk in rows.chunks(CHUNK / 16) {
            product_match::Entity::insert_many(
                chunk
                    .iter()
                    .cloned()
                    .map(|r| r.into_active_model().reset_all()),
            )
            .exec_without_returning(db)
            .await?;
        }
        Ok(())
    }
}

/// The alert naming a contradiction between the record `external_id` (now `own`) and
/// the product it resembles.
fn conflict_alert(
    connection_id: Uuid,
    external_id: &str,
    own: Uuid,
    conflict: &super::decide::Conflict,
) -> NewAlert {
    let rule = rule_name(conflict.rule);
    let differs = conflict.evidence["differs"].as_str().unwrap_or("value");
    let key = conflict.evidence["key"].as_str().unwrap_or_default();
    NewAlert {
        severity: AlertSeverity::Warning,
        kind: CONFLICT_ALERT,
        connection_id: Some(connection_id),
        product_id: Some(own),
        location_id: None,
        message: format!(
            "POS product {external_id} shares its {rule} with product {} but its {differs} \
             differs: kept apart",
            conflict.product_id
        ),
        details: json!({
            "externalId": external_id,
            "product": own,
            "otherProduct": conflict.product_id,
            "evidence": conflict.evidence,
        }),
        dedupe_key: format!("{CONFLICT_ALERT}:{rule}:{key}"),
    }
}

/// Every record of every product that carries one of the keys of `new`.
async fn sharing_keys<'a>(
    db: &impl ConnectionTrait,
    new: impl Iterator<Item = &'a MatchKeys>,
) -> Result<Vec<Known>, DbErr> {
    use product_external_ref::Column;
    let (mut skus, mut upcs, mut names) = (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
    for keys in new {
        skus.extend(keys.sku.as_deref());
        upcs.extend(keys.upc.as_deref());
        names.extend(keys.match_key.as_deref());
    }
    let mut products = BTreeSet::new();
    for (column, values) in [
        (Column::Sku, skus),
        (Column::Upc, upcs),
        (Column::MatchKey, names),
    ] {
        let values: Vec<&str> = values.into_iter().collect();
        for chunk in values.chunks(CHUNK) {
            let rows = product_external_ref::Entity::find()
                .filter(column.is_in(chunk.iter().copied()))
                .all(db)
                .await?;
            products.extend(rows.into_iter().map(|r| r.product_id));
        }
    }
    let products: Vec<Uuid> = products.into_iter().collect();
    let mut known = Vec::new();
    for chunk in products.chunks(CHUNK) {
        let rows = product_external_ref::Entity::find()
            .filter(Column::ProductId.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        known.extend(rows.into_iter().map(|r| Known {
            keys: ref_keys(&r),
            product_id: r.product_id,
            connection_id: r.connection_id,
            external_id: r.external_id,
        }));
    }
    Ok(known)
}

/// The keys a reference holds.
fn ref_keys(row: &product_external_ref::Model) -> MatchKeys {
    MatchKeys {
        sku: row.sku.clone(),
        upc: row.upc.clone(),
        match_key: row.match_key.clone(),
        measure: row.measure.clone(),
    }
}

/// Sets a reference's keys.
pub fn set_keys(row: &mut product_external_ref::ActiveModel, keys: &MatchKeys) {
    row.sku = Set(keys.sku.clone());
    row.upc = Set(keys.upc.clone());
    row.match_key = Set(keys.match_key.clone());
    row.measure = Set(keys.measure.clone());
}
