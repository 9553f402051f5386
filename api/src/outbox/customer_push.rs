//! Delivering a Canopy profile edit to the POSes that hold the customer (a
//! `push_customer` row, see [`crate::customers::push`]). Written through the adapter where the POS's API
//! can take a profile, recorded as kept in Canopy where it cannot, and as refused where
//! the POS turns the profile down (a transient failure is retried by the outbox
//! instead). Each outcome is recorded once per push and POS: an attempt after one was
//! recorded (a retry of a row spanning several POS, or a row sent again) skips that
//! POS.

use chrono::Utc;
use entities::{customer, customer_external_ref, outbox, provider_connection};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::Value;

use super::{SendError, submission};
use crate::{
    connections::Adapters,
    customers::{
        events::{self, NewEvent, kinds},
        merge,
        push::concerns,
    },
};

/// One attempt at outbox row `row` (its aggregate is the customer).
pub async fn send(
    db: &impl ConnectionTrait,
    adapters: &Adapters,
    row: &outbox::Model,
) -> Result<(), SendError> {
    let Some(customer) = customer::Entity::find_by_id(row.aggregate_id)
        .one(db)
        .await?
    else {
        return Ok(()); // deleted since: nothing to say
    };
    if customer.anonymized_at.is_some() {
        return Ok(());
    }
    let fields = row
        .payload
        .get("fields")
        .cloned()
        .unwrap_or(Value::Array(Vec::new()));
    let family = merge::family(db, customer.id).await?;
    let refs = customer_external_ref::Entity::find()
        .filter(customer_external_ref::Column::CustomerId.is_in(family))
        .all(db)
        .await?;
    for reference in refs.into_iter().filter(|r| concerns(row, r.connection_id)) {
        if events::push_recorded(db, row.id, reference.connection_id).await? {
            continue;
        }
        let Some(connection) = provider_connection::Entity::find_by_id(reference.connection_id)
            .one(db)
            .await?
        else {
            continue;
        };
        if !connection.enabled {
            return Err(SendError::Disabled);
        }
        let adapter = adapters.get(&connection)?;
        let kind = if adapter.capabilities().customer_write {
            let mut external = submission::external_customer(&customer);
            external.external_id.clone_from(&reference.external_id);
            match adapter.upsert_customer(&external).await {
                Ok(_) => kinds::PUSHED,
                // a refusal (say, a field the POS requires) will not change on retry:
                // recorded for this POS, the others still get the edit
                Err(error) if !error.is_transient() => {
                    tracing::warn!(customer = %customer.id, connection = %connection.id, %error, "the POS refused a profile edit");
                    kinds::REFUSED
                }
                Err(error) => return Err(error.into()),
            }
        } else {
            kinds::KEPT_IN_CANOPY
        };
        events::record_push(
            db,
            NewEvent {
                customer_id: customer.id,
                kind,
                connection_id: Some(connection.id),
                other_customer_id: None,
                fields: fields.clone(),
                actor: "canopy",
                at: Utc::now(),
            },
            row.id,
        )
        .await?;
    }
    Ok(())
}
