//! Recording what happens to a profile (`customer_events`): field names, never values.

use chrono::{DateTime, Utc};
use entities::customer_event;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, TryInsertResult, sea_query::OnConflict,
};
use serde_json::Value;
use uuid::Uuid;

/// The kinds of event.
pub mod kinds {
    /// A POS record changed fields of the profile.
    pub const POS_MERGED: &str = "pos_merged";
    /// A POS record was linked to the profile by identity matching.
    pub const LINKED: &str = "linked";
    /// The customer or an admin edited the profile in Canopy.
    pub const EDITED: &str = "edited";
    /// A Canopy edit reached the POS.
    pub const PUSHED: &str = "pushed";
    /// The POS refused the edit (for example a field it requires is missing).
    pub const REFUSED: &str = "refused";
    /// The POS cannot take the edit: it is kept in Canopy.
    pub const KEPT_IN_CANOPY: &str = "kept_in_canopy";
    /// Another profile was merged into this one.
    pub const MERGED: &str = "merged";
    /// A profile merged into this one was split off again.
    pub const UNMERGED: &str = "unmerged";
    /// Personal data was erased on request.
    pub const ANONYMIZED: &str = "anonymized";
}

/// One event to record.
#[derive(Clone, Debug)]
pub struct NewEvent<'a> {
    /// The profile.
    pub customer_id: Uuid,
    /// One of [`kinds`].
    pub kind: &'a str,
    /// The POS connection concerned.
    pub connection_id: Option<Uuid>,
    /// The other profile of a merge.
    pub other_customer_id: Option<Uuid>,
    /// Field names (a JSON array).
    pub fields: Value,
    /// `pos`, `customer`, or an admin's subject.
    pub actor: &'a str,
    /// When.
    pub at: DateTime<Utc>,
}

impl<'a> NewEvent<'a> {
    /// An admin action on the whole profile (merge, unmerge, erasure): no POS connection,
    /// no field names; `other` is the other profile of a merge.
    pub fn admin(
        customer_id: Uuid,
        kind: &'a str,
        other: Option<Uuid>,
        actor: &'a str,
        at: DateTime<Utc>,
    ) -> Self {
        Self {
            customer_id,
            kind,
            connection_id: None,
            other_customer_id: other,
            fields: Value::Array(Vec::new()),
            actor,
            at,
        }
    }
}

/// The row for `event`, for callers that insert many at once.
pub fn row(event: NewEvent<'_>) -> customer_event::ActiveModel {
    customer_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        customer_id: Set(event.customer_id),
        kind: Set(event.kind.to_owned()),
        connection_id: Set(event.connection_id),
        other_customer_id: Set(event.other_customer_id),
        fields: Set(event.fields),
        actor: Set(event.actor.to_owned()),
        at: Set(event.at),
        push_id: Set(None),
    }
}

/// Writes `event`.
pub async fn record(db: &impl ConnectionTrait, event: NewEvent<'_>) -> Result<(), DbErr> {
    customer_event::Entity::insert(row(event))
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Writes `event`, the outcome of push `push_id` at the event's connection, unless that
/// push already recorded one there; returns whether it was written.
pub async fn record_push(
    db: &impl ConnectionTrait,
    event: NewEvent<'_>,
    push_id: Uuid,
) -> Result<bool, DbErr> {
    let mut row = row(event);
    row.push_id = Set(Some(push_id));
    let written = customer_event::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                customer_event::Column::PushId,
                customer_event::Column::ConnectionId,
            ])
            .do_nothing()
            .to_owned(),
        )
        .try_insert()
        .exec_without_returning(db)
        .await?;
    Ok(matches!(written, TryInsertResult::Inserted(n) if n > 0))
}

/// Whether push `push_id` already recorded its outcome at `connection_id`.
pub async fn push_recorded(
    db: &impl ConnectionTrait,
    push_id: Uuid,
    connection_id: Uuid,
) -> Result<bool, DbErr> {
    Ok(customer_event::Entity::find()
        .filter(customer_event::Column::PushId.eq(push_id))
        .filter(customer_event::Column::ConnectionId.eq(connection_id))
        .count(db)
        .await?
        > 0)
}

/// The events of `customer_ids`, oldest first.
pub async fn of(
    db: &impl ConnectionTrait,
    customer_ids: &[Uuid],
) -> Result<Vec<customer_event::Model>, DbErr> {
    customer_event::Entity::find()
        .filter(customer_event::Column::CustomerId.is_in(customer_ids.iter().copied()))
        .order_by_asc(customer_event::Column::At)
        .order_by_asc(customer_event::Column::Id)
        .all(db)
        .await
}
