//! The public catalog: products listed at a store (any store, or one), filtered and
//! paged by id.

use entities::{enums::ProductCategory, product, stock_level};
use sea_orm::{ColumnTrait, Condition, sea_query::Query};
use uuid::Uuid;

use super::{listing::ListFilter, paging::Direction, text::search_any};

/// Which products a catalog listing shows. Every listing shows listed products only: a
/// product no store lists is not on any menu.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProductFilter {
    /// Only products listed at this location (else those listed at any).
    pub location_id: Option<Uuid>,
    /// Case-insensitive substring of the name or the brand.
    pub search: Option<String>,
    /// Only this category.
    pub category: Option<ProductCategory>,
}

impl ListFilter for ProductFilter {
    type Entity = product::Entity;
    const ID: product::Column = product::Column::Id;
    const DIRECTION: Direction = Direction::Ascending;

    /// The `WHERE` condition of the filter (without the paging position).
    fn condition(&self) -> Condition {
        let mut listed = Query::select()
            .column(stock_level::Column::ProductId)
            .from(stock_level::Entity)
            .and_where(stock_level::Column::Listed.eq(true))
            .to_owned();
        if let Some(location_id) = self.location_id {
            listed.and_where(stock_level::Column::LocationId.eq(location_id));
        }
        let mut condition = Condition::all().add(product::Column::Id.in_subquery(listed));
        if let Some(category) = self.category {
            condition = condition.add(product::Column::Category.eq(category));
        }
        if let Some(search) = search_any(
            &[product::Column::Name, product::Column::Brand],
            self.search.as_deref(),
        ) {
            condition = condition.add(search);
        }
        condition
    }
}
