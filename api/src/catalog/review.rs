//! What the admin reviews: the match decisions by status, newest first, and where a
//! merged-away product id now leads.

use entities::{enums::MatchStatus, product_match, product_redirect};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

/// The most decisions one listing returns.
pub const MAX_MATCHES: u64 = 500;

/// Up to `limit` (at most [`MAX_MATCHES`]) match decisions, newest first, of `status`
/// when given.
pub async fn matches(
    db: &impl ConnectionTrait,
    status: Option<MatchStatus>,
    limit: u64,
) -> Result<Vec<product_match::Model>, DbErr> {
    let mut query = product_match::Entity::find();
    if let Some(status) = status {
        query = query.filter(product_match::Column::Status.eq(status));
    }
    query
        .order_by_desc(product_match::Column::Id)
        .limit(limit.min(MAX_MATCHES))
        .all(db)
        .await
}

/// The product a merged-away id `id` now resolves to, if it was merged away.
pub async fn redirected(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<Uuid>, DbErr> {
    Ok(product_redirect::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|r| r.to_id))
}
