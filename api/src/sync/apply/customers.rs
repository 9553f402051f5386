//! Customer profiles from a POS. A record is first checked (no name, an impossible
//! birth date or a malformed e-mail keep it apart, with an alert); a known POS id
//! merges into its profile (or the profile it was merged into); an unknown one is
//! matched by identity keys in the vendors' order — one match links it, several raise
//! an alert and keep it as a profile of its own, none makes a new profile. Fields merge
//! one by one, last writer wins with the POS winning ties, and every merge that changes
//! something is recorded as a customer event. Erased profiles are never written.

use entities::{customer, customer_event, customer_external_ref, enums::AlertSeverity};
use providers::model::{Batch, ExternalCustomer, RejectedRecord};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    sea_query::OnConflict,
};
use serde_json::json;
use uuid::Uuid;

use super::{ApplyContext, Watermark, batches, is_newer, newest_per_id};
use crate::{
    alerts::NewAlert,
    customers::{
        events::{self, NewEvent, kinds},
        fields::{self, PosMerge},
        identity::{Candidates, Keys, Match},
        merge, profile, validate,
    },
    effects::Effects,
    sync::lookup,
};

const ENDPOINT: &str = "customers";
/// Rows per multi-row `INSERT`.
const INSERT_CHUNK: usize = 200;

/// What one batch writes at the end, in multi-row inserts.
#[derive(Default)]
struct Pending {
    customers: Vec<customer::Model>,
    refs: Vec<customer_external_ref::ActiveModel>,
    events: Vec<customer_event::ActiveModel>,
}

/// Applies a customer batch; returns where the customers cursor may move.
pub async fn apply_customers(
    db: &impl ConnectionTrait,
    ctx: &ApplyContext,
    batch: &Batch<ExternalCustomer>,
    effects: &mut Effects,
) -> Result<Watermark, DbErr> {
    let mut mark = ctx.begin(effects, batch);
    let today = ctx.now.date_naive();
    let mut usable: Vec<&ExternalCustomer> = Vec::new();
    for external in newest_per_id(&batch.items).into_values() {
        mark.saw(external.modified_at);
        match validate::problem(external, today) {
            Some(reason) => ctx.reject(
                effects,
                &RejectedRecord {
                    endpoint: ENDPOINT.to_owned(),
                    external_id: Some(external.external_id.clone()),
                    reason,
                },
            ),
            None => usable.push(external),
        }
    }
    usable.sort_by(|a, b| a.external_id.cmp(&b.external_id));
    let ids: Vec<&str> = usable.iter().map(|c| c.external_id.as_str()).collect();
    let refs = lookup::customers(db, ctx.connection_id, &ids).await?;
    let unknown: Vec<Keys> = usable
        .iter()
        .filter(|c| !refs.contains_key(&c.external_id))
        .map(|c| Keys::of(c))
        .collect();
    let mut candidates = Candidates::load(db, &unknown).await?;
    let known: Vec<Uuid> = refs.values().map(|r| r.customer_id).collect();
    let mut stored =
        lookup::by_id::<customer::Entity>(db, customer::Column::Id, |c| c.id, &known).await?;

    let mut pending = Pending::default();
    for external in usable {
        let at = external.modified_at.unwrap_or(ctx.now);
        if let Some(reference) = refs.get(&external.external_id) {
            if !is_newer(external.modified_at, reference.pos_modified_at) {
                continue;
            }
            let target = match stored.get(&reference.customer_id) {
                Some(row) if row.merged_into_id.is_some() => {
                    merge::root(db, reference.customer_id).await?
                }
                _ => reference.customer_id,
            };
            if !stored.contains_key(&target)
                && let Some(row) = customer::Entity::find_by_id(target).one(db).await?
            {
                stored.insert(target, row);
            }
            let hashes = match stored.get_mut(&target) {
                Some(row) if row.anonymized_at.is_none() => {
                    let merged =
                        fields::merge_pos(row, external, reference.field_hashes.as_ref(), at);
                    save(db, ctx, row, &merged, effects, &mut pending).await?;
                    Some(merged.hashes)
                }
                _ => reference.field_hashes.clone(),
            };
            let mut row = reference.clone().into_active_model();
            row.pos_modified_at = Set(external.modified_at);
            row.field_hashes = Set(hashes);
            row.update(db).await?;
            continue;
        }
        let keys = Keys::of(external);
        let matched = candidates.resolve(&keys, None);
        if let Match::One(id) = matched {
            let merged = if let Some(fresh) = pending.customers.iter_mut().find(|c| c.id == id) {
                fields::merge_pos(fresh, external, None, at)
            } else {
                if !stored.contains_key(&id)
                    && let Some(row) = customer::Entity::find_by_id(id).one(db).await?
                {
                    stored.insert(id, row);
                }
                let Some(row) = stored.get_mut(&id) else {
                    continue;
                };
                let merged = fields::merge_pos(row, external, None, at);
                if !merged.changed.is_empty() {
                    row.updated_at = ctx.now;
                    row.clone()
                        .into_active_model()
                        .reset_all()
                        .update(db)
                        .await?;
                    effects.customer_changed(id);
                }
                merged
            };
            pending
                .events
                .push(pos_event(ctx, id, kinds::LINKED, &merged));
            pending
                .refs
                .push(reference(ctx, id, external, merged.hashes));
            continue;
        }
        if let Match::Ambiguous { key, candidates } = &matched {
            effects.alert(NewAlert {
                severity: AlertSeverity::Warning,
                kind: "customer_match_ambiguous",
                connection_id: Some(ctx.connection_id),
                product_id: None,
                location_id: None,
                message: format!(
                    "a POS customer matches {} profiles by {key}: kept apart until an admin merges it",
                    candidates.len()
                ),
                details: json!({
                    "externalId": external.external_id,
                    "key": key,
                    "candidates": candidates,
                }),
                dedupe_key: format!(
                    "customer_match_ambiguous:{}:{}",
                    ctx.connection_id, external.external_id
                ),
            });
        }
        let mut row = profile::empty(Uuid::now_v7(), ctx.now);
        let merged = fields::merge_pos(&mut row, external, None, at);
        pending
            .events
            .push(pos_event(ctx, row.id, kinds::POS_MERGED, &merged));
        pending
            .refs
            .push(reference(ctx, row.id, external, merged.hashes));
        effects.customer_changed(row.id);
        if matched == Match::Unmatched {
            candidates.add(&row);
        }
        pending.customers.push(row);
    }
    write(db, pending).await?;
    Ok(mark)
}

