//! Returns made at the register: return transactions the sync engine stored as purchases
//! linked to an order. For every order with a recent one, the order is brought up to what
//! all its return transactions add up to (see [`super::returns`]).

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use entities::{enums::ChangeSource, purchase, purchase_line};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::{
    apply::{Applied, StatusApplier},
    returns::ReturnedSoFar,
};

/// Records on their orders the return transactions stored since `since`; returns the
/// orders that changed.
pub async fn reconcile(applier: &StatusApplier, since: DateTime<Utc>) -> Result<Vec<Uuid>, DbErr> {
    let db = applier.db();
    let recent: BTreeSet<Uuid> = returns_query()
        .filter(purchase::Column::CreatedAt.gte(since))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|p| p.order_id)
        .collect();
    let mut changed = Vec::new();
    for order_id in recent {
        let returned = returned_so_far(db, order_id).await?;
        if let Applied::Changed(_) = applier
            .record_returned_so_far(order_id, returned, ChangeSource::Poll)
            .await?
        {
            changed.push(order_id);
        }
    }
    Ok(changed)
}

fn returns_query() -> sea_orm::Select<purchase::Entity> {
    purchase::Entity::find()
        .filter(purchase::Column::IsReturn.eq(true))
        .filter(purchase::Column::IsVoid.eq(false))
        .filter(purchase::Column::OrderId.is_not_null())
}

/// What every return transaction of `order_id` adds up to.
async fn returned_so_far(
    db: &impl ConnectionTrait,
    order_id: Uuid,
) -> Result<ReturnedSoFar, DbErr> {
    let returns = returns_query()
        .filter(purchase::Column::OrderId.eq(order_id))
        .order_by_asc(purchase::Column::OccurredAt)
        .all(db)
        .await?;
    let lines = purchase_line::Entity::find()
        .filter(purchase_line::Column::PurchaseId.is_in(returns.iter().map(|p| p.id)))
        .all(db)
        .await?;
    let mut units: HashMap<Uuid, i64> = HashMap::new();
    for line in lines {
        if let Some(product) = line.product_id {
            *units.entry(product).or_default() += line.quantity.abs();
        }
    }
    Ok(ReturnedSoFar {
        units,
        refunded: returns.iter().map(|p| p.total.abs()).sum(),
        return_id: returns
            .last()
            .and_then(|p| p.external_id.clone())
            .unwrap_or_default(),
    })
}
