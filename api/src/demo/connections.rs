//! The demo's provider connections: found by name, so a restart with the same SQLite
//! file reuses them, pointed at the simulators' new ports and sealed under this run's
//! master key.

use entities::{purchase, stock_level, sync_cursor};
use providers::ConnectionConfig;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, sea_query::Expr};
use uuid::Uuid;

use super::{DemoConfig, DemoError};
use crate::{
    connections::{self, ConnectionInput},
    sync::Synchronizer,
};

/// Stores the connection `name` reaching `config`, replacing an earlier demo's row.
pub(super) async fn upsert(
    sync: &Synchronizer,
    name: &str,
    config: ConnectionConfig,
    demo: &DemoConfig,
) -> Result<Uuid, DemoError> {
    let kind = config.kind;
    let input = ConnectionInput {
        poll_interval: demo.poll_interval,
        full_sync_interval: demo.full_sync_interval,
        ..ConnectionInput::from_config(name, config)
    };
    let db = sync.db();
    match connections::find_by_name(db, kind, name).await? {
        Some(existing) => {
            forget_previous_run(db, existing.id).await?;
            Ok(
                connections::replace(db, sync.keyring(), existing.id, &input)
                    .await?
                    .id,
            )
        }
        None => Ok(connections::create(db, sync.keyring(), &input).await?.id),
    }
}

/// The simulators restart from their seed, so the POS history an earlier run saw is
/// gone: forget its cursors, its stock stamps (so the seed's counts apply again) and
/// the register sales it imported (their ids will be reused by the new simulators).
async fn forget_previous_run(db: &impl ConnectionTrait, connection_id: Uuid) -> Result<(), DbErr> {
    sync_cursor::Entity::delete_many()
        .filter(sync_cursor::Column::ConnectionId.eq(connection_id))
        .exec(db)
        .await?;
    stock_level::Entity::update_many()
        .col_expr(
            stock_level::Column::PosUpdatedAt,
            Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
        )
        .filter(
            stock_level::Column::LocationId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(entities::location::Column::Id)
                    .from(entities::location::Entity)
                    .and_where(entities::location::Column::ConnectionId.eq(connection_id))
                    .to_owned(),
            ),
        )
        .exec(db)
        .await?;
    purchase::Entity::delete_many()
        .filter(purchase::Column::ConnectionId.eq(connection_id))
        .filter(purchase::Column::OrderId.is_null())
        .exec(db)
        .await?;
    Ok(())
}
