//! Rows grouped by their parent: `SELECT … WHERE parent_id IN (…) ORDER BY …`.

use std::{collections::HashMap, marker::PhantomData};

use async_graphql::dataloader::Loader;
use entities::{order_line, stock_level};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::LoadError;

/// An entity listed under a parent row.
pub trait Child: EntityTrait<Model: Clone + Send + Sync> {
    /// The column holding the parent's id.
    fn parent_column() -> Self::Column;
    /// The parent of a row.
    fn parent(model: &Self::Model) -> Uuid;
    /// The column that orders a parent's rows (ties broken by primary key).
    fn order_column() -> Self::Column;
    /// The primary key column.
    fn id_column() -> Self::Column;
}

impl Child for stock_level::Entity {
    fn parent_column() -> Self::Column {
        stock_level::Column::ProductId
    }
    fn parent(model: &Self::Model) -> Uuid {
        model.product_id
    }
    fn order_column() -> Self::Column {
        stock_level::Column::LocationId
    }
    fn id_column() -> Self::Column {
        stock_level::Column::Id
    }
}

impl Child for order_line::Entity {
    fn parent_column() -> Self::Column {
        order_line::Column::OrderId
    }
    fn parent(model: &Self::Model) -> Uuid {
        model.order_id
    }
    fn order_column() -> Self::Column {
        order_line::Column::Id
    }
    fn id_column() -> Self::Column {
        order_line::Column::Id
    }
}

/// Loads the `E` rows of many parents, one statement per batch.
pub struct ByParent<E> {
    db: DatabaseConnection,
    entity: PhantomData<fn() -> E>,
}

impl<E> ByParent<E> {
    /// A loader reading from `db`.
    pub const fn new(db: DatabaseConnection) -> Self {
        Self {
            db,
            entity: PhantomData,
        }
    }
}

impl<E: Child> Loader<Uuid> for ByParent<E> {
    type Value = Vec<E::Model>;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Vec<E::Model>>, LoadError> {
        let rows = E::find()
            .filter(E::parent_column().is_in(keys.iter().copied()))
            .order_by_asc(E::order_column())
            .order_by_asc(E::id_column())
            .all(&self.db)
            .await?;
        let mut grouped: HashMap<Uuid, Vec<E::Model>> = HashMap::with_capacity(keys.len());
        for row in rows {
            grouped.entry(E::parent(&row)).or_default().push(row);
        }
        Ok(grouped)
    }
}
