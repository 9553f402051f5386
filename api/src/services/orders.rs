//! Online orders, and who may read them: a customer their own, an admin every one.

use entities::{enums::OrderStatus, order};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait};
use uuid::Uuid;

use super::{listing::ListFilter, paging::Direction};
use crate::{auth::Viewer, error::ApiError};

/// The orders a viewer may read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrderScope {
    /// Every order (admins).
    All,
    /// One customer's orders (that customer).
    Customer(Uuid),
}

impl OrderScope {
    /// The scope of `viewer`: anonymous callers are `UNAUTHENTICATED`, storefront
    /// tokens `FORBIDDEN` (orders need a customer or admin token).
    pub fn of(viewer: &Viewer) -> Result<Self, ApiError> {
        match viewer {
            Viewer::Admin { .. } => Ok(Self::All),
            Viewer::Customer { id } => Ok(Self::Customer(*id)),
            Viewer::Anonymous => Err(ApiError::Unauthenticated(
                "orders need a customer or admin token".into(),
            )),
            Viewer::Storefront => Err(ApiError::Forbidden(
                "orders need a customer or admin token".into(),
            )),
        }
    }

    /// Whether the scope includes `order`.
    pub fn allows(self, order: &order::Model) -> bool {
        match self {
            Self::All => true,
            Self::Customer(id) => order.customer_id == id,
        }
    }
}

/// Which orders a listing shows, within a scope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderFilter {
    /// Whose orders may appear at all.
    pub scope: OrderScope,
    /// Only this customer's orders (narrows an admin's listing).
    pub customer_id: Option<Uuid>,
    /// Only orders at this location.
    pub location_id: Option<Uuid>,
    /// Only orders in this status.
    pub status: Option<OrderStatus>,
}

impl OrderFilter {
    /// All orders in `scope`.
    pub const fn new(scope: OrderScope) -> Self {
        Self {
            scope,
            customer_id: None,
            location_id: None,
            status: None,
        }
    }
}

impl ListFilter for OrderFilter {
    type Entity = order::Entity;
    const ID: order::Column = order::Column::Id;
    const DIRECTION: Direction = Direction::Descending;

    fn condition(&self) -> Condition {
        let mut condition = Condition::all();
        if let OrderScope::Customer(id) = self.scope {
            condition = condition.add(order::Column::CustomerId.eq(id));
        }
        if let Some(id) = self.customer_id {
            condition = condition.add(order::Column::CustomerId.eq(id));
        }
        if let Some(id) = self.location_id {
            condition = condition.add(order::Column::LocationId.eq(id));
        }
        if let Some(status) = self.status {
            condition = condition.add(order::Column::Status.eq(status));
        }
        condition
    }
}

/// Order `id`, if it exists (whoever asks: check [`OrderScope::allows`]).
pub async fn find_order(db: &DatabaseConnection, id: Uuid) -> Result<Option<order::Model>, DbErr> {
    order::Entity::find_by_id(id).one(db).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn scope_follows_the_viewer() {
        let id = Uuid::now_v7();
        assert_eq!(
            OrderScope::of(&Viewer::Admin {
                subject: "ops".into()
            })
            .ok(),
            Some(OrderScope::All)
        );
        assert_eq!(
            OrderScope::of(&Viewer::Customer { id }).ok(),
            Some(OrderScope::Customer(id))
        );
        let code = |viewer| OrderScope::of(&viewer).err().map(|error| error.code());
        assert_eq!(code(Viewer::Anonymous), Some(ErrorCode::Unauthenticated));
        assert_eq!(code(Viewer::Storefront), Some(ErrorCode::Forbidden));
    }
}
