//! Adds a unique index on the sale purchase of an online order: at most one purchase
//! that is neither a return nor voided may link to an order, so the purchase Canopy
//! writes when the order is fulfilled and the POS transaction that rings it up are one
//! row, even when both arrive at once. Returns and voided sales of the order stay
//! separate rows.

use sea_orm_migration::prelude::*;

use crate::m20261125_000011_create_purchases::Purchases;

/// The migration.
#[derive(DeriveMigrationName)]
pub struct Migration;

/// The index name.
const NAME: &str = "ux_purchases_order_sale";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(NAME)
                    .table(Purchases::Table)
                    .col(Purchases::OrderId)
                    .unique()
                    .and_where(Expr::col(Purchases::OrderId).is_not_null())
                    .and_where(Expr::col(Purchases::IsReturn).eq(false))
                    .and_where(Expr::col(Purchases::IsVoid).eq(false))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(NAME).table(Purchases::Table).to_owned())
            .await
    }
}
