//! Stock counts: applied only when newer than the POS time stored with the row; a
//! complete snapshot also zeroes what it no longer lists. Only `on_hand` and the POS
//! stamps are written: `reserved` belongs to Canopy's orders and is never touched.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use entities::stock_level::{self, Column, Entity, Model};
use providers::model::{StockRecord, StockSnapshot};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter,
    sea_query::{Expr, OnConflict},
};
use uuid::Uuid;

use super::{ApplyContext, Watermark, batches};
use crate::{
    effects::Effects,
    sync::{
        discrepancy::{self, StockChange},
        lookup,
    },
};

const ENDPOINT: &str = "stock";
/// Rows per multi-row `INSERT`.
const INSERT_CHUNK: usize = 500;

/// Applies a stock snapshot or change list; returns where the stock cursor may move.
pub async fn apply_stock(
    db: &impl ConnectionTrait,
    ctx: &ApplyContext,
    snapshot: &StockSnapshot,
    effects: &mut Effects,
) -> Result<Watermark, DbErr> {
    let mut mark = Watermark::default();
    for rejected in &snapshot.rejected {
        ctx.reject(effects, rejected);
    }
    let locations = lookup::locations(db, ctx.connection_id).await?;
    let ids: Vec<&str> = snapshot
        .records
        .iter()
        .map(|r| r.external_product_id.as_str())
        .collect();
    let products = lookup::products(db, ctx.connection_id, &ids).await?;
    // one count per product and store per POS time; two different ones are a duplicate
    discrepancy::check_duplicates(
        ctx,
        ENDPOINT,
        snapshot.records.iter().map(|r| {
            (
                format!(
                    "{}@{}@{}",
                    r.external_product_id,
                    r.external_location_id,
                    r.observed_at.to_rfc3339()
                ),
                r.on_hand,
            )
        }),
        effects,
    );

    // the newest record per (product, location)
    let mut latest: HashMap<(Uuid, Uuid), &StockRecord> = HashMap::new();
    for record in &snapshot.records {
        mark.saw(Some(record.observed_at));
        let location = locations.get(&record.external_location_id).map(|l| l.id);
        let product = products.get(&record.external_product_id).copied();
        let (Some(product), Some(location)) = (product, location) else {
            ctx.unresolved(
                effects,
                &mut mark,
                ENDPOINT,
                &record.external_product_id,
                format!(
                    "stock for unknown product {} or location {}",
                    record.external_product_id, record.external_location_id
                ),
                Some(record.observed_at),
            );
            continue;
        };
        match latest.get(&(product, location)) {
            Some(seen) if seen.observed_at > record.observed_at => {}
            _ => {
                latest.insert((product, location), record);
            }
        }
    }

    let location_ids: Vec<Uuid> = locations.values().map(|l| l.id).collect();
    let currencies: HashMap<Uuid, &str> =
        locations.values().map(|l| (l.id, l.currency())).collect();
    // a complete snapshot is compared with everything stored; a change list with its own rows
    let stored = if snapshot.complete {
        stored_rows(db, &location_ids, None).await?
    } else {
        let products: Vec<Uuid> = latest.keys().map(|(product, _)| *product).collect();
        stored_rows(db, &location_ids, Some(&products)).await?
    };
    let mut inserts = Vec::new();
    let mut touches: BTreeMap<DateTime<Utc>, Vec<Uuid>> = BTreeMap::new();
    for (&(product, location), record) in &latest {
        match stored.get(&(product, location)) {
            None => {
                let currency = currencies.get(&location).copied().unwrap_or_default();
                inserts.push(new_row(ctx, product, location, currency, record));
                effects.stock_changed(product, location);
            }
            Some(row)
                if row
                    .pos_updated_at
                    .is_some_and(|at| at >= record.observed_at) => {}
            Some(row) if row.on_hand == record.on_hand && row.package_tag == record.package_tag => {
                touches.entry(record.observed_at).or_default().push(row.id);
            }
            Some(row) => {
                if set_on_hand(
                    db,
                    ctx,
                    row.id,
                    record.on_hand,
                    record.package_tag.clone(),
                    record.observed_at,
                )
                .await?
                {
                    effects.stock_changed(product, location);
                    // the first count of a row the catalog made (an offer) is no jump
                    if row.pos_updated_at.is_some() {
                        let change = changed(row, record.on_hand, record.observed_at);
                        discrepancy::check_stock(db, ctx, &change, effects).await?;
                    }
                }
            }
        }
    }
    if snapshot.complete && !latest.is_empty() {
        let listed: HashSet<(Uuid, Uuid)> = latest.keys().copied().collect();
        let at = latest
            .values()
            .map(|r| r.observed_at)
            .max()
            .unwrap_or(ctx.now);
        for row in stored.values() {
            if row.on_hand > 0
                && !listed.contains(&(row.product_id, row.location_id))
                && row.pos_updated_at.is_none_or(|stored| stored < at)
                && set_on_hand(db, ctx, row.id, 0, row.package_tag.clone(), at).await?
            {
                effects.stock_changed(row.product_id, row.location_id);
                discrepancy::check_stock(db, ctx, &changed(row, 0, at), effects).await?;
            }
        }
    }
    for batch in batches(inserts, INSERT_CHUNK) {
        Entity::insert_many(batch)
            .on_conflict(
                OnConflict::columns([Column::ProductId, Column::LocationId])
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    for (at, ids) in touches {
        for chunk in ids.chunks(crate::db::CHUNK) {
            Entity::update_many()
                .col_expr(Column::PosUpdatedAt, Expr::value(at))
                .filter(Column::Id.is_in(chunk.iter().copied()))
                .filter(older_than(at))
                .exec(db)
                .await?;
        }
    }
    Ok(mark)
}

/// The stock rows at the connection's locations (of `products` only, when given), by
/// (product, location).
async fn stored_rows(
    db: &impl ConnectionTrait,
    location_ids: &[Uuid],
    products: Option<&[Uuid]>,
) -> Result<HashMap<(Uuid, Uuid), Model>, DbErr> {
    let mut rows = HashMap::new();
    let at_locations = Column::LocationId.is_in(location_ids.iter().copied());
    let found = match products {
        None => Entity::find().filter(at_locations).all(db).await?,
        Some(products) => {
            let mut found = Vec::new();
            for chunk in products.chunks(crate::db::CHUNK) {
                found.extend(
                    Entity::find()
                        .filter(at_locations.clone())
                        .filter(Column::ProductId.is_in(chunk.iter().copied()))
                        .all(db)
                        .await?,
                );
            }
            found
        }
    };
    rows.extend(
        found
            .into_iter()
            .map(|r| ((r.product_id, r.location_id), r)),
    );
    Ok(rows)
}

/// A row for a count that came before the store's catalog record: not listed (and
/// without a price) until the catalog says otherwise.
fn new_row(
    ctx: &ApplyContext,
    product_id: Uuid,
    location_id: Uuid,
    currency: &str,
    record: &StockRecord,
) -> stock_level::ActiveModel {
    Model {
        id: Uuid::now_v7(),
        product_id,
        location_id,
        on_hand: record.on_hand.max(0),
        reserved: 0,
        pos_updated_at: Some(record.observed_at),
        pos_version: None,
        package_tag: record.package_tag.clone(),
        updated_at: ctx.now,
        price: None,
        med_price: None,
        currency: currency.to_owned(),
        listed: false,
        max_per_transaction: None,
        offer_modified_at: None,
    }
    .into_active_model()
    .reset_all()
}

/// The change of `row` to `on_hand`, counted by the POS at `at`.
fn changed(row: &Model, on_hand: i64, at: DateTime<Utc>) -> StockChange {
    StockChange {
        product_id: row.product_id,
        location_id: row.location_id,
        before: row.on_hand,
        after: on_hand.max(0),
        reserved: row.reserved,
        since: row.pos_updated_at,
        at,
    }
}

/// Sets a row's on-hand count if the row is still older than `at` (a concurrent newer
/// write wins); `true` when the row changed.
async fn set_on_hand(
    db: &impl ConnectionTrait,
    ctx: &ApplyContext,
    id: Uuid,
    on_hand: i64,
    package_tag: Option<String>,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = Entity::update_many()
        .col_expr(Column::OnHand, Expr::value(on_hand.max(0)))
        .col_expr(Column::PackageTag, Expr::value(package_tag))
        .col_expr(Column::PosUpdatedAt, Expr::value(at))
        .col_expr(Column::UpdatedAt, Expr::value(ctx.now))
        .filter(Column::Id.eq(id))
        .filter(older_than(at))
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// Rows whose POS time is unknown or older than `at`.
fn older_than(at: DateTime<Utc>) -> Condition {
    Condition::any()
        .add(Column::PosUpdatedAt.is_null())
        .add(Column::PosUpdatedAt.lt(at))
}
