//! Lists of one entity's rows chosen by a filter, read a page at a time along the id:
//! the products, customers and orders lists are each a [`ListFilter`], and
//! [`find_page`] and [`count_matching`] serve all of them.

use sea_orm::{
    Condition, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter,
};
use uuid::Uuid;

use super::paging::{Direction, Page, PageRequest, read_page};

/// A filter over one entity's rows, listed by id.
pub trait ListFilter {
    /// The listed entity.
    type Entity: EntityTrait;
    /// The entity's id column, the list's key.
    const ID: <Self::Entity as EntityTrait>::Column;
    /// Which way the list runs along the id.
    const DIRECTION: Direction;
    /// The rows that match.
    fn condition(&self) -> Condition;
}

/// The model a filter lists.
pub type Listed<F> = <<F as ListFilter>::Entity as EntityTrait>::Model;

/// One page of the rows matching `filter` (`after` is the id of the last row seen).
pub async fn find_page<F: ListFilter>(
    db: &impl ConnectionTrait,
    filter: &F,
    page: &PageRequest<Uuid>,
) -> Result<Page<Listed<F>>, DbErr> {
    let select = F::Entity::find().filter(filter.condition());
    read_page(db, select, &[F::ID], F::DIRECTION, page).await
}

/// How many rows match `filter`, across all pages.
pub async fn count_matching<F>(db: &impl ConnectionTrait, filter: &F) -> Result<u64, DbErr>
where
    F: ListFilter,
    Listed<F>: FromQueryResult + Send + Sync,
{
    F::Entity::find().filter(filter.condition()).count(db).await
}
