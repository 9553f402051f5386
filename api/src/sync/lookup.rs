//! Resolving a POS's ids to Canopy's, a chunk of ids per query.

use std::collections::HashMap;

use entities::{customer_external_ref, location, product_external_ref};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::db::CHUNK;

/// The connection's locations by the POS's location id.
pub(super) async fn locations(
    db: &impl ConnectionTrait,
    connection_id: Uuid,
) -> Result<HashMap<String, location::Model>, DbErr> {
    let rows = location::Entity::find()
        .filter(location::Column::ConnectionId.eq(connection_id))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| row.external_id.clone().map(|id| (id, row)))
        .collect())
}

/// Canopy's product ids for the POS product ids `ids` (unknown ones absent).
pub(super) async fn products(
    db: &impl ConnectionTrait,
    connection_id: Uuid,
    ids: &[&str],
) -> Result<HashMap<String, Uuid>, DbErr> {
    let mut found = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        let rows = product_external_ref::Entity::find()
            .filter(product_external_ref::Column::ConnectionId.eq(connection_id))
            .filter(product_external_ref::Column::ExternalId.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        found.extend(rows.into_iter().map(|r| (r.external_id, r.product_id)));
    }
    Ok(found)
}

/// The connection's customer references for the POS customer ids `ids`.
pub(super) async fn customers(
    db: &impl ConnectionTrait,
    connection_id: Uuid,
    ids: &[&str],
) -> Result<HashMap<String, customer_external_ref::Model>, DbErr> {
    let mut found = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        let rows = customer_external_ref::Entity::find()
            .filter(customer_external_ref::Column::ConnectionId.eq(connection_id))
            .filter(customer_external_ref::Column::ExternalId.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        found.extend(rows.into_iter().map(|r| (r.external_id.clone(), r)));
    }
    Ok(found)
}

/// The rows of `E` whose id column `id_column` is one of `ids`, keyed by `id_of`.
pub(super) async fn by_id<E: EntityTrait>(
    db: &impl ConnectionTrait,
    id_column: E::Column,
    id_of: impl Fn(&E::Model) -> Uuid,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, E::Model>, DbErr> {
    let mut found = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        let rows = E::find()
            .filter(id_column.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        found.extend(rows.into_iter().map(|row| (id_of(&row), row)));
    }
    Ok(found)
}
