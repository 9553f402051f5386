//! Order status changes a POS pushes by webhook (Jane): the webhook module verifies and
//! parses the delivery, then hands each order event here.

use entities::{enums::ChangeSource, location, order};
use providers::model::PosOrderStatus;
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter, sea_query::Query};
use uuid::Uuid;

use super::apply::{Applied, Authority, StatusApplier};
use super::reported::observation;

/// Applies a status `connection_id`'s POS pushed for one of its orders, found by the
/// POS's order id or by our reference (our order id, when the POS echoes it). An order
/// Canopy does not know (placed in the vendor's own checkout) is logged and ignored.
pub async fn on_order_status(
    applier: &StatusApplier,
    connection_id: Uuid,
    status: &PosOrderStatus,
    order_reference: Option<&str>,
) -> Result<Applied, DbErr> {
    let Some(order_id) = find_order(applier, connection_id, status, order_reference).await? else {
        tracing::info!(connection = %connection_id, "webhook order status for an order Canopy did not place; ignored");
        return Ok(Applied::NoOrder);
    };
    applier
        .apply(
            order_id,
            observation(status),
            ChangeSource::Webhook,
            Authority::Pos,
        )
        .await
}

async fn find_order(
    applier: &StatusApplier,
    connection_id: Uuid,
    status: &PosOrderStatus,
    order_reference: Option<&str>,
) -> Result<Option<Uuid>, DbErr> {
    let mut locations = Query::select();
    locations
        .column(location::Column::Id)
        .from(location::Entity)
        .and_where(location::Column::ConnectionId.eq(connection_id));
    let by_external = order::Entity::find()
        .filter(order::Column::ExternalId.eq(status.external_id.as_str()))
        .filter(order::Column::LocationId.in_subquery(locations.clone()))
        .one(applier.db())
        .await?;
    if let Some(order) = by_external {
        return Ok(Some(order.id));
    }
    let Some(reference) = order_reference.and_then(|r| Uuid::parse_str(r).ok()) else {
        return Ok(None);
    };
    Ok(order::Entity::find_by_id(reference)
        .filter(order::Column::LocationId.in_subquery(locations))
        .one(applier.db())
        .await?
        .map(|order| order.id))
}
