//! Customer profiles and their purchase history (admin reads; a customer reads their own
//! through `me`).

use chrono::{DateTime, Utc};
use entities::{customer, purchase};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    Value,
};
use uuid::Uuid;

use super::{
    listing::ListFilter,
    paging::{Direction, KeysetPosition, Page, PageRequest, read_page},
    text::search_any,
};

/// Which customers a listing shows. Profiles merged into another never appear.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomerFilter {
    /// Case-insensitive substring of the e-mail, phone, first or last name.
    pub search: Option<String>,
}

impl ListFilter for CustomerFilter {
    type Entity = customer::Entity;
    const ID: customer::Column = customer::Column::Id;
    const DIRECTION: Direction = Direction::Ascending;

    fn condition(&self) -> Condition {
        let mut condition = Condition::all().add(customer::Column::MergedIntoId.is_null());
        if let Some(search) = search_any(
            &[
                customer::Column::Email,
                customer::Column::Phone,
                customer::Column::FirstName,
                customer::Column::LastName,
            ],
            self.search.as_deref(),
        ) {
            condition = condition.add(search);
        }
        condition
    }
}

/// The keyset position of a purchase in a history: newest first, ties broken by id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PurchasePosition {
    /// When the purchase happened.
    pub occurred_at: DateTime<Utc>,
    /// The purchase id.
    pub id: Uuid,
}

impl KeysetPosition for PurchasePosition {
    fn values(&self) -> Vec<Value> {
        vec![self.occurred_at.into(), self.id.into()]
    }
}

impl From<&purchase::Model> for PurchasePosition {
    fn from(purchase: &purchase::Model) -> Self {
        Self {
            occurred_at: purchase.occurred_at,
            id: purchase.id,
        }
    }
}

/// One page of the purchases of `customers` (one person's profiles: online and in
/// store, returns and voids included), newest first.
pub async fn purchase_history(
    db: &DatabaseConnection,
    customers: &[Uuid],
    page: &PageRequest<PurchasePosition>,
) -> Result<Page<purchase::Model>, DbErr> {
    let select = purchase::Entity::find()
        .filter(purchase::Column::CustomerId.is_in(customers.iter().copied()));
    read_page(
        db,
        select,
        &[purchase::Column::OccurredAt, purchase::Column::Id],
        Direction::Descending,
        page,
    )
    .await
}

/// How many purchases `customers` (one person's profiles) have.
pub async fn count_purchases(db: &DatabaseConnection, customers: &[Uuid]) -> Result<u64, DbErr> {
    purchase::Entity::find()
        .filter(purchase::Column::CustomerId.is_in(customers.iter().copied()))
        .count(db)
        .await
}
