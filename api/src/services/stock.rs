//! Stock levels read back for subscribers that fell behind.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use entities::stock_level::{Column, Entity, Model};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

/// The stock rows at `location` (any when `None`) of `products` (any when `None`)
/// changed since `since`: the most recent `limit`, oldest first.
pub async fn changed_since(
    db: &DatabaseConnection,
    location: Option<Uuid>,
    products: Option<&HashSet<Uuid>>,
    since: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<Model>, DbErr> {
    let mut condition = Condition::all();
    if let Some(location) = location {
        condition = condition.add(Column::LocationId.eq(location));
    }
    if let Some(products) = products {
        condition = condition.add(Column::ProductId.is_in(products.iter().copied()));
    }
    let mut rows = Entity::find()
        .filter(condition)
        .filter(Column::UpdatedAt.gte(since))
        .order_by_desc(Column::UpdatedAt)
        .limit(limit)
        .all(db)
        .await?;
    rows.reverse();
    Ok(rows)
}
