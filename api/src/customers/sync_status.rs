//! Where a profile stands at each POS that holds it: in step, a Canopy edit on its way,
//! an edit that could not be delivered, or an edit the POS cannot take (kept in Canopy),
//! each judged by the pushes for that POS only.

use chrono::{DateTime, Utc};
use entities::{customer_external_ref, enums::QueueStatus};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::{events, events::kinds, merge, push};

/// The state of a profile at one POS.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PushState {
    /// The POS has every Canopy edit (or there were none).
    InSync,
    /// A Canopy edit is on its way to the POS.
    Pending,
    /// A Canopy edit could not be delivered (the POS refused it, or it was
    /// dead-lettered with an alert).
    Failed,
    /// The POS cannot take Canopy's edits: they are kept in Canopy only.
    KeptInCanopy,
}

/// One POS's view of a profile.
#[derive(Clone, Debug)]
pub struct PosProfile {
    /// The POS connection.
    pub connection_id: Uuid,
    /// The POS's customer id.
    pub external_id: String,
    /// The POS's last-modified time of the record last merged.
    pub pos_modified_at: Option<DateTime<Utc>>,
    /// Where Canopy's edits stand there.
    pub state: PushState,
}

/// The POS profiles of customer `id` and every profile merged into it.
pub async fn of(db: &impl ConnectionTrait, id: Uuid) -> Result<Vec<PosProfile>, DbErr> {
    let family = merge::family(db, id).await?;
    let refs = customer_external_ref::Entity::find()
        .filter(customer_external_ref::Column::CustomerId.is_in(family.clone()))
        .all(db)
        .await?;
    let queued = push::pending(db, id).await?;
    let history = events::of(db, &family).await?;
    Ok(refs
        .into_iter()
        .map(|reference| {
            let last = history
                .iter()
                .rev()
                .filter(|e| e.connection_id == Some(reference.connection_id))
                .find(|e| {
                    [kinds::PUSHED, kinds::KEPT_IN_CANOPY, kinds::REFUSED]
                        .contains(&e.kind.as_str())
                });
            let concerning = || {
                queued
                    .iter()
                    .filter(|row| push::concerns(row, reference.connection_id))
            };
            let waiting = concerning()
                .any(|row| matches!(row.status, QueueStatus::Pending | QueueStatus::InFlight));
            let failed = concerning().any(|row| row.status == QueueStatus::Dead);
            let state = if waiting {
                PushState::Pending
            } else {
                match last.map(|e| e.kind.as_str()) {
                    _ if failed => PushState::Failed,
                    Some(kinds::KEPT_IN_CANOPY) => PushState::KeptInCanopy,
                    Some(kinds::REFUSED) => PushState::Failed,
                    _ => PushState::InSync,
                }
            };
            PosProfile {
                connection_id: reference.connection_id,
                external_id: reference.external_id,
                pos_modified_at: reference.pos_modified_at,
                state,
            }
        })
        .collect())
}
