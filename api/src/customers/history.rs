//! One purchase history per person: the purchases of a profile and of every profile
//! merged into it. Each POS transaction is one purchase, and so is each fulfilled online
//! order: written when the order is completed or delivered and taken over by the POS's
//! transaction when it is pulled (see [`crate::orders::sale`]), so it counts once.
//! Voids count for nothing and returns are taken off.

use entities::purchase;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

/// Currency used when a customer has no purchase yet.
const DEFAULT_CURRENCY: &str = "USD";

/// Totals of a purchase history.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Totals {
    /// Sales counted (not voided, not returns).
    pub sales: u64,
    /// Returns counted (not voided).
    pub returns: u64,
    /// Voided transactions (counted for nothing).
    pub voided: u64,
    /// Sum of the sales, minor units.
    pub spent: i64,
    /// Sum of the returns, minor units.
    pub refunded: i64,
    /// ISO 4217 currency of the amounts.
    pub currency: String,
}

impl Totals {
    /// What the customer is worth: sales less returns.
    pub fn net(&self) -> i64 {
        self.spent - self.refunded
    }
}

/// The totals of the purchases of `customers` (a family).
pub async fn totals(db: &impl ConnectionTrait, customers: &[Uuid]) -> Result<Totals, DbErr> {
    let rows = purchase::Entity::find()
        .filter(purchase::Column::CustomerId.is_in(customers.iter().copied()))
        .all(db)
        .await?;
    let mut totals = Totals {
        currency: rows
            .first()
            .map_or(DEFAULT_CURRENCY.to_owned(), |p| p.currency.clone()),
        ..Totals::default()
    };
    for row in rows {
        if row.is_void {
            totals.voided += 1;
        } else if row.is_return {
            totals.returns += 1;
            totals.refunded += row.total.abs();
        } else {
            totals.sales += 1;
            totals.spent += row.total.abs();
        }
    }
    Ok(totals)
}
