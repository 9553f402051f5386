//! Customer profiles and their purchase history (admin reads; a customer reads their own
//! through `me`).

use chrono::{DateTime, Utc};
use entities::{customer, purchase};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::{
    paging::{Page, PageRequest},
    text::contains_ignore_case,
};

/// Which customers a listing shows. Profiles merged into another never appear.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomerFilter {
    /// Case-insensitive substring of the e-mail, phone, first or last name.
    pub search: Option<String>,
}

impl CustomerFilter {
    fn condition(&self) -> Condition {
        let mut condition = Condition::all().add(customer::Column::MergedIntoId.is_null());
        if let Some(term) = self
            .search
            .as_deref()
            .filter(|term| !term.trim().is_empty())
        {
            condition = condition.add(
                Condition::any()
                    .add(contains_ignore_case(customer::Column::Email, term))
                    .add(contains_ignore_case(customer::Column::Phone, term))
                    .add(contains_ignore_case(customer::Column::FirstName, term))
                    .add(contains_ignore_case(customer::Column::LastName, term)),
            );
        }
        condition
    }
}

/// One page of the customers matching `filter`, in id (creation) order.
pub async fn find_customers(
    db: &DatabaseConnection,
    filter: &CustomerFilter,
    page: &PageRequest<Uuid>,
) -> Result<Page<customer::Model>, DbErr> {
    let mut query = customer::Entity::find().filter(filter.condition());
    if let Some(after) = page.after {
        query = query.filter(customer::Column::Id.gt(after));
    }
    let rows = query
        .order_by_asc(customer::Column::Id)
        .limit(page.limit())
        .all(db)
        .await?;
    Ok(Page::from_rows(rows, page))
}

/// How many customers match `filter`.
pub async fn count_customers(
    db: &DatabaseConnection,
    filter: &CustomerFilter,
) -> Result<u64, DbErr> {
    customer::Entity::find()
        .filter(filter.condition())
        .count(db)
        .await
}

/// The keyset position of a purchase in a history: newest first, ties broken by id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PurchasePosition {
    /// When the purchase happened.
    pub occurred_at: DateTime<Utc>,
    /// The purchase id.
    pub id: Uuid,
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
    let mut query = purchase::Entity::find()
        .filter(purchase::Column::CustomerId.is_in(customers.iter().copied()));
    if let Some(after) = page.after {
        query = query.filter(
            Condition::any()
                .add(purchase::Column::OccurredAt.lt(after.occurred_at))
                .add(
                    Condition::all()
                        .add(purchase::Column::OccurredAt.eq(after.occurred_at))
                        .add(purchase::Column::Id.lt(after.id)),
                ),
        );
    }
    let rows = query
        .order_by_desc(purchase::Column::OccurredAt)
        .order_by_desc(purchase::Column::Id)
        .limit(page.limit())
        .all(db)
        .await?;
    Ok(Page::from_rows(rows, page))
}

/// How many purchases `customers` (one person's profiles) have.
pub async fn count_purchases(db: &DatabaseConnection, customers: &[Uuid]) -> Result<u64, DbErr> {
    purchase::Entity::find()
        .filter(purchase::Column::CustomerId.is_in(customers.iter().copied()))
        .count(db)
        .await
}
