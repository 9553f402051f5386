//! Stores.

use entities::location;
use sea_orm::{DatabaseConnection, DbErr, EntityTrait, QueryOrder};
use uuid::Uuid;

/// Location `id`, if it exists.
pub async fn find_location(
    db: &DatabaseConnection,
    id: Uuid,
) -> Result<Option<location::Model>, DbErr> {
    location::Entity::find_by_id(id).one(db).await
}

/// Every location, by name.
pub async fn list_locations(db: &DatabaseConnection) -> Result<Vec<location::Model>, DbErr> {
    location::Entity::find()
        .order_by_asc(location::Column::Name)
        .order_by_asc(location::Column::Id)
        .all(db)
        .await
}
