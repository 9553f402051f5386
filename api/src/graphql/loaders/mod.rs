//! DataLoaders: every object the schema reaches by id, and every list hanging off a
//! parent, is loaded here with one `IN (…)` statement per batch, so a page of N products
//! with their stock costs the same number of statements for any N.
//!
//! One [`Loaders`] lives in the schema's data. Loaders keep no cache (stock changes by the
//! second); they only batch the keys requested together, within a request or across
//! concurrent ones.

mod by_id;
mod by_parent;

use std::sync::Arc;

use async_graphql::{Context, dataloader::DataLoader};
use entities::{customer, location, order, order_line, product, stock_level};
use sea_orm::{DatabaseConnection, DbErr};
use uuid::Uuid;

pub use by_id::{ById, Keyed};
pub use by_parent::{ByParent, Child};

use crate::error::ApiError;

/// A failed batch load. Cloned to every caller waiting on the batch.
#[derive(Clone, Debug, thiserror::Error)]
#[error("batch load failed: {0}")]
pub struct LoadError(#[source] Arc<DbErr>);

impl From<DbErr> for LoadError {
    fn from(error: DbErr) -> Self {
        Self(Arc::new(error))
    }
}

/// A batch load fails as its database error does (an outage is `UPSTREAM_UNAVAILABLE`).
impl From<LoadError> for ApiError {
    fn from(error: LoadError) -> Self {
        Self::Database(Arc::unwrap_or_clone(error.0))
    }
}

/// The loaders of every entity the schema resolves by key.
pub struct Loaders {
    /// Products by id.
    pub products: DataLoader<ById<product::Entity>>,
    /// Locations by id.
    pub locations: DataLoader<ById<location::Entity>>,
    /// Customers by id.
    pub customers: DataLoader<ById<customer::Entity>>,
    /// Orders by id.
    pub orders: DataLoader<ById<order::Entity>>,
    /// Stock levels by product id (every location).
    pub stock_by_product: DataLoader<ByParent<stock_level::Entity>>,
    /// Order lines by order id.
    pub lines_by_order: DataLoader<ByParent<order_line::Entity>>,
}

impl Loaders {
    /// Loaders reading from `db`, batching on the Tokio runtime.
    pub fn new(db: &DatabaseConnection) -> Self {
        Self {
            products: DataLoader::new(ById::new(db.clone()), tokio::spawn),
            locations: DataLoader::new(ById::new(db.clone()), tokio::spawn),
            customers: DataLoader::new(ById::new(db.clone()), tokio::spawn),
            orders: DataLoader::new(ById::new(db.clone()), tokio::spawn),
            stock_by_product: DataLoader::new(ByParent::new(db.clone()), tokio::spawn),
            lines_by_order: DataLoader::new(ByParent::new(db.clone()), tokio::spawn),
        }
    }

    /// The loaders of the current request's schema.
    pub fn of<'a>(ctx: &Context<'a>) -> Result<&'a Self, ApiError> {
        ctx.data::<Self>()
            .map_err(|_| ApiError::internal("the schema carries no Loaders"))
    }
}

/// Loads one entity by id through its loader (`None` when there is none).
pub async fn load_one<E>(
    loader: &DataLoader<ById<E>>,
    id: Uuid,
) -> Result<Option<E::Model>, ApiError>
where
    E: Keyed,
{
    Ok(loader.load_one(id).await?)
}

/// Loads an entity that a foreign key guarantees (a missing row is an internal error).
pub async fn load_required<E>(loader: &DataLoader<ById<E>>, id: Uuid) -> Result<E::Model, ApiError>
where
    E: Keyed,
{
    load_one(loader, id).await?.ok_or_else(|| {
        ApiError::internal(format!(
            "{} {id} is referenced but missing",
            E::default().table_name()
        ))
    })
}

/// Loads the children of one parent through its loader (empty when there are none).
pub async fn load_children<E>(
    loader: &DataLoader<ByParent<E>>,
    parent_id: Uuid,
) -> Result<Vec<E::Model>, ApiError>
where
    E: Child,
{
    Ok(loader.load_one(parent_id).await?.unwrap_or_default())
}
