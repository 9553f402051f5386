//! Purchase history: POS transactions (sales, returns, voids) become purchases with
//! lines, one per (connection, POS transaction id). A transaction is immutable at the
//! POS except for being voided, so an existing purchase only ever gains its void flag:
//! replaying an older copy changes nothing.
//!
//! The sale of an online order is one purchase: when Canopy already wrote it at the
//! order's fulfilment, the POS's transaction takes that row over (its connection, id,
//! total, time and lines) instead of adding a second; a further standing sale the POS
//! rings for the same order is kept unlinked from it (the order counts once).

use std::collections::{HashMap, HashSet};

use entities::{enums::PurchaseSource, order, product, purchase, purchase_line};
use providers::model::{Batch, ExternalTransaction};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, sea_query::Expr,
};
use uuid::Uuid;

use super::{ApplyContext, Watermark, batches, newest_per_id};
use crate::{effects::Effects, orders::sale, sync::lookup};

const ENDPOINT: &str = "transactions";
/// Rows per multi-row `INSERT`.
const INSERT_CHUNK: usize = 200;

/// Applies a transaction batch; returns where the transactions cursor may move.
pub async fn apply_transactions(
    db: &impl ConnectionTrait,
    ctx: &ApplyContext,
    batch: &Batch<ExternalTransaction>,
    effects: &mut Effects,
) -> Result<Watermark, DbErr> {
    let mut mark = ctx.begin(effects, batch);
    let incoming = newest_per_id(&batch.items);
    let ids: Vec<&str> = incoming.keys().copied().collect();
    let existing = existing(db, ctx, &ids).await?;
    let new: Vec<&ExternalTransaction> = incoming
        .values()
        .filter(|t| !existing.contains_key(&t.external_id))
        .copied()
        .collect();

    // voids of purchases already stored
    for transaction in incoming.values() {
        mark.saw(transaction.modified_at);
        if let Some(stored) = existing.get(&transaction.external_id)
            && transaction.is_void
            && !stored.is_void
        {
            purchase::Entity::update_many()
                .col_expr(purchase::Column::IsVoid, Expr::value(true))
                .col_expr(purchase::Column::UpdatedAt, Expr::value(ctx.now))
                .filter(purchase::Column::Id.eq(stored.id))
                .exec(db)
                .await?;
            if let Some(customer) = stored.customer_id {
                effects.purchases_changed(customer);
            }
        }
    }
    if new.is_empty() {
        return Ok(mark);
    }

    let locations = lookup::locations(db, ctx.connection_id).await?;
    let customer_ids: Vec<&str> = new
        .iter()
        .filter_map(|t| t.external_customer_id.as_deref())
        .collect();
    let customers = lookup::customers(db, ctx.connection_id, &customer_ids).await?;
    let line_products: Vec<&str> = new
        .iter()
        .flat_map(|t| &t.lines)
        .map(|l| l.external_product_id.as_str())
        .collect();
    let product_ids = lookup::products(db, ctx.connection_id, &line_products).await?;
    let known: Vec<Uuid> = product_ids.values().copied().collect();
    let products =
        lookup::by_id::<product::Entity>(db, product::Column::Id, |p| p.id, &known).await?;
    let orders = orders(db, ctx, &new).await?;
    let linked: Vec<Uuid> = new.iter().filter_map(|t| order_of(&orders, t)).collect();
    let mut sales = sale::sales_of(db, &linked).await?;

    let mut purchases = Vec::new();
    let mut lines = Vec::new();
    for transaction in new {
        let Some(location) = locations.get(&transaction.external_location_id) else {
            ctx.unresolved(
                effects,
                &mut mark,
                ENDPOINT,
                &transaction.external_id,
                format!(
                    "transaction at unknown location {}",
                    transaction.external_location_id
                ),
                transaction.modified_at.or(Some(transaction.occurred_at)),
            );
            continue;
        };
        let customer_id = transaction
            .external_customer_id
            .as_deref()
            .and_then(|id| customers.get(id))
            .map(|r| r.customer_id);
        let standing = !transaction.is_return && !transaction.is_void;
        let (order_id, ours) = match order_of(&orders, transaction) {
            Some(order) if standing => match sales.get(&order) {
                Some(ours) if ours.external_id.is_none() => (Some(order), Some(ours.clone())),
                Some(_) => {
                    tracing::warn!(%order, transaction = %transaction.external_id, "a second sale for one order kept apart from it");
                    (None, None)
                }
                None => (Some(order), None),
            },
            other => (other, None),
        };
        // the sale of an online order is its buyer's, even when the POS names nobody
        // (or someone Canopy cannot match): without this it would drop out of the
        // buyer's history whenever the sale is pulled before the order's completion
        let customer_id =
            customer_id.or_else(|| order_id.and_then(|o| orders.buyers.get(&o).copied()));
        let row = purchase::Model {
            id: ours.as_ref().map_or_else(Uuid::now_v7, |o| o.id),
            customer_id,
            source: if order_id.is_some() {
                PurchaseSource::Online
            } else {
                PurchaseSource::InStore
            },
            order_id,
            connection_id: Some(ctx.connection_id),
            external_id: Some(transaction.external_id.clone()),
            return_of_external_id: transaction.return_of.clone(),
            location_id: location.id,
            total: transaction.total.amount,
            currency: transaction.total.currency.clone(),
            occurred_at: transaction.occurred_at,
            is_return: transaction.is_return,
            is_void: transaction.is_void,
            created_at: ctx.now,
            updated_at: ctx.now,
        };
        let id = row.id;
        match &ours {
            Some(ours) => {
                sale::take_over(db, ours, &row).await?;
                if let Some(customer) = ours.customer_id {
                    effects.purchases_changed(customer);
                }
            }
            None => purchases.push(row.clone().into_active_model().reset_all()),
        }
        if let Some(order) = order_id.filter(|_| standing) {
            sales.insert(order, row);
        }
        for line in &transaction.lines {
            let product = product_ids
                .get(&line.external_product_id)
                .and_then(|id| products.get(id));
            lines.push(
                purchase_line::Model {
                    id: Uuid::now_v7(),
                    purchase_id: id,
                    product_id: product.map(|p| p.id),
                    external_product_id: Some(line.external_product_id.clone()),
                    quantity: line.quantity,
                    amount: line.amount.amount,
                    currency: line.amount.currency.clone(),
                    returned: line.returned,
                    flower_equivalent_grams: product
                        .and_then(|p| p.flower_equivalent_grams)
                        .map_or(0.0, |grams| grams * line.quantity as f64),
                    product_class: None,
                    package_tag: line.package_tag.clone(),
                }
                .into_active_model()
                .reset_all(),
            );
        }
        if let Some(customer) = customer_id {
            effects.purchases_changed(customer);
        }
    }
    for batch in batches(purchases, INSERT_CHUNK) {
        purchase::Entity::insert_many(batch)
            .exec_without_returning(db)
            .await?;
    }
    for batch in batches(lines, INSERT_CHUNK) {
        purchase_line::Entity::insert_many(batch)
            .exec_without_returning(db)
            .await?;
    }
    Ok(mark)
}

