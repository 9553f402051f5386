//! Stores: upserted by (connection, POS location id); the jurisdiction is the state.

use entities::location;
use providers::model::{ExternalLocation, RejectedRecord};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel};
use uuid::Uuid;

use super::ApplyContext;
use crate::{effects::Effects, sync::lookup};

const ENDPOINT: &str = "locations";

/// Upserts the connection's stores. A store without a state (its jurisdiction) is
/// rejected: compliance rules cannot apply to it.
pub async fn apply_locations(
    db: &impl ConnectionTrait,
    ctx: &ApplyContext,
    locations: &[ExternalLocation],
    effects: &mut Effects,
) -> Result<(), DbErr> {
    let existing = lookup::locations(db, ctx.connection_id).await?;
    for incoming in locations {
        let Some(state) = incoming
            .state
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        else {
            ctx.reject(
                effects,
                &RejectedRecord {
                    endpoint: ENDPOINT.to_owned(),
                    external_id: Some(incoming.external_id.clone()),
                    reason: "the store has no state (jurisdiction)".to_owned(),
                },
            );
            continue;
        };
        let current = existing.get(&incoming.external_id);
        let mut next = current.cloned().unwrap_or_else(|| location::Model {
            id: Uuid::now_v7(),
            name: String::new(),
            address: None,
            city: None,
            state: String::new(),
            postal_code: None,
            adult_use: false,
            medical: false,
            licence_number: None,
            time_zone: String::new(),
            min_age_override: None,
            connection_id: Some(ctx.connection_id),
            external_id: Some(incoming.external_id.clone()),
            created_at: ctx.now,
            updated_at: ctx.now,
        });
        next.name = incoming.name.clone();
        next.address = incoming.address.clone();
        next.city = incoming.city.clone();
        next.state = state.to_ascii_uppercase();
        next.postal_code = incoming.postal_code.clone();
        next.adult_use = incoming.adult_use;
        next.medical = incoming.medical;
        next.licence_number = incoming.licence_number.clone();
        next.time_zone = incoming
            .time_zone
            .clone()
            .unwrap_or_else(|| ctx.default_time_zone.clone());
        match current {
            Some(current) if *current == next => {}
            Some(_) => {
                next.updated_at = ctx.now;
                let id = next.id;
                next.into_active_model().reset_all().update(db).await?;
                effects.location_changed(id);
            }
            None => {
                let id = next.id;
                location::Entity::insert(next.into_active_model().reset_all())
                    .exec_without_returning(db)
                    .await?;
                effects.location_changed(id);
            }
        }
    }
    Ok(())
}
