//! Stores.

use entities::location;
use sea_orm::{DatabaseConnection, DbErr, EntityTrait, QueryOrder};

/// Every location, by name.
pub async fn list_locations(db: &DatabaseConnection) -> Result<Vec<location::Model>, DbErr> {
    location::Entity::find()
        .order_by_asc(location::Column::Name)
        .order_by_asc(location::Column::Id)
        .all(db)
        .await
}
