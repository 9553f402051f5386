//! Customer profiles: matched by (connection, POS customer id), or by e-mail to a
//! customer Canopy already knows; updated only from a newer record, and never once the
//! customer's data was erased on request.

use std::collections::HashMap;

use entities::{customer, customer_external_ref};
use providers::model::{Batch, ExternalCustomer};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, sea_query::OnConflict,
};
use uuid::Uuid;

use super::{ApplyContext, Watermark, batches, is_newer, newest_per_id};
use crate::sync::{effects::Effects, lookup};

/// Rows per multi-row `INSERT`.
const INSERT_CHUNK: usize = 200;

/// Applies a customer batch; returns where the customers cursor may move.
pub async fn apply_customers(
    db: &impl ConnectionTrait,
    ctx: &ApplyContext,
    batch: &Batch<ExternalCustomer>,
    effects: &mut Effects,
) -> Result<Watermark, DbErr> {
    let mut mark = ctx.begin(effects, batch);
    let incoming = newest_per_id(&batch.items);
    let ids: Vec<&str> = incoming.keys().copied().collect();
    let refs = lookup::customers(db, ctx.connection_id, &ids).await?;
    let unknown_emails: Vec<String> = incoming
        .values()
        .filter(|c| !refs.contains_key(&c.external_id))
        .filter_map(|c| normalise_email(c.email.as_deref()))
        .collect();
    let emails = by_email(db, &unknown_emails).await?;
    let ids: Vec<Uuid> = refs
        .values()
        .map(|r| r.customer_id)
        .chain(emails.values().copied())
        .collect();
    let mut stored =
        lookup::by_id::<customer::Entity>(db, customer::Column::Id, |c| c.id, &ids).await?;

    let mut new_customers = Vec::new();
    let mut new_refs = Vec::new();
    for external in incoming.values() {
        mark.saw(external.modified_at);
        let target = match refs.get(&external.external_id) {
            Some(reference) => {
                if !is_newer(external.modified_at, reference.pos_modified_at) {
                    continue;
                }
                let mut row = reference.clone().into_active_model();
                row.pos_modified_at = Set(external.modified_at);
                row.update(db).await?;
                Some(reference.customer_id)
            }
            None => {
                let id = normalise_email(external.email.as_deref())
                    .and_then(|email| emails.get(&email))
                    .copied();
                if let Some(id) = id {
                    new_refs.push(reference(ctx, id, external));
                }
                id
            }
        };
        match target.and_then(|id| stored.get_mut(&id)) {
            Some(current) if current.anonymized_at.is_some() => {}
            Some(current) => {
                let mut next = current.clone();
                assign(&mut next, external);
                if next != *current {
                    next.updated_at = ctx.now;
                    *current = next.clone();
                    next.into_active_model().reset_all().update(db).await?;
                    effects.customer_changed(current.id);
                }
            }
            None => {
                let mut row = blank(ctx);
                assign(&mut row, external);
                new_refs.push(reference(ctx, row.id, external));
                effects.customer_changed(row.id);
                new_customers.push(row.into_active_model().reset_all());
            }
        }
    }
    for batch in batches(new_customers, INSERT_CHUNK) {
        customer::Entity::insert_many(batch)
            .exec_without_returning(db)
            .await?;
    }
    for batch in batches(new_refs, INSERT_CHUNK) {
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
    Ok(mark)
}

/// Known customers by e-mail (the oldest profile when several share one).
async fn by_email(
    db: &impl ConnectionTrait,
    emails: &[String],
) -> Result<HashMap<String, Uuid>, DbErr> {
    let mut found = HashMap::new();
    for chunk in emails.chunks(lookup::CHUNK) {
        let rows = customer::Entity::find()
            .filter(customer::Column::Email.is_in(chunk.iter().cloned()))
            .filter(customer::Column::MergedIntoId.is_null())
            .order_by_asc(customer::Column::Id)
            .all(db)
            .await?;
        for row in rows {
            if let Some(email) = row.email {
                found.entry(email).or_insert(row.id);
            }
        }
    }
    Ok(found)
}

fn reference(
    ctx: &ApplyContext,
    customer_id: Uuid,
    external: &ExternalCustomer,
) -> customer_external_ref::ActiveModel {
    customer_external_ref::Model {
        id: Uuid::now_v7(),
        customer_id,
        connection_id: ctx.connection_id,
        external_id: external.external_id.clone(),
        pos_modified_at: external.modified_at,
        created_at: ctx.now,
    }
    .into_active_model()
    .reset_all()
}

fn blank(ctx: &ApplyContext) -> customer::Model {
    customer::Model {
        id: Uuid::now_v7(),
        email: None,
        phone: None,
        first_name: None,
        last_name: None,
        date_of_birth: None,
        medical_id: None,
        medical_id_expires: None,
        address: None,
        city: None,
        state: None,
        postal_code: None,
        preferences: serde_json::Value::Object(serde_json::Map::new()),
        marketing_opt_in: false,
        merged_into_id: None,
        anonymized_at: None,
        created_at: ctx.now,
        updated_at: ctx.now,
    }
}

/// Copies the POS-owned fields; a field the POS leaves empty keeps what Canopy has.
fn assign(row: &mut customer::Model, external: &ExternalCustomer) {
    fn keep<T: Clone>(slot: &mut Option<T>, value: &Option<T>) {
        if value.is_some() {
            slot.clone_from(value);
        }
    }
    keep(&mut row.first_name, &external.first_name);
    keep(&mut row.last_name, &external.last_name);
    keep(&mut row.email, &normalise_email(external.email.as_deref()));
    keep(&mut row.phone, &normalise_phone(external.phone.as_deref()));
    keep(&mut row.date_of_birth, &external.date_of_birth);
    keep(&mut row.medical_id, &external.medical_id);
    keep(&mut row.medical_id_expires, &external.medical_id_expires);
    keep(&mut row.address, &external.address);
    keep(&mut row.city, &external.city);
    keep(&mut row.state, &external.state);
    keep(&mut row.postal_code, &external.postal_code);
    if let Some(opt_in) = external.marketing_opt_in {
        row.marketing_opt_in = opt_in;
    }
}

/// Trimmed and lower-cased; `None` when empty.
fn normalise_email(email: Option<&str>) -> Option<String> {
    email
        .map(|e| e.trim().to_lowercase())
        .filter(|e| !e.is_empty())
}

/// E.164 for North American numbers written without a country code (`(415) 555-0123`,
/// `1-415-555-0123`) and numbers given with `+`; anything else is kept as written.
fn normalise_phone(phone: Option<&str>) -> Option<String> {
    let raw = phone.map(str::trim).filter(|p| !p.is_empty())?;
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    Some(match (raw.starts_with('+'), digits.len()) {
        (true, 8..=15) => format!("+{digits}"),
        (false, 10) => format!("+1{digits}"),
        (false, 11) if digits.starts_with('1') => format!("+{digits}"),
        _ => raw.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_become_e164() {
        assert_eq!(
            normalise_phone(Some("(415) 555-0123")).as_deref(),
            Some("+14155550123")
        );
        assert_eq!(
            normalise_phone(Some("1-415-555-0123")).as_deref(),
            Some("+14155550123")
        );
        assert_eq!(
            normalise_phone(Some("+44 20 7946 0958")).as_deref(),
            Some("+442079460958")
        );
        assert_eq!(normalise_phone(Some("ext. 12")).as_deref(), Some("ext. 12"));
        assert_eq!(normalise_phone(Some("  ")), None);
    }

    #[test]
    fn emails_are_lower_cased() {
        assert_eq!(
            normalise_email(Some(" Ava.Lee@Example.COM ")).as_deref(),
            Some("ava.lee@example.com")
        );
    }
}
