//! The rows that hang off a product and move with it between products: external refs,
//! stock, order lines and purchase lines. A connection's share of a product is its refs
//! plus the rows at its stores (locations).

use entities::{
    alert, location, order, order_line, product_external_ref, purchase, purchase_line, stock_level,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect, QueryTrait,
    sea_query::Expr,
};
use uuid::Uuid;

/// Which of a product's rows to move.
#[derive(Clone, Copy, Debug)]
pub enum Share {
    /// All of them (a merge).
    All,
    /// The refs of this connection and the rows at its stores (a split).
    Connection(Uuid),
}

/// Moves the rows of `share` from product `from` to product `to` (stock rows whole,
/// whatever columns they carry). Returns the number of rows moved.
pub async fn move_rows(
    db: &impl ConnectionTrait,
    from: Uuid,
    to: Uuid,
    share: Share,
) -> Result<u64, DbErr> {
    let stores = match share {
        Share::All => None,
        Share::Connection(connection) => Some(
            location::Entity::find()
                .select_only()
                .column(location::Column::Id)
                .filter(location::Column::ConnectionId.eq(connection))
                .into_query(),
        ),
    };
    let mut moved = 0;
    let mut refs = product_external_ref::Entity::update_many()
        .col_expr(product_external_ref::Column::ProductId, Expr::value(to))
        .filter(product_external_ref::Column::ProductId.eq(from));
    if let Share::Connection(connection) = share {
        refs = refs.filter(product_external_ref::Column::ConnectionId.eq(connection));
    }
    moved += refs.exec(db).await?.rows_affected;

    let mut stock = stock_level::Entity::update_many()
        .col_expr(stock_level::Column::ProductId, Expr::value(to))
        .filter(stock_level::Column::ProductId.eq(from));
    if let Some(stores) = &stores {
        stock = stock.filter(stock_level::Column::LocationId.in_subquery(stores.clone()));
    }
    moved += stock.exec(db).await?.rows_affected;

    let mut lines = order_line::Entity::update_many()
        .col_expr(order_line::Column::ProductId, Expr::value(to))
        .filter(order_line::Column::ProductId.eq(from));
    if let Some(stores) = &stores {
        let orders = order::Entity::find()
            .select_only()
            .column(order::Column::Id)
            .filter(order::Column::LocationId.in_subquery(stores.clone()))
            .into_query();
        lines = lines.filter(order_line::Column::OrderId.in_subquery(orders));
    }
    moved += lines.exec(db).await?.rows_affected;

    let mut purchased = purchase_line::Entity::update_many()
        .col_expr(purchase_line::Column::ProductId, Expr::value(to))
        .filter(purchase_line::Column::ProductId.eq(from));
    if let Some(stores) = &stores {
        let purchases = purchase::Entity::find()
            .select_only()
            .column(purchase::Column::Id)
            .filter(purchase::Column::LocationId.in_subquery(stores.clone()))
            .into_query();
        purchased = purchased.filter(purchase_line::Column::PurchaseId.in_subquery(purchases));
    }
    moved += purchased.exec(db).await?.rows_affected;

    if let Share::All = share {
        // alerts about the product stay readable on the survivor
        alert::Entity::update_many()
            .col_expr(alert::Column::ProductId, Expr::value(to))
            .filter(alert::Column::ProductId.eq(from))
            .exec(db)
            .await?;
    }
    Ok(moved)
}