/// Stores `row` after `merged` changed it, with its event.
async fn save(
    db: &impl ConnectionTrait,
    ctx: &ApplyContext,
    row: &mut customer::Model,
    merged: &PosMerge,
    effects: &mut Effects,
    pending: &mut Pending,
) -> Result<(), DbErr> {
    if merged.changed.is_empty() {
        return Ok(());
    }
    row.updated_at = ctx.now;
    row.clone()
        .into_active_model()
        .reset_all()
        .update(db)
        .await?;
    effects.customer_changed(row.id);
    pending
        .events
        .push(pos_event(ctx, row.id, kinds::POS_MERGED, merged));
    Ok(())
}

/// Inserts the batch's new profiles, references and events.
async fn write(db: &impl ConnectionTrait, pending: Pending) -> Result<(), DbErr> {
    let customers: Vec<customer::ActiveModel> = pending
        .customers
        .into_iter()
        .map(|c| c.into_active_model().reset_all())
        .collect();
    for batch in batches(customers, INSERT_CHUNK) {
        customer::Entity::insert_many(batch)
            .exec_without_returning(db)
            .await?;
    }
    for batch in batches(pending.refs, INSERT_CHUNK) {
        customer_external_ref::Entity::insert_many(batch)
            .on_conflict(
                OnConflict::columns([
                    customer_external_ref::Column::ConnectionId,
                    customer_external_ref::Column::ExternalId,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    for batch in batches(pending.events, INSERT_CHUNK) {
        customer_event::Entity::insert_many(batch)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

fn reference(
    ctx: &ApplyContext,
    customer_id: Uuid,
    external: &ExternalCustomer,
    hashes: serde_json::Value,
) -> customer_external_ref::ActiveModel {
    customer_external_ref::Model {
        id: Uuid::now_v7(),
        customer_id,
        connection_id: ctx.connection_id,
        external_id: external.external_id.clone(),
        pos_modified_at: external.modified_at,
        field_hashes: Some(hashes),
        created_at: ctx.now,
    }
    .into_active_model()
    .reset_all()
}

/// The event of POS record `merged` changing profile `customer_id` (`kind`).
fn pos_event(
    ctx: &ApplyContext,
    customer_id: Uuid,
    kind: &'static str,
    merged: &PosMerge,
) -> customer_event::ActiveModel {
    events::row(NewEvent {
        customer_id,
        kind,
        connection_id: Some(ctx.connection_id),
        other_customer_id: None,
        fields: fields::names(&merged.changed),
        actor: "pos",
        at: ctx.now,
    })
}
