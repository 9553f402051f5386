//! An admin's merge of two products into one, and its undoing: `merge` moves every row
//! of the source onto the target, deletes the source and keeps its id as a redirect (with
//! a snapshot of its row); `split` moves one connection's share of a product out again,
//! onto the product the merge removed when there is one (its id and row as they were),
//! else onto a new product. Both are audited, run in one transaction, and announce the
//! change (cache tags, stock events).

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use entities::{
    enums::{ChangeSource, MatchRule, MatchStatus},
    product, product_external_ref, product_match, product_measure, product_redirect, stock_level,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, IntoActiveModel, QueryFilter, TransactionTrait, sea_query::Expr,
};
use serde_json::{Value, json};
use uuid::Uuid;

use super::scope::{Share, move_rows};
use crate::{
    audit::{self, AuditRecord},
    effects::{Announcer, Effects},
    error::ApiError,
};

/// Merges product `source` into `target`; returns the survivor. Refused with
/// `BAD_USER_INPUT` naming the field: a product into itself, products whose barcodes
/// differ, or products that carry records of one connection or stock at one store (a
/// POS's own products stay apart).
pub async fn merge(
    db: &DatabaseConnection,
    announcer: &Announcer,
    actor: &str,
    target: Uuid,
    source: Uuid,
) -> Result<product::Model, ApiError> {
    if target == source {
        return Err(ApiError::bad_field(
            "sourceId",
            "a product cannot be merged into itself",
        ));
    }
    let txn = db.begin().await?;
    let survivor = find(&txn, "targetId", target).await?;
    let merged = find(&txn, "sourceId", source).await?;
    let (survivor_refs, merged_refs) = (refs(&txn, target).await?, refs(&txn, source).await?);
    let upcs = |row: &product::Model, refs: &[product_external_ref::Model]| -> BTreeSet<String> {
        refs.iter()
            .filter_map(|r| r.upc.clone())
            .chain(row.upc.clone())
            .collect()
    };
    let (kept, gone) = (upcs(&survivor, &survivor_refs), upcs(&merged, &merged_refs));
    if !kept.is_empty() && !gone.is_empty() && kept != gone {
        return Err(ApiError::bad_field(
            "sourceId",
            format!(
                "the products' UPCs contradict ({} against {})",
                gone.into_iter().collect::<Vec<_>>().join(", "),
                kept.into_iter().collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    let connections: BTreeSet<Uuid> = merged_refs.iter().map(|r| r.connection_id).collect();
    if survivor_refs
        .iter()
        .any(|r| connections.contains(&r.connection_id))
    {
        return Err(ApiError::bad_field(
            "sourceId",
            "both products carry records of one POS connection, which keeps them apart",
        ));
    }
    let stock = |id| stock_level::Entity::find().filter(stock_level::Column::ProductId.eq(id));
    let kept_stores: BTreeSet<Uuid> = stock(target)
        .all(&txn)
        .await?
        .iter()
        .map(|s| s.location_id)
        .collect();
    let gone_stock = stock(source).all(&txn).await?;
    if gone_stock
        .iter()
        .any(|s| kept_stores.contains(&s.location_id))
    {
        return Err(ApiError::bad_field(
            "sourceId",
            "both products have stock at one store",
        ));
    }
    let now = Utc::now();
    let moved = absorb(&txn, target, &merged, now).await?;
    product_match::Model {
        id: Uuid::now_v7(),
        product_id: target,
        other_product_id: Some(source),
        connection_id: None,
        external_id: None,
        rule: MatchRule::Admin,
        evidence: json!({ "rule": "ADMIN", "merged": source, "connections": connections }),
        status: MatchStatus::Confirmed,
        conflict: false,
        decided_by: actor.to_owned(),
        created_at: now,
        updated_at: now,
    }
    .into_active_model()
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        AuditRecord {
            actor: actor.to_owned(),
            action: "product.merge",
            target_type: "Product",
            target_id: Some(target.to_string()),
            before: Some(json!({ "target": survivor, "source": merged })),
            after: Some(json!({ "survivor": target, "redirected": source, "rowsMoved": moved })),
        },
    )
    .await?;
    txn.commit().await?;
    let stores = gone_stock.iter().map(|s| s.location_id);
    announce(announcer, &[target, source], target, stores).await;
    Ok(survivor)
}

/// Moves every row of `source` onto `target`, deletes `source` and keeps its id as a
/// redirect to `target` with a snapshot of its row and measures (what a split restores).
/// Returns the number of rows moved.
pub async fn absorb(
    db: &impl ConnectionTrait,
    target: Uuid,
    source: &product::Model,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let connections: BTreeSet<Uuid> = product_external_ref::Entity::find()
        .filter(product_external_ref::Column::ProductId.eq(source.id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.connection_id)
        .collect();
    let measures = product_measure::Entity::find_by_id(source.id)
        .one(db)
        .await?;
    let snapshot = json!({ "product": source, "measures": measures });
    let moved = move_rows(db, source.id, target, Share::All).await?;
    // redirects to the source now lead to the survivor
    product_redirect::Entity::update_many()
        .col_expr(product_redirect::Column::ToId, Expr::value(target))
        .filter(product_redirect::Column::ToId.eq(source.id))
        .exec(db)
        .await?;
    product::Entity::delete_by_id(source.id).exec(db).await?;
    product_redirect::Model {
        from_id: source.id,
        to_id: target,
        connections: json!(connections),
        snapshot,
        created_at: now,
    }
    .into_active_model()
    .insert(db)
    .await?;
    Ok(moved)
}

/// Moves connection `connection`'s share of product `product_id` (its records and the
/// rows at its stores) to a product of its own: the product a merge removed, restored
/// with its id and row, when that merge brought this connection; else a copy of the
/// product under a new id. The matches that joined them are marked rejected. Returns
/// the product split off.
pub async fn split(
    db: &DatabaseConnection,
    announcer: &Announcer,
    actor: &str,
    product_id: Uuid,
    connection: Uuid,
) -> Result<product::Model, ApiError> {
    let txn = db.begin().await?;
    let current = find(&txn, "productId", product_id).await?;
    let all = refs(&txn, product_id).await?;
    let (leaving, staying): (Vec<_>, Vec<_>) =
        all.iter().partition(|r| r.connection_id == connection);
    if leaving.is_empty() {
        return Err(ApiError::bad_field(
            "connectionId",
            "the product carries no record of this connection",
        ));
    }
    if staying.is_empty() {
        return Err(ApiError::bad_field(
            "connectionId",
            "every record of the product is this connection's: nothing to split",
        ));
    }
    let redirect = product_redirect::Entity::find()
        .filter(product_redirect::Column::ToId.eq(product_id))
        .all(&txn)
        .await?
        .into_iter()
        .find(|r| {
            r.connections.as_array().is_some_and(|ids| {
                ids.iter()
                    .any(|id| id.as_str() == Some(&connection.to_string()))
            })
        });
    let now = Utc::now();
    let restored = redirect.as_ref().and_then(|r| restore(&r.snapshot));
    let (row, measures) = match restored {
        Some((row, measures)) => (row, measures),
        None => (
            product::Model {
                id: Uuid::now_v7(),
                created_at: now,
                updated_at: now,
                ..current.clone()
            },
            None,
        ),
    };
    let new_id = row.id;
    row.clone()
        .into_active_model()
        .reset_all()
        .insert(&txn)
        .await?;
    if let Some(measures) = measures {
        measures
            .into_active_model()
            .reset_all()
            .insert(&txn)
            .await?;
    }
    let moved = move_rows(&txn, product_id, new_id, Share::Connection(connection)).await?;
    if let Some(redirect) = &redirect {
        product_redirect::Entity::delete_by_id(redirect.from_id)
            .exec(&txn)
            .await?;
    }
    let external: Vec<&str> = leaving.iter().map(|r| r.external_id.as_str()).collect();
    product_match::Entity::update_many()
        .col_expr(
            product_match::Column::Status,
            Expr::value(MatchStatus::Rejected),
        )
        .col_expr(product_match::Column::DecidedBy, Expr::value(actor))
        .col_expr(product_match::Column::UpdatedAt, Expr::value(now))
        .filter(product_match::Column::ProductId.eq(product_id))
        .filter(product_match::Column::Conflict.eq(false))
        .filter(
            Condition::any()
                .add(product_match::Column::OtherProductId.eq(new_id))
                .add(
                    Condition::all()
                        .add(product_match::Column::ConnectionId.eq(connection))
                        .add(product_match::Column::ExternalId.is_in(external)),
                ),
        )
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        AuditRecord {
            actor: actor.to_owned(),
            action: "product.split",
            target_type: "Product",
            target_id: Some(product_id.to_string()),
            before: Some(json!({ "product": current })),
            after: Some(json!({
                "splitOff": new_id,
                "connectionId": connection,
                "restored": redirect.is_some(),
                "rowsMoved": moved,
            })),
        },
    )
    .await?;
    txn.commit().await?;
    let stores = stock_level::Entity::find()
        .filter(stock_level::Column::ProductId.eq(new_id))
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.location_id);
    announce(announcer, &[product_id, new_id], new_id, stores).await;
    Ok(row)
}

/// The product row and measures a redirect's snapshot holds (`None` when the snapshot
/// no longer reads as a row: the product table changed shape since).
fn restore(snapshot: &Value) -> Option<(product::Model, Option<product_measure::Model>)> {
    let row = serde_json::from_value(snapshot["product"].clone()).ok()?;
    let measures = serde_json::from_value(snapshot["measures"].clone()).ok()?;
    Some((row, measures))
}

async fn find(
    db: &impl ConnectionTrait,
    field: &str,
    id: Uuid,
) -> Result<product::Model, ApiError> {
    product::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::bad_field(field, format!("no product {id}")))
}

async fn refs(
    db: &impl ConnectionTrait,
    product_id: Uuid,
) -> Result<Vec<product_external_ref::Model>, ApiError> {
    Ok(product_external_ref::Entity::find()
        .filter(product_external_ref::Column::ProductId.eq(product_id))
        .all(db)
        .await?)
}

/// Announces the change: both products' cache entries and the moved stock.
async fn announce(
    announcer: &Announcer,
    products: &[Uuid],
    holder: Uuid,
    stores: impl Iterator<Item = Uuid>,
) {
    let mut effects = Effects::default();
    for product in products {
        effects.product_changed(*product);
    }
    for store in stores {
        effects.stock_changed(holder, store);
    }
    announcer.announce(effects, ChangeSource::Admin).await;
}