/// The connection's purchases already stored for these POS transaction ids.
async fn existing(
    db: &impl ConnectionTrait,
    ctx: &ApplyContext,
    ids: &[&str],
) -> Result<HashMap<String, purchase::Model>, DbErr> {
    let mut found = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(crate::db::CHUNK) {
        let rows = purchase::Entity::find()
            .filter(purchase::Column::ConnectionId.eq(ctx.connection_id))
            .filter(purchase::Column::ExternalId.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        found.extend(
            rows.into_iter()
                .filter_map(|row| row.external_id.clone().map(|id| (id, row))),
        );
    }
    Ok(found)
}

/// Canopy orders these transactions fulfilled, by POS order id and by our own id (the
/// reference the POS echoes), with each order's buyer.
struct Orders {
    by_external_id: HashMap<String, Uuid>,
    ours: HashSet<Uuid>,
    buyers: HashMap<Uuid, Uuid>,
}

async fn orders(
    db: &impl ConnectionTrait,
    ctx: &ApplyContext,
    transactions: &[&ExternalTransaction],
) -> Result<Orders, DbErr> {
    let external: Vec<&str> = transactions
        .iter()
        .filter_map(|t| t.external_order_id.as_deref())
        .collect();
    let references: Vec<Uuid> = transactions
        .iter()
        .filter_map(|t| t.order_reference.as_deref())
        .filter_map(|r| Uuid::parse_str(r).ok())
        .collect();
    let mut orders = Orders {
        by_external_id: HashMap::new(),
        ours: HashSet::new(),
        buyers: HashMap::new(),
    };
    for chunk in external.chunks(crate::db::CHUNK) {
        let rows = order::Entity::find()
            .filter(order::Column::ConnectionId.eq(ctx.connection_id))
            .filter(order::Column::ExternalId.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        orders
            .buyers
            .extend(rows.iter().map(|row| (row.id, row.customer_id)));
        orders.by_external_id.extend(
            rows.into_iter()
                .filter_map(|row| row.external_id.map(|id| (id, row.id))),
        );
    }
    for chunk in references.chunks(crate::db::CHUNK) {
        let rows = order::Entity::find()
            .filter(order::Column::Id.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        orders
            .buyers
            .extend(rows.iter().map(|row| (row.id, row.customer_id)));
        orders.ours.extend(rows.into_iter().map(|row| row.id));
    }
    Ok(orders)
}

fn order_of(orders: &Orders, transaction: &ExternalTransaction) -> Option<Uuid> {
    transaction
        .external_order_id
        .as_deref()
        .and_then(|id| orders.by_external_id.get(id).copied())
        .or_else(|| {
            transaction
                .order_reference
                .as_deref()
                .and_then(|r| Uuid::parse_str(r).ok())
                .filter(|id| orders.ours.contains(id))
        })
}
