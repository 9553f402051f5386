//! Entities by primary key: `SELECT … WHERE id IN (…)`.

use std::{collections::HashMap, marker::PhantomData};

use async_graphql::dataloader::Loader;
use entities::{customer, location, order, product};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::LoadError;

/// An entity keyed by a UUID column.
pub trait Keyed: EntityTrait<Model: Clone + Send + Sync> {
    /// The key column.
    fn key_column() -> Self::Column;
    /// The key of a row.
    fn key(model: &Self::Model) -> Uuid;
}

macro_rules! keyed_by_id {
    ($($module:ident),+) => {$(
        impl Keyed for $module::Entity {
            fn key_column() -> Self::Column {
                $module::Column::Id
            }
            fn key(model: &Self::Model) -> Uuid {
                model.id
            }
        }
    )+};
}

keyed_by_id!(customer, location, order, product);

/// Loads `E` rows by key, one statement per batch.
pub struct ById<E> {
    db: DatabaseConnection,
    entity: PhantomData<fn() -> E>,
}

impl<E> ById<E> {
    /// A loader reading from `db`.
    pub const fn new(db: DatabaseConnection) -> Self {
        Self {
            db,
            entity: PhantomData,
        }
    }
}

impl<E: Keyed> Loader<Uuid> for ById<E> {
    type Value = E::Model;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, E::Model>, LoadError> {
        let rows = E::find()
            .filter(E::key_column().is_in(keys.iter().copied()))
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|row| (E::key(&row), row)).collect())
    }
}
